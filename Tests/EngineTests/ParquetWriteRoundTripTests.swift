// Ember writes, Ember reads: seeded random rows of every type (nulls, NaN, ±0, empty strings,
// extreme integers) written by ParquetFileWriter under every codec, with dictionaries and their
// fallback, several row groups and pages, then read by a real session with small splits (row
// groups spread over tasks), equal to the original rows; and a job's output read back the same way.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct ParquetWriteRoundTripTests {
    static func sortedByID(_ rows: [[Value]]) -> [[String?]] {
        ParquetOutputReference.normalized(rows.sorted { ($0[0].longValue ?? 0) < ($1[0].longValue ?? 0) })
    }

    @Test func randomRowsReadBackEqualUnderEveryCodecAndLayout() throws {
        let dir = ScratchDir("parquet-roundtrip")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 32 << 10)
        defer { session.stop() }
        let schema = ParquetTestData.allTypes
        for (k, codec) in ParquetCompression.allCases.enumerated() {
            var data = ParquetTestData(seed: 100 + UInt64(k))
            var rows = data.rows(schema, count: 6000, nullOneIn: 4 + k, distinct: k % 2 == 0 ? 60 : nil)
            rows += data.rows(schema, count: 6000, nullOneIn: 9, firstID: 6000)
            rows[5][2] = .double(.nan)
            var options = ParquetWriteOptions()
            options.compression = codec
            options.rowGroupBytes = [64 << 10, 200 << 10, 1 << 20, 128 << 20, 32 << 10][k]
            options.pageBytes = [2 << 10, 16 << 10, 1 << 20, 4 << 10, 8 << 10][k]
            options.dictionaryPageBytes = [1 << 20, 8 << 10, 4 << 10, 1 << 20, 16 << 10][k]
            options.dictionary = k != 3
            let path = dir.file("\(codec.rawValue).parquet")
            try ParquetWriteTests.write(rows, schema, to: path, options: options, batchRows: [4096, 1000, 777, 4096, 333][k])
            let df = try session.read.parquet(path)
            // Names and types come back; every column reads as nullable, as in Spark.
            #expect(try df.schema().fields.map { [$0.name, $0.dataType.simpleString] } == schema.fields.map { [$0.name, $0.dataType.simpleString] })
            let got = Self.sortedByID(try df.collect().map { $0.values })
            #expect(got == ParquetOutputReference.normalized(rows), "\(codec)")
            // Pruned and filtered: only some columns' chunks are read.
            let some = try df.select("s", "id", "t").filter(col("id") % 5 === 0).collect().map { $0.values }
            let truth = rows.filter { ($0[0].longValue ?? 1) % 5 == 0 }.map { [$0[4], $0[0], $0[6]] }
            #expect(Set(some.map { ParquetOutputReference.normalized([$0])[0] }) == Set(truth.map { ParquetOutputReference.normalized([$0])[0] }), "\(codec) pruned")
        }
    }

    @Test func aJobsOutputReadsBackAsTheJobsRows() throws {
        let dir = ScratchDir("parquet-roundtrip")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2, partitions: 4)
        defer { session.stop() }
        var data = ParquetTestData(seed: 7)
        let rows = data.rows(ParquetTestData.allTypes, count: 4000)
        let source = dir.file("source.parquet")
        try ParquetWriteTests.write(rows, ParquetTestData.allTypes, to: source)
        let grouped = try session.read.parquet(source).groupBy("b").agg(count("id").alias("n"), max("s").alias("top"), min("t").alias("first"), sum("x").alias("total"))
        let expected = try grouped.orderBy("b").collect().map { $0.values }
        let output = dir.file("grouped.parquet")
        try grouped.write.option("compression", "gzip").parquet(output)
        let back = try session.read.parquet(output).orderBy("b").collect().map { $0.values }
        #expect(ParquetOutputReference.normalized(back) == ParquetOutputReference.normalized(expected))
        #expect(expected.count == 3)
    }
}
