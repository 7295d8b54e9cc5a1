// ParquetMatrixTests: files written by pyarrow in the test run — every physical and logical type
// Ember maps, with nulls, required and all-null columns, under every codec (none, snappy, gzip,
// zstd, lz4_raw), data pages v1 and v2 and every encoding pyarrow writes (dictionary, plain,
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE booleans),
// small pages and several row groups — read by a real session (executor processes, splits of a
// few KB so row groups spread over tasks) equal to pyarrow's own reading, whole and pruned.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct ParquetMatrixTests {
    static let needsPyarrow = ParquetReference.python != nil

    /// Ember's rows of `df`, normalized like the reference and ordered by the `id` column.
    static func rows(_ df: DataFrame, idColumn: Int) throws -> [[String?]] {
        try df.collect().sorted { ($0[idColumn].longValue ?? 0) < ($1[idColumn].longValue ?? 0) }
            .map { $0.values.map(ParquetReference.normalized) }
    }

    @Test(.enabled(if: needsPyarrow, "needs pyarrow (scripts/ensure-duckdb)"))
    func pyarrowFilesReadBackAsPyarrowReadsThem() throws {
        let dir = ScratchDir("parquet-matrix")
        defer { dir.cleanup() }
        let names = try ParquetReference.writeMatrix(dir.path)
        #expect(names.count == 42)
        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 16 << 10)
        defer { session.stop() }
        let pruned = ["s", "id", "f64", "ts_ns", "dec30", "b"]
        for name in names {
            let path = dir.file(name + ".parquet")
            let expected = try ParquetReference.expected(dir.path, name)
            let df = try session.read.parquet(path)
            #expect(try df.schema().names == expected.columns, "\(name)")
            let got = try Self.rows(df, idColumn: 0)
            #expect(got.count == expected.rows.count, "\(name)")
            for (i, (g, e)) in zip(got, expected.rows).enumerated() where g != e {
                let diffs = expected.columns.indices.filter { g[$0] != e[$0] }.map { "\(expected.columns[$0]): \(g[$0] ?? "null") ≠ \(e[$0] ?? "null")" }
                Issue.record("\(name) row \(i): \(diffs.joined(separator: "; "))")
                break
            }
            // Column pruning, in another order.
            let indices = pruned.compactMap { expected.columns.firstIndex(of: $0) }
            let prunedRows = try Self.rows(df.select(pruned.map { col($0) }), idColumn: 1)
            #expect(prunedRows == expected.rows.map { row in indices.map { row[$0] } }, "\(name) pruned")
            // Under a filter the predicate's column is decoded first and the others only at the
            // rows it keeps (a few, none, all).
            let filters: [(String, Column, (Int64) -> Bool)] = [
                ("id % 7 = 3", col("id") % 7 === 3, { $0 % 7 == 3 }), ("id < 0", col("id") < 0, { $0 < 0 }),
                ("id >= 0", col("id") >= 0, { $0 >= 0 }), ("id % 3 != 0", col("id") % 3 =!= 0, { $0 % 3 != 0 }),
            ]
            for (label, predicate, keeps) in filters {
                let filtered = try Self.rows(df.filter(predicate), idColumn: 0)
                #expect(filtered == expected.rows.filter { keeps(Int64($0[0] ?? "") ?? -1) }, "\(name) where \(label)")
            }
        }
    }

    @Test(.enabled(if: needsPyarrow, "needs pyarrow (scripts/ensure-duckdb)"))
    func sqlReadsParquetByPathAndAsAView() throws {
        let dir = ScratchDir("parquet-sql")
        defer { dir.cleanup() }
        try ParquetReference.run(#"""
import pyarrow as pa, pyarrow.parquet as pq, sys
t = pa.table({"k": pa.array([1, 2, 2, None], pa.int32()), "v": pa.array(["a", "b", None, "d"])})
pq.write_table(t, sys.argv[1] + "/t.parquet", row_group_size=2)
"""#, in: dir.path, [dir.path])
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let path = dir.file("t.parquet")
        let byPath = try session.sql("SELECT k, count(*) AS n FROM parquet.`\(path)` GROUP BY k ORDER BY k").collect()
        #expect(byPath.map { $0.values } == [[.null, .long(1)], [.long(1), .long(1)], [.long(2), .long(2)]])
        _ = try session.sql("CREATE TEMPORARY VIEW t USING parquet OPTIONS (path '\(path)')").collect()
        let view = try session.sql("SELECT v FROM t WHERE k = 2 ORDER BY v").collect()
        #expect(view.map { $0.getString(0) } == [nil, "b"])
        let loaded = try session.read.format("parquet").load(path)
        #expect(try loaded.count() == 4)
    }
}
