// AggregateSpill: a Final-mode aggregate's overflow on disk. Each spill writes the table's rows
// (keys ++ buffers) into `bucketCount` hash buckets with the shuffle writer (zstd frames, data +
// index file); at the end every bucket is read back from all spills and aggregated on its own, so a
// bucket needs about 1/bucketCount of the memory. Buckets hash with a seed per depth, so a bucket
// that still does not fit spills again into different buckets.

import Foundation
import Planner
import Shuffle

final class AggregateSpill {
    static let bucketCount = 32
    let directory: String
    let taskId: TaskID
    let depth: Int
    let keyCount: Int
    let schema: StructType
    let memory: (any MemoryReservation)?
    private var outputs: [MapStatus] = []
    private var partitionIds: [Int32] = []
    private var hashes: [UInt64] = []

    init(directory: String, taskId: TaskID, depth: Int, keyCount: Int, schema: StructType, memory: (any MemoryReservation)?) throws {
        self.directory = directory
        self.taskId = taskId
        self.depth = depth
        self.keyCount = keyCount
        self.schema = schema
        self.memory = memory
    }

    /// Writes rows (keys ++ buffers) into the buckets as one more spill file.
    func add(_ rows: ColumnarBatch) throws {
        // Spill files use a negative shuffle id so they never collide with real shuffles.
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(-1 - depth), mapId: TaskID(taskId.value * 1000 + outputs.count),
                                          mapIndex: outputs.count, executorId: ExecutorID("spill"),
                                          numPartitions: Self.bucketCount, schema: schema, directory: directory, memory: memory)
        do {
            for chunk in chunked(rows) where chunk.numRows > 0 {
                FixedSeedHash.hashRows(Array(chunk.columns.prefix(keyCount)), numRows: chunk.numRows,
                                       seed: 0xB0C_0000 &+ UInt64(depth), into: &hashes)
                partitionIds = hashes.map { Int32(truncatingIfNeeded: FixedSeedHash.mix64($0) % UInt64(Self.bucketCount)) }
                try writer.write(chunk, partitionIds: partitionIds)
            }
            outputs.append(try writer.commit())
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Calls `body` once per bucket with a function that streams that bucket's rows.
    func forEachBucket(_ body: (((ColumnarBatch) throws -> Void) throws -> Void) throws -> Void) throws {
        var reader = ShuffleReader(schema: schema)
        for bucket in 0..<Self.bucketCount {
            let blocks = outputs.map { $0.block(reduceId: bucket) }
            guard blocks.contains(where: { $0.length > 0 }) else { continue }
            try body { consume in
                try reader.read(reduceId: bucket, numPartitions: Self.bucketCount, blocks: blocks, consume)
            }
        }
    }

    /// Deletes the spill files.
    func remove() {
        for s in outputs {
            unlink(s.dataPath)
            unlink(s.indexPath)
        }
        outputs = []
    }

    deinit { remove() }
}
