// session.sql against DuckDB: empty inputs. The view e (an empty CSV file with a header, a's
// columns), `WHERE false` subqueries and LIMIT 0 through aggregates without GROUP BY (count is 0,
// sum/avg/min/max are null), grouped aggregates (no rows), every join type with an empty side, set
// operations, scalar subqueries over no rows (null; count 0), EXISTS / IN / NOT IN over no rows
// (NOT IN keeps null values too), windows and sorts.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryEmptyInputTests {
    static let cases: [SQLCase] = [
        // scans, filters, projections and sorts of nothing
        SQLCase("SELECT * FROM e"),
        SQLCase("SELECT id, x + 1, upper(s) FROM e WHERE k > 3"),
        SQLCase("SELECT * FROM a WHERE false"),
        SQLCase("SELECT id FROM a WHERE 1 = 0 ORDER BY id"),
        SQLCase("SELECT * FROM a LIMIT 0"),
        SQLCase("SELECT DISTINCT k FROM e"),
        SQLCase("SELECT id FROM e ORDER BY x DESC NULLS LAST LIMIT 5", ordered: true),
        // aggregates without GROUP BY have one row; with GROUP BY none
        SQLCase("SELECT count(*), count(x), sum(x), avg(x), min(x), max(x) FROM e"),
        SQLCase("SELECT count(*), sum(x), min(s), max(d) FROM a WHERE false"),
        SQLCase("SELECT count(*) FROM (SELECT * FROM a WHERE x > 1000) q"),
        SQLCase("SELECT count(DISTINCT k), stddev(x), variance(x) FROM e", duckdb: "SELECT count(DISTINCT k), stddev_samp(x), var_samp(x) FROM e"),
        SQLCase("SELECT count(*) + 1, coalesce(sum(x), 0), sum(x) IS NULL FROM e"),
        SQLCase("SELECT k, count(*), sum(x) FROM e GROUP BY k"),
        SQLCase("SELECT k, count(*) FROM a WHERE false GROUP BY k"),
        SQLCase("SELECT count(*) FROM e HAVING count(*) > 0"),
        SQLCase("SELECT count(*) FROM e HAVING count(*) = 0"),
        SQLCase("SELECT max(x) FROM (SELECT x FROM a LIMIT 0) q"),
        SQLCase("SELECT count(*), sum(n) FROM c WHERE n > 100"),
        // joins with an empty side, of every type
        SQLCase("SELECT a.id, e.id FROM a JOIN e ON a.k = e.k"),
        SQLCase("SELECT a.id, e.x FROM a LEFT JOIN e ON a.k = e.k"),
        SQLCase("SELECT a.id, e.x FROM e RIGHT JOIN a ON a.k = e.k"),
        SQLCase("SELECT e.id, a.x FROM e LEFT JOIN a ON a.k = e.k"),
        SQLCase("SELECT a.id, e.id FROM a FULL OUTER JOIN e ON a.k = e.k"),
        SQLCase("SELECT a.id, e.id FROM e FULL OUTER JOIN a ON a.k = e.k"),
        SQLCase("SELECT count(*) FROM a CROSS JOIN e"),
        SQLCase("SELECT id FROM a LEFT SEMI JOIN e ON a.k = e.k", duckdb: "SELECT id FROM a SEMI JOIN e ON a.k = e.k"),
        SQLCase("SELECT id, k FROM a LEFT ANTI JOIN e ON a.k = e.k", duckdb: "SELECT id, k FROM a ANTI JOIN e ON a.k = e.k"),
        SQLCase("SELECT k, x FROM a FULL JOIN e USING (k, x)"),
        SQLCase("SELECT * FROM b NATURAL LEFT JOIN (SELECT k, x FROM e) q"),
        SQLCase("SELECT b.k, q.n FROM b LEFT JOIN (SELECT k, count(*) AS n FROM a WHERE false GROUP BY k) q ON b.k = q.k"),
        SQLCase("SELECT a.id FROM a JOIN (SELECT * FROM b WHERE false) q ON a.k = q.k"),
        SQLCase("SELECT q.k, count(*) FROM (SELECT * FROM b WHERE false) q RIGHT JOIN a ON a.k = q.k GROUP BY q.k"),
        // set operations with an empty side
        SQLCase("SELECT k FROM a UNION SELECT k FROM e"),
        SQLCase("SELECT k, s FROM e UNION ALL SELECT k, s FROM c"),
        SQLCase("SELECT k FROM a INTERSECT SELECT k FROM e"),
        SQLCase("SELECT k FROM a EXCEPT SELECT k FROM e"),
        SQLCase("SELECT k FROM e EXCEPT SELECT k FROM a"),
        SQLCase("SELECT k FROM e UNION SELECT k FROM e"),
        // subqueries over no rows
        SQLCase("SELECT id, (SELECT max(x) FROM e) FROM a WHERE id < 5"),
        SQLCase("SELECT id, (SELECT count(*) FROM e) AS n FROM a WHERE id < 5"),
        SQLCase("SELECT id, (SELECT x FROM e) FROM a WHERE id < 5"),
        SQLCase("SELECT id, (SELECT y FROM b WHERE false) FROM a WHERE id < 5"),
        SQLCase("SELECT id FROM a WHERE x > (SELECT max(x) FROM e)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM e)"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM e) AND id < 10"),
        SQLCase("SELECT id FROM a WHERE x IN (SELECT x FROM e)"),
        SQLCase("SELECT id, x FROM a WHERE x NOT IN (SELECT x FROM e)"),
        SQLCase("SELECT id, k FROM a WHERE k NOT IN (SELECT k FROM b WHERE false)"),
        SQLCase("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM e WHERE e.k = a.k)"),
        SQLCase("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.k = a.k)"),
        SQLCase("SELECT id, (SELECT count(*) FROM e WHERE e.k = a.k) AS n, (SELECT sum(x) FROM e WHERE e.k = a.k) AS t FROM a"),
        SQLCase("SELECT id FROM e WHERE x IN (SELECT y FROM b)"),
        SQLCase("SELECT count(*) FROM e WHERE k NOT IN (SELECT k FROM b)"),
        // CTEs, windows and sorts over empty inputs
        SQLCase("WITH none AS (SELECT * FROM a WHERE false) SELECT count(*), max(x) FROM none"),
        SQLCase("WITH none AS (SELECT k, x FROM e) SELECT a.id FROM a LEFT ANTI JOIN none ON a.k = none.k WHERE a.id < 20",
                duckdb: "WITH none AS (SELECT k, x FROM e) SELECT a.id FROM a ANTI JOIN none ON a.k = none.k WHERE a.id < 20"),
        SQLCase("SELECT id, row_number() OVER (ORDER BY id) FROM e"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k) FROM a WHERE false"),
        SQLCase("SELECT k, count(*), rank() OVER (ORDER BY count(*)) FROM e GROUP BY k"),
        SQLCase("SELECT sum(x) OVER () FROM (SELECT count(*) AS x FROM e) q"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
