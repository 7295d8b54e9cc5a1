// Parser fuzzing: random token soups and mutations of valid statements (seeded, a few thousand
// cases) never crash or hang the parser, and every rejection is a PARSE error whose line and
// column are inside the input and whose message quotes that line.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct SQLParserFuzzTests {
    static let corpus: [String] = [
        """
        SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
               avg(l_discount) AS avg_disc, count(*) AS count_order
        FROM lineitem WHERE l_shipdate <= date '1998-12-01' - interval '90' day
        GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus
        """,
        """
        SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
        FROM customer, orders, lineitem
        WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
          AND o_orderdate < date '1995-03-15' AND l_shipdate > date '1995-03-15'
        GROUP BY l_orderkey, o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate LIMIT 10
        """,
        "SELECT sum(l_extendedprice * l_discount) FROM lineitem WHERE l_discount BETWEEN .06 - 0.01 AND .06 + 0.01 AND l_quantity < 24",
        """
        SELECT c_count, count(*) AS custdist FROM (
          SELECT c_custkey, count(o_orderkey) FROM customer LEFT OUTER JOIN orders
            ON c_custkey = o_custkey AND o_comment NOT LIKE '%special%requests%' GROUP BY c_custkey
        ) AS c_orders (c_custkey, c_count) GROUP BY c_count ORDER BY custdist DESC, c_count DESC
        """,
        """
        SELECT cntrycode, count(*) AS numcust FROM (SELECT substring(c_phone FROM 1 FOR 2) AS cntrycode, c_acctbal FROM customer
          WHERE substring(c_phone FROM 1 FOR 2) IN ('13', '31', '23') AND c_acctbal > (SELECT avg(c_acctbal) FROM customer WHERE c_acctbal > 0.00)
            AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)) AS custsale
        GROUP BY cntrycode ORDER BY cntrycode
        """,
        "WITH r AS (SELECT a, rank() OVER (PARTITION BY b ORDER BY c DESC NULLS LAST) rk FROM t) SELECT * FROM r WHERE rk <= 3",
        "SELECT x FROM a UNION ALL SELECT y FROM b INTERSECT SELECT z FROM c EXCEPT SELECT 1 ORDER BY 1 LIMIT 5 OFFSET 2",
        "SELECT CASE WHEN a IS NULL THEN 'n' WHEN a > 0 THEN CAST(a AS string) ELSE 'neg' END, a::double, TRY_CAST(b AS int) FROM t",
        "SELECT /*+ BROADCAST(s) */ t.*, s.`my col` FROM t LEFT SEMI JOIN s USING (k) NATURAL JOIN u CROSS JOIN v",
        "SELECT count(DISTINCT a), sum(b) FILTER (WHERE b > 0), first(c) IGNORE NULLS FROM csv.`/tmp/x.csv` GROUP BY ALL",
        "SELECT a FROM t WHERE b RLIKE '^x' AND c NOT ILIKE 'a\\_%' ESCAPE '\\\\' OR d <=> e AND f IS NOT DISTINCT FROM g",
        "SELECT extract(YEAR FROM d), trim(BOTH 'x' FROM s), position('a' IN s), INTERVAL '1-2' YEAR TO MONTH, INTERVAL 1 DAY 2 HOURS",
        "SELECT sum(x) OVER w, lag(x, 1, 0) OVER (w) FROM t WINDOW w AS (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
        "CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path '/data/x.csv', header 'true', inferSchema = true)",
        "CREATE TEMP VIEW w (p, q) AS VALUES (1, 'a'), (2, 'b')",
        "SET spark.sql.shuffle.partitions = 8",
        "EXPLAIN EXTENDED SELECT * FROM range(10) r JOIN (t FULL OUTER JOIN u ON t.k = u.k) ON r.id = t.k",
        "DESCRIBE TABLE EXTENDED db.t",
        "CACHE LAZY TABLE c AS SELECT * FROM t DISTRIBUTE BY a SORT BY b",
        "SELECT -1, 10L, 2.5BD, 1e3, 'a' 'b', r'\\d', TIMESTAMP '2020-01-01 10:00:00', (a, b) IN ((1, 2)), arr[0] FROM t",
    ]

    static let vocabulary: [String] = SQLKeyword.allCases.map(\.rawValue) + SQLSymbol.allCases.map(\.rawValue) + [
        "a", "t", "t.a", "`x`", "`", "'s'", "'", "\"", "\"q\"", "1", "2.5", ".5", "1e", "1e5", "10L", "300Y", "1.5x",
        "--", "/*", "*/", "/*+", "\n", "\t", "é", "$", "?", "{", "@", "#", "\u{0}", "\u{1B}", "r'", "date '2020-01-01'",
        "INTERVAL", "DAYS", "array<", ">", "count(*)", "OVER (", "ROWS", "PRECEDING", "WEEK", "decimal(", "'1-2'",
    ]

    /// Parses `sql` three ways; every rejection must point inside the input.
    func check(_ sql: String) {
        // What parses also prints (the printer walks every node).
        for parse in [{ _ = try SQLParser.parseStatement($0).description }, { _ = try SQLParser.parseScript($0).map(\.description) },
                      { _ = try SQLParser.parseExpression($0).description }] as [(String) throws -> Void] {
            do {
                try parse(sql)
            } catch let error as EmberError {
                checkRejection(error, sql)
            } catch {
                Issue.record("not an EmberError: \(error) for \(sql.debugDescription)")
            }
        }
    }

    func checkRejection(_ error: EmberError, _ sql: String) {
        guard error.code == .parse, let line = error.context("line").flatMap({ Int($0) }),
              let column = error.context("column").flatMap({ Int($0) }) else {
            Issue.record("a rejection without a line and column: \(error) for \(sql.debugDescription)")
            return
        }
        let lines = sql.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1 && line <= lines.count, column >= 1 && column <= lines[line - 1].count + 1 else {
            Issue.record("line \(line), column \(column) is outside \(sql.debugDescription)")
            return
        }
        #expect(error.message.contains("line \(line), column \(column)"), "\(error)")
        #expect(error.message.split(separator: "\n", omittingEmptySubsequences: false).count == 3, "\(error)")
    }

    @Test func theCorpusParsesAndPrintsTheSameTreeTwice() throws {
        for sql in Self.corpus {
            let first = try SQLParser.parseStatement(sql).description
            #expect(try SQLParser.parseStatement(sql).description == first)
        }
        #expect(try SQLParser.parseScript(Self.corpus.joined(separator: ";\n")).count == Self.corpus.count)
    }

    @Test func randomTokenSoupsAreParsedOrRejectedWithAPosition() {
        var random = SplitMix64(seed: 12)
        let separators = [" ", " ", " ", "", "\n", "\t"]
        for _ in 0..<1500 {
            var sql = ""
            for _ in 0..<(1 + random.below(30)) {
                sql += Self.vocabulary[random.below(Self.vocabulary.count)] + separators[random.below(separators.count)]
            }
            check(sql)
        }
    }

    @Test func mutatedStatementsAreParsedOrRejectedWithAPosition() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2500 {
            var text = Array(Self.corpus[random.below(Self.corpus.count)].unicodeScalars)
            for _ in 0..<(1 + random.below(3)) { mutate(&text, &random) }
            var sql = ""
            sql.unicodeScalars.append(contentsOf: text)
            check(sql)
        }
    }

    @Test func deepRandomNestingIsParsedOrRejectedWithAPosition() {
        var random = SplitMix64(seed: 99)
        let openers = ["(", "NOT ", "- ", "CASE WHEN ", "f(", "(SELECT ", "cast(", "a + "]
        for _ in 0..<20 {
            var sql = "SELECT "
            for _ in 0..<(900 + random.below(300)) { sql += openers[random.below(openers.count)] }
            sql += "1"
            check(sql)
        }
    }

    /// One random edit: delete, duplicate or move a span, insert a vocabulary word, or cut the text.
    func mutate(_ text: inout [Unicode.Scalar], _ random: inout SplitMix64) {
        guard !text.isEmpty else { return }
        let at = random.below(text.count)
        let length = min(text.count - at, 1 + random.below(12))
        switch random.below(6) {
        case 0: text.removeSubrange(at..<(at + length))
        case 1: text.insert(contentsOf: text[at..<(at + length)], at: at)
        case 2:
            let span = Array(text[at..<(at + length)])
            text.removeSubrange(at..<(at + length))
            text.insert(contentsOf: span, at: random.below(text.count + 1))
        case 3: text.insert(contentsOf: (" " + Self.vocabulary[random.below(Self.vocabulary.count)] + " ").unicodeScalars, at: at)
        case 4: text.replaceSubrange(at..<(at + length), with: Self.vocabulary[random.below(Self.vocabulary.count)].unicodeScalars)
        default: text.removeSubrange(at...)
        }
    }
}
