// SQL window functions (`OVER`): answers equal to DuckDB's (ranking, offsets, frames, named windows,
// windows over aggregates, partitions with null keys, null ORDER BY values, empty inputs), the same
// plan as the DataFrame API's window, and errors that point at the text.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLWindowTests {
    static let cases: [SQLCase] = [
        // window functions (OVER): ranking, offsets, frames, named windows, windows over aggregates
        SQLCase("SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM a"),
        SQLCase("SELECT id, rank() OVER (ORDER BY x NULLS FIRST) AS r, dense_rank() OVER (ORDER BY x NULLS FIRST) AS dr FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM a"),
        SQLCase("SELECT id, lag(x, 1, 0) OVER (PARTITION BY k ORDER BY id) AS p, lead(x) OVER (PARTITION BY k ORDER BY id) AS n FROM a"),
        SQLCase("SELECT id, count(*) OVER (PARTITION BY k) AS c, max(x) OVER w AS m FROM a WINDOW w AS (PARTITION BY k)"),
        SQLCase("SELECT k, sum(x) AS t, sum(sum(x)) OVER (ORDER BY k NULLS FIRST) AS running FROM a GROUP BY k"),
        SQLCase("SELECT id, ntile(3) OVER (ORDER BY id) AS b FROM a"),
        SQLCase("SELECT id, min(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM a"),
        SQLCase("SELECT id, count(x) OVER (PARTITION BY k ORDER BY id) AS c FROM a WHERE id > 3"),
        // null partition keys and null ORDER BY values
        SQLCase("SELECT id, k, rank() OVER (PARTITION BY k ORDER BY x) AS r FROM a"),
        SQLCase("SELECT id, k, dense_rank() OVER (PARTITION BY k ORDER BY x DESC) AS r FROM a"),
        SQLCase("SELECT id, row_number() OVER (PARTITION BY k ORDER BY x NULLS LAST, id) AS rn FROM a"),
        SQLCase("SELECT id, s, rank() OVER (PARTITION BY s ORDER BY d DESC NULLS FIRST) FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY x) AS running FROM a"),
        SQLCase("SELECT id, count(x) OVER (PARTITION BY s ORDER BY x, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM a WHERE s IS NULL OR k IS NULL"),
        SQLCase("SELECT id, avg(x) OVER (PARTITION BY k) AS m, x - avg(x) OVER (PARTITION BY k) AS dev FROM a"),
        SQLCase("SELECT id, lag(x) OVER (PARTITION BY k ORDER BY id) AS p, lead(x, 2, -1) OVER (PARTITION BY k ORDER BY id) AS n2 FROM a"),
        SQLCase("SELECT id, lag(s, 1, 'none') OVER (ORDER BY id) FROM a WHERE id < 40"),
        SQLCase("SELECT id, percent_rank() OVER (PARTITION BY k ORDER BY x) AS pr, cume_dist() OVER (PARTITION BY k ORDER BY x) AS cd FROM a"),
        SQLCase("SELECT id, max(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING) FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM a"),
        SQLCase("SELECT id, min(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING) FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM a"),
        SQLCase("SELECT id, count(*) OVER (PARTITION BY k, s) AS n, ntile(4) OVER (PARTITION BY k ORDER BY id) AS q FROM a"),
        SQLCase("SELECT * FROM (SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY x DESC, id) AS rn FROM a) q WHERE rn <= 2"),
        SQLCase("SELECT k, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM a GROUP BY k"),
        SQLCase("SELECT k, sum(y) OVER (PARTITION BY t ORDER BY k) FROM b"),
        SQLCase("SELECT n, z, sum(z) OVER (PARTITION BY k ORDER BY n ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM c"),
        SQLCase("SELECT id, first_value(x) IGNORE NULLS OVER (PARTITION BY k ORDER BY id) AS f, last_value(x) OVER (PARTITION BY k ORDER BY id) AS l FROM a",
                duckdb: "SELECT id, first_value(x IGNORE NULLS) OVER (PARTITION BY k ORDER BY id) AS f, last_value(x) OVER (PARTITION BY k ORDER BY id) AS l FROM a"),
        SQLCase("SELECT id, lag(x) IGNORE NULLS OVER (PARTITION BY k ORDER BY id) AS p FROM a",
                duckdb: "SELECT id, lag(x IGNORE NULLS) OVER (PARTITION BY k ORDER BY id) AS p FROM a"),
        SQLCase("SELECT id, sum(x) OVER (PARTITION BY k ORDER BY x RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) FROM a"),
        SQLCase("SELECT id, count(*) OVER (ORDER BY x DESC RANGE BETWEEN CURRENT ROW AND 10 FOLLOWING) FROM a"),
        SQLCase("SELECT k, sum(x), rank() OVER (ORDER BY sum(x) DESC) FROM a GROUP BY k HAVING count(*) > 15"),
        SQLCase("SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM a ORDER BY rn DESC, id LIMIT 10", ordered: true),
        SQLCase("SELECT id, x - lag(x) OVER (ORDER BY id) AS delta FROM a"),
        SQLCase("SELECT id, avg(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING), count(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM a"),
        SQLCase("SELECT id, ntile(7) OVER (PARTITION BY k ORDER BY id) FROM a"),
        SQLCase("SELECT id, cume_dist() OVER (ORDER BY x DESC) FROM a"),
    ]

    @Test(arguments: SQLReference.seeds)
    func answersEqualDuckDBs(seed: UInt64) throws {
        try SQLReference.expectAnswersEqualDuckDBs(Self.cases, seed: seed)
    }

    @Test func overPlansLikeTheDataFrameWindow() throws {
        let session = try makeSession(executors: 1, cores: 2, partitions: 3)
        defer { session.stop() }
        let t = session.range(0, 50).select(col("id"), (col("id") % 4).alias("k"))
        try t.createOrReplaceTempView("t")
        let sql = try session.sql("SELECT id, k, sum(id) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t")
        let frame = t.select(col("id"), col("k"),
                             sum("id").over(Window.partitionBy("k").orderBy("id").rowsBetween(-1, Window.currentRow)).alias("s"))
        #expect(try sql.collect().sorted { "\($0)" < "\($1)" } == frame.collect().sorted { "\($0)" < "\($1)" })
        let sqlPlan = try sql.explainString(), framePlan = try frame.explainString()
        #expect(sqlPlan[sqlPlan.range(of: "== Physical Plan ==")!.lowerBound...] == framePlan[framePlan.range(of: "== Physical Plan ==")!.lowerBound...])
    }

    @Test func windowErrorsPointAtTheText() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.range(0, 5).createOrReplaceTempView("t")
        let undefined = try #require(throws: EmberError.self) { try session.sql("SELECT id, sum(id) OVER wx FROM t WINDOW w AS ()") }
        #expect(undefined.message.contains("the window `wx` is not defined") && undefined.message.contains("^"), "\(undefined.message)")
        #expect(undefined.hint?.contains("did you mean w?") == true)
        let notWindow = try #require(throws: EmberError.self) { try session.sql("SELECT upper('a') OVER () FROM t") }
        #expect(notWindow.message.contains("not a window function"))
        let bound = try #require(throws: EmberError.self) {
            try session.sql("SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN id PRECEDING AND CURRENT ROW) FROM t")
        }
        #expect(bound.message.contains("frame bound must be a non-negative number literal"))
        let rankArgs = try #require(throws: EmberError.self) { try session.sql("SELECT rank(id) OVER (ORDER BY id) FROM t") }
        #expect(rankArgs.message.contains("rank() takes no arguments"))
    }
}
