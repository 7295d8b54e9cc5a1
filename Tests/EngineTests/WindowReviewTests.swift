// Window aggregates over frames whose rows leave by subtraction, against DuckDB (which recomputes,
// as Spark does): double sums that overflow to infinity, NaN and infinite inputs that leave the
// frame, and a variance whose large outlier leaves the frame (Welford's subtraction alone cancels
// catastrophically there). Plus probes of Spark's edge semantics: RANGE over descending keys with
// nulls, ntile with more buckets than rows, lag/lead with offset 0 or negative.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct WindowReviewTests {
    /// v(id, w): a's ids with doubles; `special` chooses the value of some rows.
    static func view(_ special: String) -> String {
        "WITH v AS (SELECT id, k, CASE \(special) ELSE CAST(id AS DOUBLE) END AS w FROM a) "
    }

    static let overflowAndNonFinite: [SQLCase] = [
        // Two huge finite values overflow to Infinity (not NaN), and the sliding sum comes back
        // when one of them leaves.
        SQLCase(view("WHEN id < 2 THEN 1e308") + "SELECT id, sum(w) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM v"),
        SQLCase(view("WHEN id < 2 THEN 1e308") + "SELECT id, sum(w) OVER (ORDER BY id) FROM v"),
        SQLCase(view("WHEN id IN (3, 4) THEN -1e308") + "SELECT id, avg(w) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM v"),
        SQLCase(view("WHEN id IN (3, 4) THEN -1e308") + "SELECT id, sum(w) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM v"),
        // NaN and infinities in a variance's frame, then out of it again.
        SQLCase(view("WHEN id = 5 THEN CAST('NaN' AS DOUBLE) WHEN id = 9 THEN CAST('Infinity' AS DOUBLE)")
                + "SELECT id, var_samp(w) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM v"),
        SQLCase(view("WHEN id = 5 THEN CAST('NaN' AS DOUBLE)")
                + "SELECT id, stddev_pop(w) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM v"),
        // A variance's frame after a large outlier left it: 1 for three consecutive integers.
        SQLCase(view("WHEN id % 50 = 5 THEN 1e9") + "SELECT id, var_samp(w) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM v"),
        SQLCase(view("WHEN id % 50 = 5 THEN 3e12") + "SELECT id, stddev_samp(w) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM v"),
        SQLCase(view("WHEN id < 100 THEN 1e9 + id") + "SELECT id, var_pop(w) OVER (ORDER BY id ROWS BETWEEN 4 PRECEDING AND 4 FOLLOWING) FROM v"),
    ]

    static let edgeSemantics: [SQLCase] = [
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY x DESC RANGE BETWEEN 5 PRECEDING AND 2 FOLLOWING) FROM a"),
        SQLCase("SELECT id, count(*) OVER (PARTITION BY k ORDER BY x DESC NULLS FIRST RANGE BETWEEN 3 FOLLOWING AND 10 FOLLOWING) FROM a"),
        SQLCase("SELECT id, sum(x) OVER (ORDER BY d RANGE BETWEEN 30 PRECEDING AND CURRENT ROW) FROM a",
                duckdb: "SELECT id, sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL 30 DAY PRECEDING AND CURRENT ROW) FROM a"),
        SQLCase("SELECT id, ntile(300) OVER (PARTITION BY k ORDER BY id) FROM a"),
        SQLCase("SELECT id, lag(x, 0) OVER (PARTITION BY k ORDER BY id), lead(x, 0, 7) OVER (PARTITION BY k ORDER BY id) FROM a"),
        SQLCase("SELECT id, lag(x, -2) OVER (PARTITION BY k ORDER BY id), lead(x, -1, 7) OVER (PARTITION BY k ORDER BY id) FROM a",
                duckdb: "SELECT id, lead(x, 2) OVER (PARTITION BY k ORDER BY id), lag(x, 1, 7) OVER (PARTITION BY k ORDER BY id) FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING), "
                + "avg(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 5 PRECEDING AND 3 PRECEDING) FROM a"),
        SQLCase("SELECT id, first(x) IGNORE NULLS OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING), "
                + "last(x) IGNORE NULLS OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM a",
                duckdb: "SELECT id, first_value(x IGNORE NULLS) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING), "
                + "last_value(x IGNORE NULLS) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM a"),
        SQLCase("SELECT id, percent_rank() OVER (PARTITION BY s ORDER BY x DESC), cume_dist() OVER (PARTITION BY s ORDER BY x DESC) FROM a"),
        SQLCase("SELECT n, sum(z) OVER (PARTITION BY k ORDER BY z RANGE BETWEEN 2.5 PRECEDING AND 1.5 FOLLOWING) FROM c"),
        SQLCase("SELECT id, max(x) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING) FROM e"),
    ]

    @Test(arguments: SQLReference.seeds)
    func overflowAndNonFiniteValuesLeaveTheFrame(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.overflowAndNonFinite, seed: seed)
    }

    @Test(arguments: SQLReference.seeds)
    func edgeSemanticsEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.edgeSemantics, seed: seed)
    }
}
