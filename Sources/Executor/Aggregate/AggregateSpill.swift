// AggregateSpill: a Final-mode aggregate's overflow on disk. Each spill writes the table's rows
// (keys ++ buffers) into `bucketCount` hash buckets as one SpillFile (zstd frames, index in memory,
// a private file named for the task attempt); at the end every bucket is read back from all spills
// and aggregated on its own, so a bucket needs about 1/bucketCount of the memory. Buckets hash with
// a seed per depth, so a bucket that still does not fit spills again into different buckets.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class AggregateSpill {
    static let bucketCount = 32
    let depth: Int
    let keyCount: Int
    let schema: StructType
    private let writer: SpillWriter
    private var files: [SpillFile] = []
    private var hashes: [UInt64] = []

    init(directory: String, taskId: TaskID, depth: Int, keyCount: Int, schema: StructType) throws {
        self.depth = depth
        self.keyCount = keyCount
        self.schema = schema
        writer = try SpillWriter(directory: directory, owner: "task\(taskId.value)-aggregate-depth\(depth)",
                                 numPartitions: Self.bucketCount, schema: schema)
    }

    deinit { remove() }

    /// Writes rows (keys ++ buffers), given in pieces, into the buckets as one more spill file.
    func add(_ pieces: [ColumnarBatch]) throws {
        let seed = 0xB0C_0000 &+ UInt64(depth)
        let bucketIds = pieces.map { piece -> [Int32] in
            FixedSeedHash.hashRows(Array(piece.columns.prefix(keyCount)), numRows: piece.numRows, seed: seed, into: &hashes)
            return hashes.map { Int32(truncatingIfNeeded: FixedSeedHash.mix64($0) % UInt64(Self.bucketCount)) }
        }
        files.append(try writer.write(pieces, partitionIds: bucketIds))
    }

    /// Rows written so far, in all buckets or in one.
    var rows: Int64 { files.reduce(0) { $0 + $1.totalRows } }
    func rows(inBucket bucket: Int) -> Int64 { files.reduce(0) { $0 + $1.rows(partition: bucket) } }

    /// Compressed bytes written so far.
    var bytes: Int64 { writer.bytesWritten }

    /// Streams one bucket's rows from every spill file.
    func readBucket(_ bucket: Int, _ body: (ColumnarBatch) throws -> Void) throws {
        var reader = ShuffleReader(schema: schema)
        for file in files { try reader.read(spill: file, partition: bucket, body) }
    }

    /// Deletes the spill files.
    func remove() {
        for file in files { file.remove() }
        files = []
    }
}

/// Where a Final aggregate sits in the spill recursion, and whether it may spill (again). A bucket
/// is aggregated one level deeper and may spill again only if that can help: the depth is bounded,
/// a bucket that holds most of what its parent spilled did not shrink (a few hot keys, which
/// another split cannot separate), and a small bucket is not worth more files. An aggregate that
/// may not spill finishes in memory, or fails with OUT_OF_MEMORY saying why it did not spill.
struct SpillLevel {
    /// Levels of buckets: 32³ ≈ 33,000 buckets at the deepest, each spilled at most once per level.
    static let maxDepth = 3
    /// Buckets with fewer rows than this are finished without spilling.
    static let minRowsToSpill: Int64 = 1024

    let depth: Int
    let maySpill: Bool
    /// Why this aggregate may not spill (for the error).
    let reason: String

    static let top = SpillLevel(depth: 0, maySpill: true, reason: "")

    /// The level of a bucket holding `rows` of the `spilled` rows its parent wrote.
    func bucket(rows: Int64, of spilled: Int64) -> SpillLevel {
        let next = depth + 1
        if next >= Self.maxDepth {
            return SpillLevel(depth: next, maySpill: false, reason: "spilling stops after \(Self.maxDepth) levels of hash buckets")
        }
        if rows * 2 > spilled {
            return SpillLevel(depth: next, maySpill: false,
                              reason: "its spill bucket holds \(rows) of the \(spilled) rows spilled (a few keys hold most rows), "
                                  + "so spilling it again would not shrink it")
        }
        if rows < Self.minRowsToSpill {
            return SpillLevel(depth: next, maySpill: false, reason: "its spill bucket holds only \(rows) rows")
        }
        return SpillLevel(depth: next, maySpill: true, reason: "")
    }
}
