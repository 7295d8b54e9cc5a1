// session.sql against DuckDB: CAST between types, dates with INTERVAL days/months/years and the
// date functions, string functions and math, each by its Spark SQL name. Where DuckDB's spelling
// or meaning differs, the case gives the DuckDB text with Spark's meaning: CAST of a fraction to an
// integer truncates in Spark (DuckDB rounds), a bad string cast is null (TRY_CAST), x / 0 is null
// (DuckDB: an error or infinity), substring position 0 means 1, concat of a null is null (||),
// strings compared with numbers are cast to the number's type.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLQueryFunctionTests {
    static let cases: [SQLCase] = [
        // CAST between types
        SQLCase("SELECT id, CAST(x AS DOUBLE) / 8, CAST(k AS STRING), CAST(d AS STRING) FROM a",
                duckdb: "SELECT id, CAST(x AS DOUBLE) / 8, CAST(k AS VARCHAR), CAST(d AS VARCHAR) FROM a"),
        SQLCase("SELECT n, CAST(z AS BIGINT), CAST(z AS INT), CAST(-z AS BIGINT) FROM c",
                duckdb: "SELECT n, CAST(trunc(z) AS BIGINT), CAST(trunc(z) AS BIGINT), CAST(trunc(-z) AS BIGINT) FROM c"),
        SQLCase("SELECT z, CAST(z AS STRING) FROM c WHERE z IS NULL OR abs(z) < 1000", duckdb: "SELECT z, CAST(z AS VARCHAR) FROM c WHERE z IS NULL OR abs(z) < 1000"),
        SQLCase("SELECT CAST(CAST(x AS STRING) AS BIGINT) + 1, CAST(CAST(d AS STRING) AS DATE) FROM a",
                duckdb: "SELECT CAST(CAST(x AS VARCHAR) AS BIGINT) + 1, CAST(CAST(d AS VARCHAR) AS DATE) FROM a"),
        SQLCase("SELECT s, CAST(s AS BIGINT), CAST(s AS DATE), CAST(s AS DOUBLE) FROM a WHERE id < 30",
                duckdb: "SELECT s, TRY_CAST(s AS BIGINT), TRY_CAST(s AS DATE), TRY_CAST(s AS DOUBLE) FROM a WHERE id < 30"),
        SQLCase("SELECT CAST('12' AS BIGINT), CAST(' 7 ' AS INT), CAST('2.5' AS DOUBLE), CAST('1996-02-29' AS DATE), CAST('x1' AS INT), CAST('3.7' AS BIGINT)",
                duckdb: "SELECT CAST('12' AS BIGINT), CAST('7' AS INT), CAST('2.5' AS DOUBLE), CAST('1996-02-29' AS DATE), TRY_CAST('x1' AS INT), 3"),
        SQLCase("SELECT id, CAST(x AS BOOLEAN), CAST(x > 50 AS STRING), CAST(CAST(k AS BOOLEAN) AS BIGINT) FROM a",
                duckdb: "SELECT id, CAST(x AS BOOLEAN), CAST(x > 50 AS VARCHAR), CAST(CAST(k AS BOOLEAN) AS BIGINT) FROM a"),
        SQLCase("SELECT CAST('true' AS BOOLEAN), CAST('false' AS BOOLEAN), CAST(d AS TIMESTAMP) FROM a WHERE id = 3"),
        SQLCase("SELECT id, CAST(x AS DECIMAL(10, 2)) / 3, CAST(k AS SMALLINT) * 1000, CAST(k AS TINYINT) FROM a",
                duckdb: "SELECT id, CAST(x AS DOUBLE) / 3, CAST(k AS BIGINT) * 1000, CAST(k AS BIGINT) FROM a"),
        SQLCase("SELECT id FROM a WHERE CAST(x AS STRING) LIKE '1%'", duckdb: "SELECT id FROM a WHERE CAST(x AS VARCHAR) LIKE '1%'"),
        SQLCase("SELECT id, x + '1.5', x = '42', k < '5' FROM a",
                duckdb: "SELECT id, x + 1.5, x = 42, k < 5 FROM a"),
        SQLCase("SELECT id FROM a WHERE d > '1997-06-30'", duckdb: "SELECT id FROM a WHERE d > DATE '1997-06-30'"),
        // dates and intervals
        SQLCase("SELECT d, d + INTERVAL '1' MONTH, d - INTERVAL '1' YEAR, d + INTERVAL '45' DAY FROM a",
                duckdb: "SELECT d, d + INTERVAL 1 MONTH, d - INTERVAL 1 YEAR, d + INTERVAL 45 DAY FROM a"),
        SQLCase("SELECT DATE '2020-01-31' + INTERVAL '1' MONTH, DATE '2020-02-29' + INTERVAL '1' YEAR, DATE '2020-03-31' - INTERVAL '1' MONTH, DATE '2019-12-31' + INTERVAL '2' DAY",
                duckdb: "SELECT DATE '2020-01-31' + INTERVAL 1 MONTH, DATE '2020-02-29' + INTERVAL 1 YEAR, DATE '2020-03-31' - INTERVAL 1 MONTH, DATE '2019-12-31' + INTERVAL 2 DAY"),
        SQLCase("SELECT id, d + INTERVAL 3 MONTHS, d - INTERVAL 10 DAYS FROM a WHERE id < 50",
                duckdb: "SELECT id, d + INTERVAL 3 MONTH, d - INTERVAL 10 DAY FROM a WHERE id < 50"),
        SQLCase("SELECT id, d + INTERVAL '1-2' YEAR TO MONTH FROM a WHERE id < 40",
                duckdb: "SELECT id, d + INTERVAL 14 MONTH FROM a WHERE id < 40"),
        SQLCase("SELECT id FROM a WHERE d BETWEEN DATE '1996-01-01' AND DATE '1996-01-01' + INTERVAL '6' MONTH"),
        SQLCase("SELECT id, INTERVAL '7' DAY + d FROM a WHERE id < 20", duckdb: "SELECT id, d + INTERVAL 7 DAY FROM a WHERE id < 20"),
        SQLCase("SELECT year(d), month(d), dayofmonth(d), day(d) FROM a"),
        SQLCase("SELECT EXTRACT(YEAR FROM d), EXTRACT(MONTH FROM d), EXTRACT(DAY FROM d) FROM a"),
        SQLCase("SELECT year(d), count(*) FROM a GROUP BY year(d) HAVING year(d) > 1995"),
        SQLCase("SELECT date_add(d, 30), date_sub(d, 400), add_months(d, -13) FROM a",
                duckdb: "SELECT d + 30, d - 400, d + INTERVAL (-13) MONTH FROM a"),
        SQLCase("SELECT date_add(d, k), add_months(d, k) FROM a", duckdb: "SELECT d + CAST(k AS INTEGER), d + to_months(CAST(k AS INTEGER)) FROM a"),
        SQLCase("SELECT add_months(DATE '2020-01-31', 1), add_months(DATE '2021-03-31', -1), add_months(DATE '2020-02-29', 12)",
                duckdb: "SELECT DATE '2020-01-31' + INTERVAL 1 MONTH, DATE '2021-03-31' - INTERVAL 1 MONTH, DATE '2020-02-29' + INTERVAL 12 MONTH"),
        SQLCase("SELECT a1.id, datediff(a1.d, a2.d) FROM a a1 JOIN a a2 ON a1.id = a2.id + 1",
                duckdb: "SELECT a1.id, date_diff('day', a2.d, a1.d) FROM a a1 JOIN a a2 ON a1.id = a2.id + 1"),
        SQLCase("SELECT to_date('1997-05-17'), to_date('17/05/1997', 'dd/MM/yyyy'), to_date(CAST(d AS STRING)) FROM a WHERE id < 10",
                duckdb: "SELECT DATE '1997-05-17', strptime('17/05/1997', '%d/%m/%Y')::DATE, d FROM a WHERE id < 10"),
        SQLCase("SELECT id FROM a WHERE d >= to_date('1996-06-01') AND month(d) IN (1, 12)",
                duckdb: "SELECT id FROM a WHERE d >= DATE '1996-06-01' AND month(d) IN (1, 12)"),
        SQLCase("SELECT min(d), max(d), count(DISTINCT year(d)) FROM a"),
        SQLCase("SELECT id, d < DATE '1996-01-01', d = DATE '1995-03-04' + INTERVAL '2' DAY FROM a"),
        // strings
        SQLCase("SELECT s, lower(s), lcase(upper(s)), ucase(s), length(s), char_length(s), character_length(s) FROM a"),
        SQLCase("SELECT s, substring(s, 2), substr(s, 2, 3), substring(s, -3, 2), substring(s, 0, 2), substring(s, 3, 0) FROM a",
                duckdb: "SELECT s, substring(s, 2), substring(s, 2, 3), substring(s, -3, 2), substring(s, 1, 2), substring(s, 3, 0) FROM a"),
        SQLCase("SELECT trim('  a b  '), trim(s), length(trim(concat(' ', s, ' '))) FROM a WHERE id < 20",
                duckdb: "SELECT trim('  a b  '), trim(s), length(trim(' ' || s || ' ')) FROM a WHERE id < 20"),
        SQLCase("SELECT concat(s, t), concat(s, '/', t, '/', CAST(y AS STRING)), s || t FROM a JOIN b ON a.k = b.k WHERE a.id < 50",
                duckdb: "SELECT s || t, s || '/' || t || '/' || CAST(y AS VARCHAR), s || t FROM a JOIN b ON a.k = b.k WHERE a.id < 50"),
        SQLCase("SELECT s, startswith(s, 'b'), endswith(s, 'e'), contains(s, 'an') FROM a",
                duckdb: "SELECT s, starts_with(s, 'b'), ends_with(s, 'e'), contains(s, 'an') FROM a"),
        SQLCase("SELECT id FROM a WHERE s RLIKE 'an+a' OR s REGEXP '^g'",
                duckdb: "SELECT id FROM a WHERE regexp_matches(s, 'an+a') OR regexp_matches(s, '^g')"),
        SQLCase("SELECT s, rlike(s, 'e$'), regexp_like(s, '[ch]e'), like(s, '%r%') FROM a",
                duckdb: "SELECT s, regexp_matches(s, 'e$'), regexp_matches(s, '[ch]e'), s LIKE '%r%' FROM a"),
        SQLCase("SELECT id FROM a WHERE s LIKE '_a%' OR s LIKE 'fi_'"),
        SQLCase("SELECT id, s ILIKE '%AN%', s NOT ILIKE 'B%' FROM a"),
        SQLCase("SELECT t, upper(substring(t, 1, 1)) || substring(t, 2) FROM b"),
        SQLCase("SELECT s, t FROM a JOIN b ON a.k = b.k WHERE t > s AND a.id < 30"),
        SQLCase("SELECT max(s), min(s), max(t) FROM a CROSS JOIN b WHERE a.id < 10"),
        SQLCase("SELECT 'it''s', 'it\\'s', 'a' \"b\" 'c', '' = '', length(''), 'a' < 'b', 'B' < 'a'",
                duckdb: "SELECT 'its', 'it''s', 'abc', '' = '', length(''), 'a' < 'b', 'B' < 'a'"),
        // math
        SQLCase("SELECT n, abs(n), -n, abs(z), n % 7, n DIV 3, n / 3 FROM c",
                duckdb: "SELECT n, abs(n), -n, abs(z), n % 7, n // 3, n / 3 FROM c"),
        SQLCase("SELECT z, round(z), round(z, 1), round(z, 2), round(z, -1) FROM c"),
        SQLCase("SELECT x, round(x, -1), round(x / 7, 3), round(x * 1.5) FROM a"),
        SQLCase("SELECT id, x / 0, x % 0, x DIV 0, 0 / 0 FROM a WHERE id < 5",
                duckdb: "SELECT id, x / NULL, x % NULL, x // NULL, 0 / NULL FROM a WHERE id < 5"),
        SQLCase("SELECT n, z, n * z, n + z, z / n, z % 3 FROM c",
                duckdb: "SELECT n, z, n * z, n + z, z / nullif(n, 0), z % 3 FROM c"),
        SQLCase("SELECT 7 / 2, 7 DIV 2, -7 DIV 2, -7 % 3, 7 % -3, 2 * 3 + 4, 2 * (3 + 4), 10 - 2 - 3",
                duckdb: "SELECT 7 / 2, 7 // 2, -7 // 2, -7 % 3, 7 % -3, 2 * 3 + 4, 2 * (3 + 4), 10 - 2 - 3"),
        SQLCase("SELECT 1.5 + 2, 3.25 * 4, 1e2, -0.5, 9223372036854775807, -9223372036854775808"),
        SQLCase("SELECT '1.5' + 1, -'2', '3' * '4', k + '0.5' FROM b",
                duckdb: "SELECT 1.5 + 1, -2.0, 3.0 * 4.0, k + 0.5 FROM b"),
        SQLCase("SELECT sum(z), avg(z), min(z), max(z), sum(n * z) FROM c"),
        SQLCase("SELECT k, avg(x), sum(x) / count(x), stddev_pop(x), var_samp(x) FROM a GROUP BY k"),
        SQLCase("SELECT k, round(avg(x), 2), abs(sum(x) - 1000) FROM a GROUP BY k"),
        SQLCase("SELECT id, d + 1, 1 + d, d - 1, date_add(d, -5), datediff(DATE '2000-03-01', d) FROM a",
                duckdb: "SELECT id, d + 1, d + 1, d - 1, d - 5, date_diff('day', d, DATE '2000-03-01') FROM a"),
        SQLCase("SELECT id FROM a WHERE month(d) BETWEEN 3 AND 5 AND day(d) > 20"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }
}
