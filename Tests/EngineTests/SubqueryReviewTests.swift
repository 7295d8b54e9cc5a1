// Correlated subqueries over aggregates, against DuckDB: the value an outer row without matches
// takes (the count bug) where the correlation crosses more than one aggregate, or an aggregate
// grouped by the correlated columns; and the shapes whose rewrite would lose the row a global
// aggregate has over no input (under a filter, or under another aggregate) are refused, not
// answered wrongly.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SubqueryReviewTests {
    static let cases: [SQLCase] = [
        // grouped by the correlated column: no row, so null, whatever the expression
        SQLCase("SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k GROUP BY b.k) FROM a"),
        SQLCase("SELECT id, (SELECT count(*) + 1 FROM b WHERE b.k = a.k GROUP BY k) FROM a"),
        SQLCase("SELECT id, (SELECT coalesce(count(*), 5) FROM b WHERE b.k = a.k GROUP BY b.k) FROM a"),
        // a global aggregate: a row over no input, so count is 0
        SQLCase("SELECT id, (SELECT coalesce(count(*), 5) FROM b WHERE b.k = a.k) FROM a"),
        SQLCase("SELECT id, (SELECT count(*) * 2 + coalesce(max(y), -1) FROM b WHERE b.k = a.k) FROM a"),
    ]

    @Test(arguments: SQLReference.seeds)
    func countBugDefaultsEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }

    /// A semi join drops the outer rows without matches, for which a global aggregate under
    /// HAVING has its row (DuckDB, and Spark since SPARK-46468, keep them): refused.
    @Test func filteredGlobalAggregatesAreRefusedNotAnsweredWrongly() throws {
        let tables = try SQLTestTables(seed: 7)
        defer { try? FileManager.default.removeItem(atPath: tables.dir) }
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        try tables.register(session)
        for sql in ["SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k HAVING count(*) = 0)",
                    "SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k HAVING count(*) < 3)",
                    "SELECT id FROM a WHERE x NOT IN (SELECT count(*) FROM b WHERE b.k = a.k HAVING count(*) < 3)",
                    "SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k HAVING count(*) < 3) FROM a"] {
            #expect(throws: EmberError.self, "\(sql)") { try session.sql(sql).collect() }
        }
        // A global count below another aggregate: its 0 for outer rows without matches is lost.
        let a = try session.table("a"), b = try session.table("b")
        let nested = b.where(col("k") === col("k").outer()).agg(count(lit(1)).alias("n")).agg(max("n")).scalar()
        #expect(throws: EmberError.self) { try a.select(col("id"), nested.alias("m")).collect() }
        // The same count at the top keeps it.
        let top = b.where(col("k") === col("k").outer()).agg(count(lit(1))).scalar()
        let rows = try a.select(col("k"), top.alias("n")).collect()
        let bKeys = Set(try b.select("k").collect().compactMap { row -> Int64? in if case .long(let v) = row[0] { return v }; return nil })
        for row in rows where row[0].isNull || !bKeys.contains(row[0].longValue ?? -1) {
            #expect(row[1] == .long(0))
        }
    }
}
