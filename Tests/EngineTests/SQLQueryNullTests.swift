// session.sql against DuckDB: nulls in every position. Null join keys under every join type
// (inner, outer, LEFT SEMI/ANTI, USING, NATURAL, null-safe), null group keys, aggregates over
// nulls and all-null groups, nulls in IN lists and NOT IN subqueries (on either side), CASE
// branches, ORDER BY NULLS FIRST/LAST both ways, set operations (nulls compare equal), LIKE,
// BETWEEN, arithmetic, comparisons and coalesce. Three-valued logic is Spark's and DuckDB's alike.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryNullTests {
    static let cases: [SQLCase] = [
        // joins on null keys: a null key never matches under `=`, and survives on outer sides
        SQLCase("SELECT a.id, a.k, b.k, b.y FROM a JOIN b ON a.k = b.k WHERE a.k IS NULL OR b.k IS NULL"),
        SQLCase("SELECT a.id, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE a.k IS NULL"),
        SQLCase("SELECT a.id, b.k, b.y FROM a RIGHT JOIN b ON a.k = b.k WHERE b.k IS NULL"),
        SQLCase("SELECT a.id, a.k, b.k, b.y FROM a FULL JOIN b ON a.k = b.k WHERE a.k IS NULL OR b.k IS NULL"),
        SQLCase("SELECT count(*), count(a.id), count(b.y), count(a.k), count(b.k) FROM a FULL OUTER JOIN b ON a.k = b.k"),
        SQLCase("SELECT id, k FROM a LEFT SEMI JOIN b ON a.k = b.k WHERE a.k IS NULL",
                duckdb: "SELECT id, k FROM a SEMI JOIN b ON a.k = b.k WHERE a.k IS NULL"),
        SQLCase("SELECT id, k FROM a LEFT ANTI JOIN b ON a.k = b.k",
                duckdb: "SELECT id, k FROM a ANTI JOIN b ON a.k = b.k"),
        SQLCase("SELECT k, y FROM b LEFT ANTI JOIN a ON a.k = b.k",
                duckdb: "SELECT k, y FROM b ANTI JOIN a ON a.k = b.k"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k <=> b.k WHERE a.k IS NULL",
                duckdb: "SELECT a.id, b.y FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k WHERE a.k IS NULL"),
        SQLCase("SELECT count(*) FROM a JOIN b ON a.k <=> b.k",
                duckdb: "SELECT count(*) FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k"),
        SQLCase("SELECT id, y FROM a LEFT JOIN b ON a.k <=> b.k AND b.y > 40",
                duckdb: "SELECT id, y FROM a LEFT JOIN b ON a.k IS NOT DISTINCT FROM b.k AND b.y > 40"),
        SQLCase("SELECT k, id, y FROM a FULL JOIN b USING (k)"),
        SQLCase("SELECT k, id, y FROM a RIGHT JOIN b USING (k) WHERE k IS NULL"),
        // Spark puts USING columns first, then the left's, then the right's (DuckDB keeps the left's order)
        SQLCase("SELECT * FROM a FULL OUTER JOIN b USING (k) WHERE id IS NULL OR y IS NULL",
                duckdb: "SELECT k, id, x, s, d, y, t FROM a FULL OUTER JOIN b USING (k) WHERE id IS NULL OR y IS NULL"),
        SQLCase("SELECT k, s, id, z FROM a NATURAL JOIN c"),
        SQLCase("SELECT k, s, id, z FROM a NATURAL LEFT JOIN c WHERE k IS NULL OR s IS NULL"),
        SQLCase("SELECT count(*), count(id), count(z) FROM a NATURAL FULL OUTER JOIN c"),
        SQLCase("SELECT a.id, c.n FROM a JOIN c ON a.k = c.k AND a.s = c.s"),
        SQLCase("SELECT a.id, c.n FROM a LEFT JOIN c ON a.k = c.k AND a.x > c.n WHERE a.id < 60"),
        SQLCase("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k OR (a.k IS NULL AND b.k IS NULL)"),
        SQLCase("SELECT a.id, b.y, c.n FROM a JOIN b ON a.k = b.k LEFT JOIN c ON b.k = c.k WHERE a.id < 30"),
        // null group keys and aggregates over nulls
        SQLCase("SELECT k, count(*), count(x), count(s), count(d) FROM a GROUP BY k"),
        SQLCase("SELECT s, sum(x), avg(x), min(x), max(x) FROM a GROUP BY s"),
        SQLCase("SELECT k, s, count(*) FROM a GROUP BY k, s HAVING k IS NULL OR s IS NULL"),
        SQLCase("SELECT k, sum(x), avg(x), min(s), max(d), count(x) FROM a WHERE x IS NULL GROUP BY k"),
        SQLCase("SELECT sum(x), avg(x), min(x), max(x), count(x), count(*) FROM a WHERE x IS NULL"),
        SQLCase("SELECT k, sum(CASE WHEN x > 50 THEN x END), count(CASE WHEN x > 50 THEN 1 END) FROM a GROUP BY k"),
        SQLCase("SELECT k, stddev(x), var_pop(x) FROM a GROUP BY k", duckdb: "SELECT k, stddev_samp(x), var_pop(x) FROM a GROUP BY k"),
        SQLCase("SELECT count(DISTINCT k), count(DISTINCT s), count(DISTINCT x) FROM a WHERE id < 100"),
        SQLCase("SELECT count(DISTINCT k, s) FROM a",
                duckdb: "SELECT count(DISTINCT CASE WHEN k IS NOT NULL AND s IS NOT NULL THEN k || '|' || s END) FROM a"),
        SQLCase("SELECT k IS NULL AS missing, count(*), sum(x) FROM a GROUP BY k IS NULL"),
        SQLCase("SELECT coalesce(s, 'none') AS w, count(*) FROM a GROUP BY coalesce(s, 'none')"),
        SQLCase("SELECT DISTINCT k, s FROM c"),
        SQLCase("SELECT n, count(*) FROM c GROUP BY n HAVING n IS NULL OR n < 0"),
        SQLCase("SELECT k, max(z), min(z), sum(z) FROM c GROUP BY k"),
        // IN lists and NOT IN subqueries with nulls on either side
        SQLCase("SELECT id, k IN (1, 2, NULL) FROM a"),
        SQLCase("SELECT id, k NOT IN (1, 2, NULL) FROM a"),
        SQLCase("SELECT id FROM a WHERE k NOT IN (1, 2, NULL)"),
        SQLCase("SELECT id, NULL IN (1, 2), k IN (NULL) FROM a WHERE id < 5",
                duckdb: "SELECT id, CAST(NULL AS BIGINT) IN (1, 2), k IN (NULL) FROM a WHERE id < 5"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT y FROM b)"),
        SQLCase("SELECT id FROM a WHERE x NOT IN (SELECT y FROM b WHERE y IS NOT NULL)"),
        SQLCase("SELECT id, x FROM a WHERE x IN (SELECT y FROM b WHERE y IS NOT NULL)"),
        SQLCase("SELECT k, y FROM b WHERE k NOT IN (SELECT k FROM a WHERE k IS NOT NULL AND x > 30)"),
        SQLCase("SELECT k, y FROM b WHERE k NOT IN (SELECT k FROM a WHERE s = 'fig')"),
        SQLCase("SELECT id FROM a WHERE (k, s) IN (SELECT k, s FROM c)"),
        SQLCase("SELECT id FROM a WHERE k IN (SELECT k FROM c WHERE n IS NULL)"),
        // CASE, coalesce and friends with null branches
        SQLCase("SELECT id, CASE WHEN x IS NULL THEN 'none' WHEN x > 50 THEN 'big' END FROM a"),
        SQLCase("SELECT id, CASE WHEN k > 5 THEN NULL ELSE x END FROM a"),
        SQLCase("SELECT id, CASE k WHEN NULL THEN 'null' WHEN 1 THEN 'one' ELSE 'other' END FROM a"),
        SQLCase("SELECT id, CASE WHEN x > 50 THEN s ELSE NULL END, CASE WHEN NULL THEN 1 ELSE 2 END FROM a"),
        SQLCase("SELECT id, coalesce(s, CAST(k AS STRING), 'both null') FROM a",
                duckdb: "SELECT id, coalesce(s, CAST(k AS VARCHAR), 'both null') FROM a"),
        SQLCase("SELECT id, coalesce(NULL, x), nvl(d, DATE '2000-01-01'), ifnull(k, 0) FROM a",
                duckdb: "SELECT id, coalesce(NULL, x), coalesce(d, DATE '2000-01-01'), ifnull(k, 0) FROM a"),
        SQLCase("SELECT id, nullif(x, k), nullif(s, 'apple'), isnull(s), isnotnull(k) FROM a",
                duckdb: "SELECT id, nullif(x, k), nullif(s, 'apple'), s IS NULL, k IS NOT NULL FROM a"),
        SQLCase("SELECT id, if(k IS NULL, -1, k), if(x > 50, NULL, x) FROM a",
                duckdb: "SELECT id, CASE WHEN k IS NULL THEN -1 ELSE k END, CASE WHEN x > 50 THEN NULL ELSE x END FROM a"),
        // arithmetic, comparisons, logic, LIKE and BETWEEN over nulls
        SQLCase("SELECT id, x + k, x - k, x * k, x / k, x % k FROM a",
                duckdb: "SELECT id, x + k, x - k, x * k, x / nullif(k, 0), x % nullif(k, 0) FROM a"),
        SQLCase("SELECT id, x > k, x = k, x <> k, x <=> k, NOT (x < k) FROM a",
                duckdb: "SELECT id, x > k, x = k, x <> k, x IS NOT DISTINCT FROM k, NOT (x < k) FROM a"),
        SQLCase("SELECT id, x > 50 AND k > 5, x > 50 OR k > 5, (x > 50) IS NULL FROM a"),
        SQLCase("SELECT id FROM a WHERE NOT (x > 50 AND k > 5)"),
        SQLCase("SELECT id FROM a WHERE x > 50 OR s IS NULL"),
        SQLCase("SELECT id, s LIKE 'a%', s NOT LIKE '%e', x BETWEEN k AND 50 FROM a"),
        SQLCase("SELECT id, x BETWEEN NULL AND 50, x NOT BETWEEN 10 AND NULL FROM a WHERE id < 20",
                duckdb: "SELECT id, x BETWEEN CAST(NULL AS BIGINT) AND 50, x NOT BETWEEN 10 AND CAST(NULL AS BIGINT) FROM a WHERE id < 20"),
        SQLCase("SELECT id, s || t FROM a JOIN b ON a.k = b.k WHERE a.id < 40"),
        SQLCase("SELECT id, concat(s, '-', CAST(x AS STRING)), upper(s), length(s) FROM a",
                duckdb: "SELECT id, s || '-' || CAST(x AS VARCHAR), upper(s), length(s) FROM a"),
        SQLCase("SELECT id, d + INTERVAL '1' MONTH, year(d), datediff(d, d) FROM a WHERE d IS NULL OR id < 10",
                duckdb: "SELECT id, d + INTERVAL 1 MONTH, year(d), date_diff('day', d, d) FROM a WHERE d IS NULL OR id < 10"),
        SQLCase("SELECT id, -x, abs(n - x), round(z * x, 1) FROM a JOIN c ON a.k = c.k WHERE a.id < 25"),
        SQLCase("SELECT id, x = NULL, x <> NULL, NULL <=> NULL FROM a WHERE id < 5",
                duckdb: "SELECT id, x = NULL, x <> NULL, NULL IS NOT DISTINCT FROM NULL FROM a WHERE id < 5"),
        SQLCase("SELECT id FROM a WHERE x IS DISTINCT FROM k"),
        SQLCase("SELECT id FROM a WHERE s IS NOT DISTINCT FROM NULL"),
        SQLCase("SELECT id, (x > 50) IS TRUE, (x > 50) IS NOT FALSE, (x > 50) IS UNKNOWN FROM a",
                duckdb: "SELECT id, (x > 50) IS TRUE, (x > 50) IS NOT FALSE, (x > 50) IS NULL FROM a"),
        // ORDER BY with nulls: Spark's defaults (ASC nulls first, DESC nulls last) and written orders
        SQLCase("SELECT id, x FROM a ORDER BY x, id", ordered: true),
        SQLCase("SELECT id, x FROM a ORDER BY x DESC, id", ordered: true),
        SQLCase("SELECT id, x FROM a ORDER BY x ASC NULLS LAST, id DESC", ordered: true),
        SQLCase("SELECT id, x FROM a ORDER BY x DESC NULLS FIRST, id", ordered: true),
        SQLCase("SELECT id, k, s FROM a ORDER BY k DESC NULLS FIRST, s NULLS LAST, id LIMIT 40", ordered: true),
        SQLCase("SELECT k, s, count(*) FROM a GROUP BY k, s ORDER BY s DESC, k NULLS LAST", ordered: true),
        SQLCase("SELECT id, d FROM a ORDER BY d NULLS LAST, id LIMIT 30", ordered: true),
        SQLCase("SELECT id, coalesce(x, -1) AS v FROM a ORDER BY v DESC, id LIMIT 25", ordered: true),
        // set operations treat nulls as equal
        SQLCase("SELECT k, s FROM a INTERSECT SELECT k, s FROM c"),
        SQLCase("SELECT k, s FROM a EXCEPT SELECT k, s FROM c"),
        SQLCase("SELECT k, s FROM c EXCEPT SELECT k, s FROM a"),
        SQLCase("SELECT k, s FROM c UNION SELECT k, s FROM a WHERE id < 50"),
        SQLCase("SELECT k FROM a WHERE k IS NULL UNION ALL SELECT k FROM b WHERE k IS NULL"),
        SQLCase("SELECT k FROM a WHERE k IS NULL UNION SELECT k FROM b WHERE k IS NULL"),
        SQLCase("SELECT k, NULL AS v FROM b INTERSECT SELECT k, NULL FROM c",
                duckdb: "SELECT k, CAST(NULL AS BIGINT) AS v FROM b INTERSECT SELECT k, CAST(NULL AS BIGINT) FROM c"),
        SQLCase("SELECT s FROM a EXCEPT SELECT s FROM c WHERE s IS NOT NULL"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
