// The 22 TPC-H queries parse: their SQL text (Benchmarks/TPCH/sql/qNN.sql, which the peers run and
// DuckDB's answers come from) and the specification's own forms of the clauses that text rewrote
// (interval arithmetic, BETWEEN .06 - 0.01, SUBSTRING … FROM … FOR, a derived column list, Q15's view).

@_spi(EmberInternal) @testable import Planner
import Foundation
import Testing
import TPCHQueries

@Suite struct SQLTPCHParseTests {
    /// The queries' text by number, from Benchmarks/TPCH/sql.
    static func queries() throws -> [Int: String] { try TPCHSQL.texts() }

    func select(_ sql: String) throws -> SQLSelect {
        guard case .select(let select) = try SQLParser.parseQuery(sql).body else { throw EmberError(.internal, "not a SELECT") }
        return select
    }

    @Test func allTwentyTwoParse() throws {
        let queries = try Self.queries()
        #expect(queries.keys.sorted() == Array(1...22))
        for (n, sql) in queries.sorted(by: { $0.key < $1.key }) {
            #expect(throws: Never.self, "Q\(n)") { _ = try SQLParser.parseQuery(sql) }
            // Shallow enough to parse on the caller's thread, without starting one.
            let source = SQLSource(sql)
            #expect(SQLParser(source, range: 0..<source.bytes.count, start: .start).nestingBound <= SQLParserStack.inlineNesting, "Q\(n)")
        }
    }

    @Test func theirClausesParseToWhatTheyMean() throws {
        let queries = try Self.queries()
        let q1 = try SQLParser.parseQuery(queries[1] ?? "")
        guard case .select(let s1) = q1.body else { throw EmberError(.internal, "Q1 is not a SELECT") }
        #expect(s1.items.count == 10 && s1.from.count == 1 && q1.orderBy.count == 2)
        #expect(s1.items[9].description == "(as (count *) count_order)")
        #expect(s1.whereClause?.description == "(<= l_shipdate (date '1998-09-02' 10471))")

        let q13 = try select(queries[13] ?? "")
        #expect(q13.from.map(SQLTreePrinter.relation) == [
            "(alias (subquery (select (items c_custkey (as (count o_orderkey) c_count)) (from (left_outer-join customer orders "
            + "(on (AND (= c_custkey o_custkey) (not-like o_comment '%special%requests%'))))) (group-by c_custkey))) c_orders)",
        ])
        #expect(try SQLParser.parseQuery(queries[15] ?? "").ctes.map(\.name.name) == ["revenue0"])
        let q18 = try select(queries[18] ?? "")
        #expect(q18.whereClause?.description.hasPrefix(
            "(AND (AND (in o_orderkey (select (items l_orderkey) (from lineitem) (group-by l_orderkey) (having (> (sum l_quantity) 300))))") == true)
        let q21 = try select(queries[21] ?? "")
        #expect(q21.from.map(SQLTreePrinter.relation) == ["supplier", "nation", "(alias lineitem l1)", "orders"])
    }

    @Test func theSpecificationsFormsParse() throws {
        #expect(try sqlExpression("l_shipdate <= date '1998-12-01' - interval '90' day") ==
            "(<= l_shipdate (- (date '1998-12-01' 10561) (interval day..day months=0 days=90 micros=0)))")
        #expect(try sqlExpression("o_orderdate < date '1993-07-01' + interval '3' month") ==
            "(< o_orderdate (+ (date '1993-07-01' 8582) (interval month..month months=3 days=0 micros=0)))")
        #expect(try sqlExpression("o_orderdate < date '1994-01-01' + interval '1' year") ==
            "(< o_orderdate (+ (date '1994-01-01' 8766) (interval year..year months=12 days=0 micros=0)))")
        #expect(try sqlExpression("l_discount between .06 - 0.01 and .06 + 0.01 and l_quantity < 24") ==
            "(AND (between l_discount (- (decimal 0.06) (decimal 0.01)) (+ (decimal 0.06) (decimal 0.01))) (< l_quantity 24))")
        #expect(try sqlExpression("substring(c_phone from 1 for 2)") == "(substring c_phone 1 2)")
        let q13 = try select("select c_count from (select c_custkey, count(o_orderkey) from customer group by c_custkey) as c_orders (c_custkey, c_count)")
        #expect(q13.from[0].alias?.columns.map(\.name) == ["c_custkey", "c_count"])

        let q15 = try SQLParser.parseScript("""
            create view revenue0 (supplier_no, total_revenue) as
              select l_suppkey, sum(l_extendedprice * (1 - l_discount)) from lineitem
              where l_shipdate >= date '1996-01-01' and l_shipdate < date '1996-01-01' + interval '3' month
              group by l_suppkey;
            select s_suppkey, s_name, s_address, s_phone, total_revenue from supplier, revenue0
            where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
            order by s_suppkey;
            drop view revenue0;
            """)
        #expect(q15.count == 3)
        #expect(q15[0].description.hasPrefix("(create-view revenue0 (columns supplier_no total_revenue) (as (select"))
        #expect(q15[2].description == "(drop-view revenue0)")
    }
}
