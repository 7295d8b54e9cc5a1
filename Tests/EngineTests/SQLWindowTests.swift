// SQL window functions (`OVER`): the same plan as the DataFrame API's window, and errors that point
// at the text. Their answers are checked against DuckDB in SQLQueryTests.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLWindowTests {
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
