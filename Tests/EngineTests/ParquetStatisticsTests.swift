// ParquetStatisticsTests: row groups whose min/max statistics rule out a filter are skipped, and
// counted in the task metrics (rowGroupsRead / rowGroupsSkipped); results stay those of the full
// scan for every comparison, on integers, dates, strings, decimals and doubles (whose NaN must
// never be skipped by > or >=), with nulls; explain shows the pushed filters.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct ParquetStatisticsTests {
    static let needsPyarrow = ParquetReference.python != nil

    static let script = #"""
import pyarrow as pa, pyarrow.parquet as pq, sys, datetime, decimal
out = sys.argv[1]
n = 1000   # sorted columns: row group g (of 10) holds k in [100g, 100g + 99]
k = list(range(n))
t = pa.table({
    "k": pa.array(k, pa.int64()),
    "d": pa.array([datetime.date(2000, 1, 1) + datetime.timedelta(days=i) for i in k]),
    "s": pa.array(["key%04d" % i for i in k]),
    "x": pa.array([float("nan") if i % 100 == 50 else i / 2 for i in k]),
    "m": pa.array([decimal.Decimal(i).scaleb(-2) for i in k], pa.decimal128(9, 2)),
    "z": pa.array([None if i >= 500 else i for i in k], pa.int64()),
})
pq.write_table(t, out + "/sorted.parquet", row_group_size=100)
"""#

    @Test(.enabled(if: needsPyarrow, "needs pyarrow (scripts/ensure-duckdb)"))
    func rowGroupsRuledOutByStatisticsAreSkippedAndCounted() throws {
        let dir = ScratchDir("parquet-stats")
        defer { dir.cleanup() }
        try ParquetReference.run(Self.script, in: dir.path, [dir.path])
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = try session.read.parquet(dir.file("sorted.parquet"))
        func run(_ condition: Column) throws -> (rows: Int, read: Int64, skipped: Int64) {
            let rows = Int(try df.filter(condition).count())
            let tasks = session.lastJobTasks
            return (rows, tasks.reduce(0) { $0 + $1.metrics.rowGroupsRead }, tasks.reduce(0) { $0 + $1.metrics.rowGroupsSkipped })
        }
        let cases: [(Column, Int, Int64)] = [
            (col("k") > 850, 149, 8),
            (col("k") >= 900, 100, 9),
            (col("k") < 100, 100, 9),
            (col("k") <= 100, 101, 8),
            (col("k") === 555, 1, 9),
            (lit(555) < col("k"), 444, 5),
            (col("d") < lit(date: "2000-05-30"), 150, 8),
            (col("s") >= "key0990", 10, 9),
            (col("m") > 9.0, 99, 9),
            (col("z").isNull(), 500, 5),
            (col("z").isNotNull(), 500, 5),
            (col("k") > 2000, 0, 10),
            // NaN is above every double in Spark: > and >= on doubles never skip.
            (col("x") > 450.0, 108, 0),
            (col("x") < 10.0, 20, 9),
        ]
        for (condition, rows, skipped) in cases {
            let got = try run(condition)
            #expect(got.rows == rows, "\(condition)")
            #expect(got.skipped == skipped && got.read == 10 - skipped, "\(condition): read \(got.read), skipped \(got.skipped)")
        }
        let plan = try df.filter(col("k") > 850).explainString()
        #expect(plan.contains("PushedFilters: [k > 850]"), "\(plan)")
    }
}
