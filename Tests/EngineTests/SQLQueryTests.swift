// session.sql against DuckDB: ~90 queries over seeded random tables with nulls, covering every
// construct the translator handles (select lists, DISTINCT, every join type, WHERE, GROUP BY by
// name, position, alias and expression, HAVING, ORDER BY with NULLS FIRST/LAST, LIMIT, CTEs, set
// operations, IN/BETWEEN/LIKE/IS NULL/CASE/CAST, dates and intervals, scalar/IN/EXISTS
// subqueries, functions). Results compare as multisets, or in order for the queries marked
// ordered (their ORDER BY is total). Where DuckDB spells a construct differently, the query gives
// DuckDB's spelling too; Spark's `/` is fractional, as DuckDB's.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryTests {
    struct Case {
        let sql: String
        let duckdb: String
        let ordered: Bool
        init(_ sql: String, duckdb: String? = nil, ordered: Bool = false) {
            self.sql = sql
            self.duckdb = duckdb ?? sql
            self.ordered = ordered
        }
    }

    static let cases: [Case] = [
        // select lists, arithmetic, DISTINCT
        Case("SELECT id, x FROM a"),
        Case("SELECT id, x + 1 AS x1, x * 2, x - k FROM a"),
        Case("SELECT id, x / 4 FROM a"),
        Case("SELECT id, x % 7 FROM a"),
        Case("SELECT id, x DIV 7 FROM a", duckdb: "SELECT id, x // 7 FROM a"),
        Case("SELECT DISTINCT k FROM a"),
        Case("SELECT DISTINCT k, s FROM a"),
        Case("SELECT * FROM a WHERE x > 50"),
        Case("SELECT t.* FROM a t WHERE t.id < 10"),
        Case("SELECT 1 + 2, 'x', DATE '2020-02-29'"),
        // predicates
        Case("SELECT id FROM a WHERE x BETWEEN 10 AND 20"),
        Case("SELECT id FROM a WHERE x NOT BETWEEN 10 AND 90"),
        Case("SELECT id FROM a WHERE s IN ('apple', 'fig')"),
        Case("SELECT id FROM a WHERE s NOT IN ('apple', 'fig')"),
        Case("SELECT id FROM a WHERE k IN (1, 2, NULL)"),
        Case("SELECT id FROM a WHERE s LIKE 'b%'"),
        Case("SELECT id FROM a WHERE s NOT LIKE '%e%'"),
        Case("SELECT k, y FROM b WHERE t LIKE '%a_'"),
        Case("SELECT count(*) FROM a WHERE s ILIKE 'A%'"),
        Case("SELECT id FROM a WHERE s IS NULL"),
        Case("SELECT id FROM a WHERE x IS NOT NULL AND k IS NULL"),
        Case("SELECT id FROM a WHERE x IS NOT NULL AND (k = 1 OR k = 2) AND NOT (s = 'apple')"),
        Case("SELECT id, k <=> 3 FROM a", duckdb: "SELECT id, k IS NOT DISTINCT FROM 3 FROM a"),
        // CASE, CAST, functions
        Case("SELECT id, CASE WHEN x < 30 THEN 'low' WHEN x < 70 THEN 'mid' ELSE 'high' END AS band FROM a"),
        Case("SELECT id, CASE k WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM a"),
        Case("SELECT id, CAST(x AS STRING) FROM a", duckdb: "SELECT id, CAST(x AS VARCHAR) FROM a"),
        Case("SELECT id, CAST(x AS DOUBLE) / 3 FROM a"),
        Case("SELECT upper(s), lower(s), length(s), substring(s, 2, 3) FROM a"),
        Case("SELECT coalesce(x, k, -1), nullif(k, 3) FROM a"),
        Case("SELECT abs(x - 50), round(x / 3, 2) FROM a"),
        Case("SELECT s || '-' || CAST(k AS STRING) FROM a", duckdb: "SELECT s || '-' || CAST(k AS VARCHAR) FROM a"),
        Case("SELECT concat(s, 'x') FROM a", duckdb: "SELECT s || 'x' FROM a"),
        Case("SELECT if(x > 50, 'hi', 'lo'), nvl(s, 'none') FROM a", duckdb: "SELECT CASE WHEN x > 50 THEN 'hi' ELSE 'lo' END, coalesce(s, 'none') FROM a"),
        // dates and intervals
        Case("SELECT id FROM a WHERE d >= DATE '1996-01-01' AND d < DATE '1996-07-01'"),
        Case("SELECT id, d + INTERVAL '10' DAY FROM a"),
        Case("SELECT id, d - INTERVAL '2' MONTH FROM a"),
        Case("SELECT id, d + INTERVAL '1' YEAR FROM a"),
        Case("SELECT id FROM a WHERE d < DATE '1996-01-01' + INTERVAL '3' MONTH"),
        Case("SELECT year(d), month(d), day(d) FROM a"),
        Case("SELECT datediff(d, DATE '1995-01-01') FROM a", duckdb: "SELECT date_diff('day', DATE '1995-01-01', d) FROM a"),
        Case("SELECT date_add(d, 5), date_sub(d, 3), add_months(d, 1) FROM a", duckdb: "SELECT d + 5, d - 3, d + INTERVAL 1 MONTH FROM a"),
        // aggregates
        Case("SELECT k, count(*) FROM a GROUP BY k"),
        Case("SELECT k, count(x), sum(x), min(x), max(x) FROM a GROUP BY k"),
        Case("SELECT k, avg(x) FROM a GROUP BY k"),
        Case("SELECT count(*), count(DISTINCT k), sum(x) FROM a"),
        Case("SELECT stddev(x), variance(x), stddev_pop(x) FROM a"),
        Case("SELECT count(DISTINCT k) + 1, count(DISTINCT s) FROM a"),
        Case("SELECT count(DISTINCT k) AS n, s FROM a GROUP BY s ORDER BY n DESC, s NULLS FIRST", ordered: true),
        Case("SELECT s, k, count(*) AS n FROM a GROUP BY s, k"),
        Case("SELECT k, count(*) FROM a GROUP BY 1"),
        Case("SELECT count(*) AS n, k FROM a GROUP BY k"),
        Case("SELECT k % 3 AS m, sum(x) FROM a GROUP BY k % 3"),
        Case("SELECT k % 3 AS m, sum(x) FROM a GROUP BY m"),
        Case("SELECT k + 1, count(*) FROM a GROUP BY k + 1"),
        Case("SELECT k, sum(x) FROM a GROUP BY k HAVING sum(x) > 500"),
        Case("SELECT k FROM a GROUP BY k HAVING count(*) > 15"),
        Case("SELECT k, count(*) FROM a GROUP BY k HAVING k IS NOT NULL AND count(*) > 10"),
        Case("SELECT k, sum(x) AS total FROM a GROUP BY k HAVING total > 400"),
        Case("SELECT k, sum(x) FROM a GROUP BY k HAVING sum(x) > (SELECT avg(y) * 10 FROM b)"),
        Case("WITH r AS (SELECT k AS kk, sum(x) AS total FROM a GROUP BY k) SELECT kk, total FROM r WHERE total = (SELECT max(total) FROM r)"),
        Case("SELECT k, max(x) - min(x) AS spread FROM a GROUP BY k"),
        Case("SELECT k, count(*) - (SELECT count(*) FROM b) FROM a GROUP BY k"),
        Case("SELECT k, (SELECT max(y) FROM b WHERE b.k = a.k) AS m, sum(x) FROM a GROUP BY k"),
        Case("SELECT sum(x) + k, k FROM a GROUP BY k HAVING max(x) > 90 AND min(x) < 10"),
        Case("SELECT k, sum(x) / count(x) FROM a GROUP BY k"),
        Case("SELECT k, count(*) FROM a WHERE d IS NOT NULL GROUP BY ALL"),
        Case("SELECT count(*) FROM a WHERE x > 1000"),
        Case("SELECT k, sum(x) FROM a WHERE x > 1000 GROUP BY k"),
        // joins
        Case("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k"),
        Case("SELECT a.id, b.y FROM a INNER JOIN b ON a.k = b.k AND b.y > a.x"),
        Case("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k"),
        Case("SELECT a.id, b.y FROM a RIGHT OUTER JOIN b ON a.k = b.k"),
        Case("SELECT a.id, b.y FROM a FULL OUTER JOIN b ON a.k = b.k"),
        Case("SELECT id, y FROM a JOIN b USING (k)"),
        Case("SELECT k, id, y FROM a LEFT JOIN b USING (k)"),
        Case("SELECT id, y FROM a NATURAL JOIN b"),
        Case("SELECT count(*) FROM a CROSS JOIN b"),
        Case("SELECT a.id, b.y FROM a, b WHERE a.k = b.k AND b.y > 25"),
        Case("SELECT id FROM a LEFT SEMI JOIN b ON a.k = b.k", duckdb: "SELECT id FROM a SEMI JOIN b ON a.k = b.k"),
        Case("SELECT id FROM a LEFT ANTI JOIN b ON a.k = b.k", duckdb: "SELECT id FROM a ANTI JOIN b ON a.k = b.k"),
        Case("SELECT a1.id, a2.id FROM a a1 JOIN a a2 ON a1.id = a2.id + 1 WHERE a1.id < 20"),
        Case("SELECT a.k, count(b.y) FROM a LEFT JOIN b ON a.k = b.k GROUP BY a.k"),
        Case("SELECT * FROM (SELECT k, max(x) AS mx FROM a GROUP BY k) m JOIN b ON m.k = b.k"),
        // subqueries in FROM, CTEs, set operations
        Case("SELECT q.id, q.total FROM (SELECT id, x + k AS total FROM a) q WHERE q.total > 50"),
        Case("SELECT v.c1 FROM (SELECT id AS c1 FROM a) AS v(c1) WHERE v.c1 < 5", duckdb: "SELECT v.c1 FROM (SELECT id AS c1 FROM a) AS v(c1) WHERE v.c1 < 5"),
        Case("WITH big AS (SELECT * FROM a WHERE x > 50), counts AS (SELECT k, count(*) AS n FROM big GROUP BY k) SELECT k, n FROM counts WHERE n > 2"),
        Case("WITH c (kk, total) AS (SELECT k, sum(x) FROM a GROUP BY k) SELECT kk FROM c WHERE total > 300"),
        Case("SELECT q.id FROM (SELECT id FROM a WHERE x IS NOT NULL ORDER BY x DESC, id LIMIT 5) q"),
        Case("SELECT n, w FROM VALUES (1, 'a'), (2, 'b') AS v(n, w) WHERE n > 1", duckdb: "SELECT n, w FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, w) WHERE n > 1"),
        Case("SELECT k FROM a UNION SELECT k FROM b"),
        Case("SELECT k FROM a UNION ALL SELECT k FROM b"),
        Case("SELECT k FROM a INTERSECT SELECT k FROM b"),
        Case("SELECT k FROM b EXCEPT SELECT k FROM a"),
        Case("SELECT k FROM a UNION SELECT k FROM b EXCEPT SELECT k FROM b WHERE y > 20"),
        Case("SELECT id, x FROM a WHERE x > 90 UNION ALL SELECT id, x FROM a WHERE x < 5 ORDER BY id LIMIT 20", ordered: true),
        // subquery expressions
        Case("SELECT id FROM a WHERE x > (SELECT avg(y) FROM b)"),
        Case("SELECT id FROM a WHERE k IN (SELECT k FROM b WHERE y > 40)"),
        Case("SELECT id FROM a WHERE k NOT IN (SELECT k FROM b WHERE y > 40)"),
        Case("SELECT id FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL AND y > 40)"),
        Case("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > 45)"),
        Case("SELECT id FROM a WHERE NOT EXISTS (SELECT * FROM b WHERE b.k = a.k)"),
        Case("SELECT id, (SELECT max(y) FROM b WHERE b.k = a.k) AS m FROM a"),
        Case("SELECT id, (SELECT count(*) FROM b WHERE b.k = a.k) AS n FROM a"),
        // ORDER BY and LIMIT
        Case("SELECT id, x FROM a ORDER BY x DESC NULLS LAST, id LIMIT 10", ordered: true),
        Case("SELECT id, x FROM a ORDER BY 2 NULLS FIRST, 1 LIMIT 15", ordered: true),
        Case("SELECT id AS i, x FROM a ORDER BY i DESC LIMIT 5", ordered: true),
        Case("SELECT id FROM a ORDER BY x + k NULLS LAST, id LIMIT 12", ordered: true),
        Case("SELECT k, count(*) AS n FROM a GROUP BY k ORDER BY n DESC, k NULLS FIRST", ordered: true),
        Case("SELECT k FROM a GROUP BY k ORDER BY sum(x) DESC NULLS LAST, k NULLS FIRST", ordered: true),
        Case("SELECT s, count(*) FROM a GROUP BY s ORDER BY 2 DESC, 1 NULLS LAST", ordered: true),
        Case("SELECT DISTINCT k FROM a ORDER BY k NULLS LAST", ordered: true),
        Case("SELECT count(*) FROM a GROUP BY k ORDER BY k NULLS FIRST", ordered: true),
        Case("SELECT k, count(*) FROM a GROUP BY k ORDER BY count(*) DESC, k NULLS LAST", ordered: true),
        Case("SELECT x AS k FROM a ORDER BY k NULLS LAST, id LIMIT 8", ordered: true),
        Case("SELECT id, s FROM a WHERE k = 3 ORDER BY s DESC NULLS FIRST, id", ordered: true),
        // window functions (OVER): ranking, offsets, frames, named windows, windows over aggregates
        Case("SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM a"),
        Case("SELECT id, rank() OVER (ORDER BY x NULLS FIRST) AS r, dense_rank() OVER (ORDER BY x NULLS FIRST) AS dr FROM a"),
        Case("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM a"),
        Case("SELECT id, lag(x, 1, 0) OVER (PARTITION BY k ORDER BY id) AS p, lead(x) OVER (PARTITION BY k ORDER BY id) AS n FROM a"),
        Case("SELECT id, count(*) OVER (PARTITION BY k) AS c, max(x) OVER w AS m FROM a WINDOW w AS (PARTITION BY k)"),
        Case("SELECT k, sum(x) AS t, sum(sum(x)) OVER (ORDER BY k NULLS FIRST) AS running FROM a GROUP BY k"),
        Case("SELECT id, ntile(3) OVER (ORDER BY id) AS b FROM a"),
        Case("SELECT id, min(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM a"),
        Case("SELECT id, count(x) OVER (PARTITION BY k ORDER BY id) AS c FROM a WHERE id > 3"),
    ]

    @Test(arguments: [7, 8] as [UInt64])
    func answersEqualDuckDBs(seed: UInt64) throws {
        let tables = try SQLTestTables(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: tables.dir) }
        let expected = try tables.duckdb(Self.cases.map(\.duckdb))
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        try tables.register(session)
        var failures: [String] = []
        for (c, reference) in zip(Self.cases, expected) {
            do {
                var actual = try session.sql(c.sql).collect().map { $0.values.map(SQLTestTables.normalized) }
                var wanted = try reference.get()
                if !c.ordered {
                    actual.sort { $0.lexicographicallyPrecedes($1) }
                    wanted.sort { $0.lexicographicallyPrecedes($1) }
                }
                if actual != wanted {
                    failures.append("\(c.sql)\n  ember  (\(actual.count)): \(actual.prefix(6))\n  duckdb (\(wanted.count)): \(wanted.prefix(6))")
                }
            } catch {
                failures.append("\(c.sql)\n  error: \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.cases.count) queries differ:\n\(failures.joined(separator: "\n"))")
        #expect(Self.cases.count >= 90)
    }
}
