// session.sql against DuckDB: correlated subqueries, which Ember rewrites into joins as Spark does.
// EXISTS / NOT EXISTS / IN / NOT IN / scalar, correlated on one and two columns, with aggregates
// (the count bug: count over no matching rows is 0, not null), in WHERE, SELECT and HAVING, nested
// two levels, with inequalities next to the correlation, and over null correlation values.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryCorrelatedTests {
    static let cases: [SQLCase] = [
        // EXISTS / NOT EXISTS
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id, k FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > 30)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM c WHERE c.k = a.k AND c.s = a.s)"),
        SQLCase("SELECT id, k, s FROM a WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.k = a.k AND c.s = a.s)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > a.x)"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y <= a.x)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.y > a.x + 45)"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.n > a.k)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k) AND NOT EXISTS (SELECT 1 FROM c WHERE c.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE x > 40 AND EXISTS (SELECT * FROM b WHERE a.k = b.k AND t LIKE 'a%')"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k <=> a.k)",
                duckdb: "SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k IS NOT DISTINCT FROM a.k)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT k FROM b WHERE b.k = a.k GROUP BY k HAVING count(*) > 6)"),
        // IN / NOT IN correlated (null-aware)
        SQLCase("SELECT id FROM a WHERE x IN (SELECT y FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id, x FROM a WHERE x NOT IN (SELECT y FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id, k FROM a WHERE k NOT IN (SELECT n FROM c WHERE c.s = a.s)"),
        SQLCase("SELECT id FROM a WHERE s IN (SELECT s FROM c WHERE c.k = a.k AND c.n > 0)"),
        SQLCase("SELECT id FROM a WHERE k IN (SELECT k FROM c WHERE c.s = a.s AND c.z > a.x - 50)"),
        // DuckDB has no correlated multi-column IN: Spark's null-aware meaning as NOT EXISTS
        SQLCase("SELECT id FROM a WHERE (k, s) NOT IN (SELECT k, s FROM c WHERE c.n > a.x - 60)",
                duckdb: "SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.n > a.x - 60 AND (c.k = a.k OR c.k IS NULL OR a.k IS NULL) AND (c.s = a.s OR c.s IS NULL OR a.s IS NULL))"),
        // scalar subqueries: aggregates, the count bug, expressions over aggregates
        SQLCase("SELECT id, (SELECT max(y) FROM b WHERE b.k = a.k) FROM a"),
        SQLCase("SELECT id, (SELECT count(*) FROM c WHERE c.k = a.k AND c.s = a.s) AS n FROM a"),
        SQLCase("SELECT id, (SELECT count(y) FROM b WHERE b.k = a.k AND y IS NULL) AS n FROM a"),
        SQLCase("SELECT id, (SELECT sum(y) FROM b WHERE b.k = a.k AND b.y > 45) AS t FROM a"),
        SQLCase("SELECT id, (SELECT count(*) + 1 FROM b WHERE b.k = a.k) AS n FROM a"),
        SQLCase("SELECT id, (SELECT coalesce(sum(y), 0) FROM b WHERE b.k = a.k AND y > 40) AS t FROM a"),
        SQLCase("SELECT id, (SELECT avg(z) FROM c WHERE c.k = a.k) FROM a"),
        SQLCase("SELECT id, (SELECT count(DISTINCT t) FROM b WHERE b.k = a.k) FROM a"),
        SQLCase("SELECT id, x - (SELECT min(y) FROM b WHERE b.k = a.k) AS gap FROM a"),
        SQLCase("SELECT id FROM a WHERE x > (SELECT avg(y) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE (SELECT count(*) FROM b WHERE b.k = a.k) = 0"),
        SQLCase("SELECT id FROM a WHERE (SELECT count(*) FROM b WHERE b.k = a.k) < 4"),
        SQLCase("SELECT id FROM a WHERE x < (SELECT max(y) FROM b WHERE b.k = a.k) AND s = (SELECT max(s) FROM c WHERE c.k = a.k)"),
        SQLCase("SELECT id, CASE WHEN (SELECT count(*) FROM b WHERE b.k = a.k) > 5 THEN 'many' ELSE 'few' END FROM a"),
        // in HAVING and over groups
        SQLCase("SELECT k, count(*) FROM a GROUP BY k HAVING count(*) > (SELECT count(*) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT k, sum(x) FROM a GROUP BY k HAVING EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > 45)"),
        SQLCase("SELECT k, sum(x) FROM a GROUP BY k HAVING k NOT IN (SELECT k FROM c WHERE c.n > 10)"),
        SQLCase("SELECT k, max(x) FROM a GROUP BY k HAVING max(x) > (SELECT max(y) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT q.k, q.total FROM (SELECT k, sum(x) AS total FROM a GROUP BY k) q WHERE q.total > (SELECT sum(y) FROM b WHERE b.k = q.k)"),
        // nested two levels
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y IN (SELECT n FROM c WHERE c.k = b.k))"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND NOT EXISTS (SELECT 1 FROM c WHERE c.k = b.k))"),
        SQLCase("SELECT id FROM a WHERE x > (SELECT avg(y) FROM b WHERE b.k = a.k AND b.y < (SELECT max(n) FROM c WHERE c.k = b.k))"),
        SQLCase("SELECT id FROM a WHERE k IN (SELECT k FROM b WHERE b.y > (SELECT avg(n) FROM c WHERE c.k = b.k))"),
        SQLCase("SELECT id, (SELECT max(y) FROM b WHERE b.k = a.k AND EXISTS (SELECT 1 FROM c WHERE c.k = b.k AND c.n > 10)) FROM a"),
        // correlated subqueries inside CTEs, derived tables and joins
        SQLCase("WITH r AS (SELECT id, k, x FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k)) SELECT k, count(*) FROM r GROUP BY k"),
        SQLCase("SELECT q.id, q.m FROM (SELECT id, (SELECT max(n) FROM c WHERE c.k = a.k) AS m FROM a) q WHERE q.m > 5"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k WHERE b.y = (SELECT max(y) FROM b b2 WHERE b2.k = a.k)"),
        SQLCase("SELECT a1.id FROM a a1 WHERE a1.x = (SELECT max(a2.x) FROM a a2 WHERE a2.k = a1.k)"),
        SQLCase("SELECT a1.id FROM a a1 WHERE NOT EXISTS (SELECT 1 FROM a a2 WHERE a2.k = a1.k AND a2.x > a1.x)"),
        // aggregates without GROUP BY have one row whatever the correlation; grouped ones none for no match
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT count(*) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT max(y) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE x IN (SELECT max(y) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT max(y) FROM b WHERE b.k = a.k)"),
        SQLCase("SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k) + (SELECT count(*) FROM c WHERE c.k = a.k) AS n FROM a"),
        SQLCase("SELECT id, (SELECT count(*) * 2 + 1 FROM b WHERE b.k = a.k) AS n FROM a"),
        SQLCase("SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k GROUP BY b.k) AS n FROM a"),
        SQLCase("SELECT id, (SELECT sum(y) FROM b WHERE b.k = a.k GROUP BY b.k) AS n FROM a"),
        SQLCase("SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k GROUP BY k) AS n FROM a"),
        SQLCase("SELECT id FROM a WHERE (SELECT max(y) FROM b WHERE b.k = a.k) IS NULL"),
        SQLCase("SELECT id, k FROM a WHERE k = (SELECT min(k) FROM c WHERE c.s = a.s)"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
