// session.sql against DuckDB: joins and the optimizer's freedom around them. Conditions in ON that
// touch only one side of an outer join (they must not filter the preserved side), WHERE filters
// over the null-supplying side that do or do not reject nulls (an outer join may become inner only
// for the former), filters above windows, limits and aggregates (pushed below only where that
// keeps the answer), chained USING and NATURAL joins, joins on expressions, null-safe keys in
// outer joins, and self joins.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryJoinTests {
    static let cases: [SQLCase] = [
        // ON conditions on one side of an outer join
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k AND a.x > 50"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k AND b.y < 10"),
        SQLCase("SELECT a.id, b.y FROM a RIGHT JOIN b ON a.k = b.k AND b.y > 40"),
        SQLCase("SELECT a.id, b.y FROM a RIGHT JOIN b ON a.k = b.k AND a.s = 'apple'"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON a.k = b.k AND a.x > 50 AND b.y < 20"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.x > 95 AND b.y > 48"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON true WHERE a.id < 3"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON false WHERE a.id < 5 OR b.y > 45"),
        SQLCase("SELECT id FROM a LEFT SEMI JOIN b ON a.k = b.k AND a.x > b.y",
                duckdb: "SELECT id FROM a SEMI JOIN b ON a.k = b.k AND a.x > b.y"),
        SQLCase("SELECT id FROM a LEFT ANTI JOIN b ON a.k = b.k AND a.x > 50",
                duckdb: "SELECT id FROM a ANTI JOIN b ON a.k = b.k AND a.x > 50"),
        // WHERE over the null-supplying side: null-rejecting or not
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE b.y IS NULL"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE coalesce(b.y, 0) = 0"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE b.y > 40 OR b.y IS NULL"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE b.y > 40"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE NOT (b.y < 40)"),
        SQLCase("SELECT a.id, b.t FROM a LEFT JOIN b ON a.k = b.k WHERE b.t IS DISTINCT FROM 'apples'"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON a.k = b.k WHERE a.x > 50"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON a.k = b.k WHERE b.y < 5"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON a.k = b.k WHERE a.id IS NULL"),
        SQLCase("SELECT a.id, b.y FROM a RIGHT JOIN b ON a.k = b.k WHERE a.x IS NULL"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE CASE WHEN b.y IS NULL THEN true ELSE b.y > 45 END"),
        SQLCase("SELECT a.id, b.y, c.n FROM a LEFT JOIN b ON a.k = b.k LEFT JOIN c ON b.k = c.k AND c.n > 0 WHERE a.id < 40"),
        SQLCase("SELECT a.id, b.y, c.n FROM a LEFT JOIN b ON a.k = b.k JOIN c ON c.k = a.k WHERE a.id < 30 AND c.n < 0"),
        // filters above windows, limits, aggregates and unions
        SQLCase("SELECT * FROM (SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM a) q WHERE rn = 1 AND id > 50"),
        SQLCase("SELECT * FROM (SELECT id, k, count(*) OVER (PARTITION BY k) AS n FROM a) q WHERE k > 5"),
        SQLCase("SELECT * FROM (SELECT id, x, sum(x) OVER (ORDER BY id) AS run FROM a) q WHERE x > 90"),
        SQLCase("SELECT * FROM (SELECT id, x FROM a ORDER BY id LIMIT 20) q WHERE x > 50"),
        SQLCase("SELECT * FROM (SELECT k, count(*) AS n FROM a GROUP BY k) q WHERE k > 3 AND n > 18"),
        SQLCase("SELECT * FROM (SELECT k, x FROM a UNION ALL SELECT k, y FROM b) u WHERE x > 45 AND k IS NOT NULL"),
        SQLCase("SELECT * FROM (SELECT k, s FROM a INTERSECT SELECT k, s FROM c) q WHERE k > 2"),
        SQLCase("SELECT * FROM (SELECT DISTINCT k, x > 50 AS big FROM a) q WHERE big"),
        SQLCase("SELECT q.k, q.m FROM (SELECT k, max(x) AS m FROM a GROUP BY k) q LEFT JOIN b ON q.k = b.k WHERE b.k IS NULL"),
        // chained USING / NATURAL, expressions and null-safe keys
        SQLCase("SELECT k, id, y, n FROM a JOIN b USING (k) JOIN c USING (k) WHERE id < 20"),
        SQLCase("SELECT k, count(*) FROM a LEFT JOIN b USING (k) LEFT JOIN c USING (k) GROUP BY k"),
        SQLCase("SELECT k, id, y FROM b RIGHT JOIN a USING (k) WHERE id < 30"),
        // a NATURAL JOIN without common columns is a cross join in Spark (DuckDB refuses it)
        SQLCase("SELECT * FROM (SELECT id, k FROM a) p NATURAL JOIN (SELECT y, t FROM b WHERE y > 48) q",
                duckdb: "SELECT * FROM (SELECT id, k FROM a) p CROSS JOIN (SELECT y, t FROM b WHERE y > 48) q"),
        SQLCase("SELECT id, t FROM (SELECT id, k, s AS t FROM a) p NATURAL JOIN (SELECT k, t FROM b) q"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k + 1 = b.k AND a.id < 40"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k - 3 AND upper(a.s) = upper(substring(b.t, 1, length(b.t) - 1))"),
        SQLCase("SELECT a.id, b.y FROM a FULL JOIN b ON a.k <=> b.k WHERE a.k IS NULL OR b.k IS NULL",
                duckdb: "SELECT a.id, b.y FROM a FULL JOIN b ON a.k IS NOT DISTINCT FROM b.k WHERE a.k IS NULL OR b.k IS NULL"),
        SQLCase("SELECT a.id, c.z FROM a LEFT JOIN c ON a.k <=> c.k AND a.s <=> c.s",
                duckdb: "SELECT a.id, c.z FROM a LEFT JOIN c ON a.k IS NOT DISTINCT FROM c.k AND a.s IS NOT DISTINCT FROM c.s"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.x BETWEEN b.y AND b.y + 2 WHERE a.id < 50"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k OR a.x = b.y"),
        // self joins and joins of aggregates
        SQLCase("SELECT a1.id, a2.id FROM a a1 LEFT JOIN a a2 ON a1.k = a2.k AND a2.id = a1.id + 1"),
        SQLCase("SELECT p.k, p.n, q.n FROM (SELECT k, count(*) AS n FROM a GROUP BY k) p FULL JOIN (SELECT k, count(*) AS n FROM b GROUP BY k) q ON p.k = q.k"),
        SQLCase("SELECT a.k, count(DISTINCT b.t), sum(b.y) FROM a JOIN b ON a.k = b.k GROUP BY a.k"),
        SQLCase("SELECT a.*, b.y FROM a JOIN b ON a.k = b.k WHERE a.id < 15"),
        SQLCase("SELECT b.*, c.* FROM b JOIN c ON b.k = c.k WHERE b.y > 45"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
