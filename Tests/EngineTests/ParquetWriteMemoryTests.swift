// The Parquet writer in its task's memory: a row group (up to parquet.block.size, 128 MiB) is
// reserved from the task's memory as it is buffered, and a refusal ends the row group early
// instead of failing the task or holding memory it was not granted. With executors of a few MiB a
// write of a few hundred thousand rows succeeds as a file of several smaller row groups, which
// pyarrow, DuckDB and Ember read back equal to the job's rows. On its own, with a fixed budget,
// the writer never holds more than the budget and gives everything back on close and abort.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized, .enabled(if: ParquetReference.python != nil, "needs pyarrow and DuckDB (scripts/ensure-duckdb)")) struct ParquetWriteMemoryTests {
    @Test func aTinyExecutorMemoryEndsRowGroupsEarlyInsteadOfOverrunning() throws {
        let dir = ScratchDir("parquet-memory")
        defer { dir.cleanup() }
        // One executor of 8 MiB and one core: a pool of 4.8 MiB, far below a 128 MiB row group.
        let memory: Int64 = 8 << 20
        let session = try Session(config: testConfig(executors: 1, cores: 1, memory: memory))
        defer { session.stop() }
        let rows = 300_000
        let df = session.range(0, Int64(rows), numPartitions: 1)
            .select(col("id"), randstr(24, seed: col("id")).alias("s"), (col("id") % 1000).alias("k"))
        let out = dir.file("out")
        try df.write.parquet(out)
        let tasks = session.lastJobTasks
        #expect(!tasks.isEmpty && tasks.allSatisfy { $0.metrics.peakExecutionMemory > 0 }, "the writer reserved its row group")
        let pool = Int64(Double(memory) * ExecutorMemoryManager.memoryFraction)
        #expect(tasks.allSatisfy { $0.metrics.peakExecutionMemory <= pool })

        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("part-") }.map { out + "/" + $0 }
        #expect(files.count == 1)
        let file = try #require(files.first)
        let back = try ParquetOutputReference.read(file)
        #expect(back.rowGroups.count > 1, "row groups ended early: \(back.rowGroups.map(\.numRows))")
        #expect(back.rowGroups.reduce(0) { $0 + $1.numRows } == rows)
        let expected = ParquetOutputReference.normalized(try df.collect().map { $0.values })
        #expect(back.pyarrow == expected)
        #expect(back.duckdb == expected)
        #expect(ParquetOutputReference.normalized(try session.read.parquet(out).orderBy("id").collect().map { $0.values }) == expected)
    }
}

/// The writer on its own, with a fixed budget: what it reserves never passes the budget, a refusal
/// ends the row group, and close and abort give everything back.
@Suite struct ParquetWriterReservationTests {
    @Test func theWriterStaysWithinItsReservationAndGivesItBack() throws {
        let dir = ScratchDir("parquet-reservation")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 31)
        let rows = data.rows(ParquetTestData.allTypes, count: 40_000)
        let batches = ColumnarBatch.fromRows(rows, schema: ParquetTestData.allTypes).chunked(4096)
        let memory = FixedMemoryReservation(limit: 512 << 10)
        let path = dir.file("a.parquet")
        let writer = try ParquetFileWriter(path: path, schema: ParquetTestData.allTypes, options: ParquetWriteOptions(), memory: memory)
        for batch in batches {
            try writer.write(batch)
            #expect(memory.reservedBytes > 0 && memory.reservedBytes <= memory.limit)
        }
        try writer.close()
        #expect(memory.refusals > 0 && memory.reservedBytes == 0, "refused \(memory.refusals) times, \(memory.reservedBytes) bytes still held")
        let layout = try ParquetPageLayout(path: path)
        #expect(layout.footer.rowGroups.count > 1 && layout.footer.numRows == Int64(rows.count))

        let aborted = try ParquetFileWriter(path: dir.file("b.parquet"), schema: ParquetTestData.allTypes, options: ParquetWriteOptions(), memory: memory)
        try aborted.write(batches[0])
        #expect(memory.reservedBytes > 0)
        aborted.abort()
        #expect(memory.reservedBytes == 0 && !FileManager.default.fileExists(atPath: dir.file("b.parquet")))
    }
}
