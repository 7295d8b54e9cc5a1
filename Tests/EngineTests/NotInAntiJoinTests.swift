// An uncorrelated single-value NOT IN plans as a hash anti join behind a guard (q empty, or the
// value not null and q holding no null) instead of the quadratic nested-loop null-aware join:
// answers against DuckDB's over tables with nulls and an empty table (NOT IN's three-valued
// logic: a null in q keeps no row, an empty q keeps every row, a null value is kept only when q
// is empty), and the anti join is a hash join; a correlated NOT IN keeps its null-aware condition.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite struct NotInAntiJoinTests {
    static let cases: [SQLCase] = [
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT n FROM c)"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT n + 20 FROM c WHERE n IS NOT NULL)"),
        SQLCase("SELECT id, x FROM a WHERE x NOT IN (SELECT x FROM e)"),
        SQLCase("SELECT id, k FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL AND y > 20)"),
        SQLCase("SELECT id FROM a WHERE x + 1 NOT IN (SELECT n + 30 FROM c WHERE n > 0)"),
        SQLCase("SELECT count(*) FROM a WHERE s NOT IN (SELECT s FROM c WHERE s IS NOT NULL)"),
        SQLCase("SELECT count(*) FROM a WHERE s NOT IN (SELECT s FROM c)"),
        SQLCase("SELECT id FROM a WHERE NOT (k IN (SELECT k FROM c WHERE n < 0 AND k IS NOT NULL)) AND x > 50"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT n FROM c WHERE c.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT n FROM c WHERE n > 100)"),
        SQLCase("SELECT a.id, b.y FROM a, b WHERE a.k = b.k AND a.x NOT IN (SELECT n + 20 FROM c WHERE n IS NOT NULL) AND b.y > 3"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }

    @Test func uncorrelatedNotInIsAHashJoin() throws {
        let tables = try SQLTestTables(seed: 7)
        defer { try? FileManager.default.removeItem(atPath: tables.dir) }
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try tables.register(session)
        let uncorrelated = try session.sql("SELECT id FROM a WHERE x NOT IN (SELECT n FROM c)").explainString(false)
        // The anti join is a hash join; the nested-loop joins left are with the guard's one-row counts.
        #expect(uncorrelated.contains("HashJoin LeftAnti") && !uncorrelated.contains("NestedLoopJoin LeftAnti"), "\(uncorrelated)")
        // The guard's filter does not keep the query's other conditions from reaching the joins
        // below it: the comma join still joins on its keys.
        let joined = try session.sql("SELECT a.id FROM a, b WHERE a.k = b.k AND a.x NOT IN (SELECT n FROM c) AND b.y > 3").explainString(false)
        #expect(joined.contains("keys [k#") && !joined.contains("no equi-join keys"), "\(joined)")
        let correlated = try session.sql("SELECT id FROM a WHERE x NOT IN (SELECT n FROM c WHERE c.k = a.k)").explainString(false)
        #expect(correlated.contains("LeftAnti") && correlated.contains("OR isnull("), "\(correlated)")
    }
}
