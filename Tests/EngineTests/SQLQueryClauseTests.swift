// session.sql against DuckDB: the clauses of a query. CTEs (several, referring to earlier ones,
// used twice, with column lists), subqueries in FROM with column aliases, GROUP BY by position,
// expression and alias, HAVING over an aggregate not selected, ORDER BY by position, alias and
// unselected expression, LIMIT, DISTINCT with aggregates, set operations in combination and
// precedence, VALUES and comma joins.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryClauseTests {
    static let cases: [SQLCase] = [
        // CTEs
        SQLCase("WITH r AS (SELECT k, sum(x) AS t FROM a GROUP BY k) SELECT r1.k, r1.t, r2.k FROM r r1 JOIN r r2 ON r1.t < r2.t AND r2.k = r1.k + 1"),
        SQLCase("WITH r AS (SELECT k, count(*) AS n FROM a GROUP BY k), s AS (SELECT k, n * 2 AS m FROM r WHERE n > 15), t AS (SELECT s.k, s.m, r.n FROM s JOIN r ON s.k = r.k) SELECT * FROM t"),
        SQLCase("WITH r AS (SELECT id, x FROM a WHERE x IS NOT NULL) SELECT count(*), (SELECT max(x) FROM r) FROM r WHERE x > 10"),
        SQLCase("WITH r (kk, nn) AS (SELECT k, count(*) FROM b GROUP BY k) SELECT kk, nn FROM r WHERE nn > 5 UNION ALL SELECT kk, -nn FROM r WHERE nn <= 5"),
        SQLCase("WITH r AS (SELECT * FROM a) SELECT id FROM r WHERE id IN (SELECT id FROM r WHERE x > 95)"),
        SQLCase("WITH r AS (SELECT k FROM b) SELECT count(*) FROM (WITH r2 AS (SELECT k FROM r WHERE k > 3) SELECT * FROM r2) q"),
        SQLCase("WITH a AS (SELECT k, y AS x FROM b) SELECT k, x FROM a WHERE x > 40"),
        SQLCase("WITH q AS (SELECT k, s FROM c) SELECT * FROM q INTERSECT SELECT k, s FROM q WHERE k > 4"),
        // subqueries in FROM with aliases and column lists
        SQLCase("SELECT t.p, t.q FROM (SELECT k, x FROM a) AS t(p, q) WHERE t.q > 90"),
        SQLCase("SELECT p + q FROM (SELECT k, x FROM a) t(p, q)"),
        SQLCase("SELECT m.k, m.mx, n.cnt FROM (SELECT k, max(x) AS mx FROM a GROUP BY k) m JOIN (SELECT k, count(*) AS cnt FROM b GROUP BY k) n ON m.k = n.k"),
        SQLCase("SELECT * FROM (SELECT * FROM (SELECT id, x * 2 AS x2 FROM a) i WHERE x2 > 100) o WHERE o.id < 100"),
        SQLCase("SELECT k, cnt FROM (SELECT k, count(*) AS cnt FROM a GROUP BY k) WHERE cnt > 19",
                duckdb: "SELECT k, cnt FROM (SELECT k, count(*) AS cnt FROM a GROUP BY k) q WHERE cnt > 19"),
        SQLCase("SELECT v.n, v.w, a.id FROM VALUES (1, 'apple'), (2, 'fig'), (3, NULL) AS v(n, w) JOIN a ON a.k = v.n AND a.s = v.w",
                duckdb: "SELECT v.n, v.w, a.id FROM (VALUES (1, 'apple'), (2, 'fig'), (3, NULL)) AS v(n, w) JOIN a ON a.k = v.n AND a.s = v.w"),
        // GROUP BY positions, expressions and aliases; HAVING over aggregates not selected
        SQLCase("SELECT k, s, count(*) FROM a GROUP BY 1, 2"),
        SQLCase("SELECT s, k % 2, sum(x) FROM a GROUP BY 2, 1"),
        SQLCase("SELECT year(d) AS yr, count(*) FROM a GROUP BY year(d)"),
        SQLCase("SELECT year(d) AS yr, month(d) AS mo, count(*) FROM a GROUP BY yr, mo"),
        SQLCase("SELECT upper(s) AS u, count(*) FROM a GROUP BY upper(s)"),
        SQLCase("SELECT x DIV 10 AS bucket, min(id), max(id) FROM a GROUP BY x DIV 10",
                duckdb: "SELECT x // 10 AS bucket, min(id), max(id) FROM a GROUP BY x // 10"),
        SQLCase("SELECT CASE WHEN x < 50 THEN 'low' ELSE 'high' END AS band, count(*) FROM a GROUP BY 1"),
        SQLCase("SELECT k + 1 AS k1, sum(x) FROM a GROUP BY k1 HAVING k1 > 3"),
        SQLCase("SELECT k FROM a GROUP BY k HAVING avg(x) > 45"),
        SQLCase("SELECT s FROM a GROUP BY s HAVING min(d) < DATE '1995-02-01'"),
        SQLCase("SELECT k, count(*) FROM a GROUP BY k HAVING max(x) - min(x) > 90 AND count(DISTINCT s) > 5"),
        SQLCase("SELECT k, s FROM a GROUP BY k, s HAVING sum(x) > 150"),
        SQLCase("SELECT sum(x) FROM a GROUP BY k, s"),
        SQLCase("SELECT k, sum(x) FROM a GROUP BY k, s"),
        // DISTINCT with aggregates
        SQLCase("SELECT k, count(DISTINCT s), count(s), count(DISTINCT x) FROM a GROUP BY k"),
        SQLCase("SELECT count(DISTINCT k) FROM a WHERE s IS NOT NULL GROUP BY s"),
        SQLCase("SELECT DISTINCT count(*) FROM a GROUP BY k"),
        SQLCase("SELECT DISTINCT k, count(*) > 20 FROM a GROUP BY k, s"),
        SQLCase("SELECT s, count(DISTINCT k) AS nk FROM a GROUP BY s HAVING count(DISTINCT k) >= 8"),
        SQLCase("SELECT count(DISTINCT year(d)), count(DISTINCT x % 10) FROM a"),
        // ORDER BY positions, aliases, unselected expressions; LIMIT
        SQLCase("SELECT id, s FROM a ORDER BY x DESC, id LIMIT 10", ordered: true),
        SQLCase("SELECT id FROM a ORDER BY abs(x - 50) NULLS LAST, id LIMIT 15", ordered: true),
        SQLCase("SELECT id, x AS v FROM a ORDER BY v NULLS LAST, 1 DESC LIMIT 12", ordered: true),
        SQLCase("SELECT s, count(*) AS n FROM a GROUP BY s ORDER BY max(x) DESC, s NULLS FIRST", ordered: true),
        SQLCase("SELECT k, sum(x) FROM a GROUP BY k ORDER BY 2 DESC NULLS LAST, 1 NULLS FIRST LIMIT 3", ordered: true),
        SQLCase("SELECT DISTINCT s FROM a ORDER BY s DESC", ordered: true),
        SQLCase("SELECT id, k, x FROM a ORDER BY k, x DESC, id LIMIT 50", ordered: true),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k ORDER BY b.y DESC NULLS LAST, a.id, b.t NULLS FIRST LIMIT 20"),
        SQLCase("SELECT id FROM a ORDER BY id DESC LIMIT 1", ordered: true),
        SQLCase("SELECT count(*) FROM (SELECT id FROM a ORDER BY id LIMIT 150) q"),
        SQLCase("SELECT k, count(*) FROM (SELECT * FROM a ORDER BY id LIMIT 50) q GROUP BY k"),
        // set operations: precedence, sorting and limiting the whole, in subqueries
        SQLCase("SELECT k FROM a UNION SELECT k FROM b INTERSECT SELECT k FROM c"),
        SQLCase("(SELECT k FROM a UNION SELECT k FROM b) INTERSECT SELECT k FROM c"),
        SQLCase("SELECT k FROM b EXCEPT SELECT k FROM c EXCEPT SELECT k FROM a WHERE x > 95"),
        SQLCase("SELECT k, s FROM a WHERE x > 80 UNION SELECT k, s FROM c ORDER BY k NULLS LAST, s NULLS LAST LIMIT 15", ordered: true),
        SQLCase("SELECT count(*) FROM (SELECT k, s FROM a UNION ALL SELECT k, s FROM c) u"),
        SQLCase("SELECT x FROM a UNION ALL SELECT y FROM b UNION ALL SELECT n FROM c"),
        SQLCase("SELECT k, count(*) FROM (SELECT k FROM a UNION ALL SELECT k FROM b) u GROUP BY k"),
        SQLCase("SELECT z FROM c UNION SELECT x FROM a WHERE x < 3"),
        SQLCase("SELECT id FROM a WHERE k IN (SELECT k FROM b UNION SELECT k FROM c)"),
        // comma joins and self joins
        SQLCase("SELECT a.id, b.y, c.n FROM a, b, c WHERE a.k = b.k AND b.k = c.k AND a.s = c.s"),
        SQLCase("SELECT count(*) FROM a a1, a a2 WHERE a1.k = a2.k AND a1.id < a2.id"),
        // names: a column wins over a select alias in GROUP BY, an alias wins in ORDER BY, lateral aliases
        SQLCase("SELECT x % 10 AS x, count(*) FROM a GROUP BY x"),
        SQLCase("SELECT -x AS x FROM a ORDER BY x NULLS LAST", ordered: true),
        SQLCase("SELECT x + 1 AS y, y * 2 AS z FROM a"),
        SQLCase("SELECT k AS kk, count(*) AS n, n * 2 FROM a GROUP BY k"),
        SQLCase("SELECT k % 3, count(*) FROM a GROUP BY k % 3 ORDER BY k % 3", ordered: true),
        SQLCase("SELECT DISTINCT x % 10 AS m FROM a ORDER BY m DESC", ordered: true),
        SQLCase("SELECT count(1), count(NULL), sum(1), count('x'), max(NULL) FROM a",
                duckdb: "SELECT count(1), count(NULL), sum(1), count('x'), max(CAST(NULL AS BIGINT)) FROM a"),
        SQLCase("SELECT k, sum(x) * 100 / count(*), avg(x + k), max(x) / min(x + 1) FROM a GROUP BY k"),
        SQLCase("SELECT k, count(*) FROM a GROUP BY k HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 3", ordered: true),
        SQLCase("(SELECT id FROM a ORDER BY id LIMIT 3) UNION ALL (SELECT id FROM a ORDER BY id DESC LIMIT 2)"),
        SQLCase("WITH r AS (SELECT k FROM b WHERE y > 30), q AS (SELECT id FROM a WHERE k IN (SELECT k FROM r)) SELECT count(*) FROM q"),
        SQLCase("SELECT NULL AS v UNION SELECT 1 UNION SELECT NULL",
                duckdb: "SELECT CAST(NULL AS BIGINT) AS v UNION SELECT 1 UNION SELECT NULL"),
        SQLCase("SELECT id FROM a WHERE x IN (1, 2.5, 50, 99)"),
        SQLCase("SELECT id FROM a WHERE d = '1995-08-21' OR s BETWEEN 'b' AND 'd'",
                duckdb: "SELECT id FROM a WHERE d = DATE '1995-08-21' OR s BETWEEN 'b' AND 'd'"),
        // Spark reads \\ in a literal as one backslash but keeps \% and \_ as written, for LIKE
        SQLCase("SELECT '100%' LIKE '100\\%', 'a_c' LIKE 'a\\_c', 'abc' LIKE 'a\\_c', 'a\\\\b' LIKE 'a\\\\\\\\b', 'a\\\\b' LIKE 'a_b'",
                duckdb: "SELECT '100%' LIKE '100\\%' ESCAPE '\\', 'a_c' LIKE 'a\\_c' ESCAPE '\\', 'abc' LIKE 'a\\_c' ESCAPE '\\', 'a\\b' LIKE 'a\\\\b' ESCAPE '\\', 'a\\b' LIKE 'a_b'"),
        SQLCase("SELECT id FROM a WHERE NULL"),
        SQLCase("SELECT id FROM a WHERE NOT NULL OR x > 95"),
        SQLCase("SELECT id FROM a WHERE x > NULL OR id < 3"),
        // names are case-insensitive, may be backquoted, and comments are skipped
        SQLCase("SELECT K, X AS `my col`, `s` FROM A -- the end\n WHERE /* inline */ Id < 10",
                duckdb: "SELECT K, X AS \"my col\", \"s\" FROM A WHERE Id < 10"),
        SQLCase("SELECT DISTINCT k, count(*) OVER (PARTITION BY k) FROM a"),
        SQLCase("SELECT k, x FROM a GROUP BY k, x HAVING x > 90"),
        SQLCase("SELECT k, sum(CASE WHEN s IS NULL THEN 1 ELSE 0 END), max(x > 50), min(s IS NULL) FROM a GROUP BY k"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
