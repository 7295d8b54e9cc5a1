// Memory-bounded shuffle writes: when the reservation is refused the writer spills runs and merges
// them by concatenating frames; the output equals a naive reference; a batch that cannot fit even
// after spilling fails with out-of-memory. In a real job, small executors spill and stay correct.

@_spi(EmberInternal) @testable import Shuffle
import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct ShuffleSpillTests {
    static let schema = StructType([StructField("k", .long), StructField("v", .string)])

    func batches(_ count: Int, rows: Int, seed: UInt64) -> [ColumnarBatch] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            ColumnarBatch.fromRows((0..<rows).map { _ in
                let k = Int64.random(in: 0..<1000, using: &rng)
                let v: Value = Int.random(in: 0..<20, using: &rng) == 0 ? .null : .string(String(repeating: "x", count: Int.random(in: 0..<40, using: &rng)) + "\(k)")
                return [.long(k), v]
            }, schema: Self.schema)
        }
    }

    @Test func spillsWithinTheReservationAndMergesCorrectly() throws {
        let dir = ScratchDir("spill")
        defer { dir.cleanup() }
        let input = batches(60, rows: 1000, seed: 4)
        let memory = FixedMemoryReservation(limit: 300_000)
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(7), mapIndex: 0, executorId: ExecutorID("t"),
                                          numPartitions: 7, schema: Self.schema, directory: dir.path, frameSize: 16 << 10, memory: memory)
        var partitioner = HashPartitioner(numPartitions: 7)
        var expected = [[String]](repeating: [], count: 7)
        for b in input {
            var ids: [Int32] = []
            partitioner.partitionIds(keys: [b.columns[0]], numRows: b.numRows, into: &ids)
            try writer.write(b, partitionIds: ids)
            #expect(memory.reservedBytes <= memory.limit)
            for (i, p) in ids.enumerated() { expected[Int(p)].append(b.row(i).description) }
        }
        let status = try writer.commit()
        #expect(writer.spillCount > 3, "a 300 kB budget forces several spills")
        #expect(memory.reservedBytes == 0, "everything is released after commit")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("temp_") || $0.hasPrefix("spill_") }.isEmpty)
        var reader = ShuffleReader(schema: Self.schema)
        for r in 0..<7 {
            var got: [String] = []
            try reader.read(reduceId: r, numPartitions: 7, blocks: [status.block(reduceId: r)]) { batch in
                for i in 0..<batch.numRows { got.append(batch.row(i).description) }
            }
            #expect(got.sorted() == expected[r].sorted(), "partition \(r)")
            #expect(Int64(got.count) == status.partitionRows[r])
        }
    }

    @Test func aBatchThatCannotFitFailsWithOutOfMemory() throws {
        let dir = ScratchDir("oom")
        defer { dir.cleanup() }
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(8), mapIndex: 0, executorId: ExecutorID("t"),
                                          numPartitions: 3, schema: Self.schema, directory: dir.path,
                                          memory: FixedMemoryReservation(limit: 1000))
        let batch = batches(1, rows: 500, seed: 1)[0]
        let error = #expect(throws: EmberError.self) { try writer.write(batch, partitionIds: [Int32](repeating: 1, count: 500)) }
        #expect(error?.code == .outOfMemory)
        writer.abort()
    }

    @Test func smallExecutorsSpillAndStayCorrect() throws {
        // 16 MiB executors: about 4.8 MB of execution memory per task.
        let session = try makeSession(executors: 2, cores: 2, partitions: 6, memory: 16 << 20)
        defer { session.stop() }
        let rows: Int64 = 500_000
        let df = session.range(0, rows, numPartitions: 4)
            .select((col("id") % 97).alias("k"), randstr(60, seed: col("id")).alias("v"))
            .repartition(6, col("k"))
            .groupBy("k").agg(count(col("*")).alias("n"), sum(length(col("v"))).alias("bytes"))
            .orderBy("k")
        let result = try df.collect()
        #expect(result.count == 97)
        #expect(result.reduce(Int64(0)) { $0 + ($1.getLong(1) ?? 0) } == rows)
        #expect(result.allSatisfy { $0.getLong(2) == 60 * ($0.getLong(1) ?? 0) })
        let spills = session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount }
        #expect(spills > 0, "about 40 MB of shuffle input through 4.8 MB task budgets must spill")
    }
}
