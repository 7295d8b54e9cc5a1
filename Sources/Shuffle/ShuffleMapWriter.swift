// ShuffleMapWriter: the map side of a shuffle. Routes each batch's rows to per-reduce-partition
// buffers, compresses full buffers into zstd frames, and commits one data + index file pair
// atomically (temp files, rename; the first valid commit of a name wins).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Planner
import Synchronization

/// Writes one map task's shuffle output.
///
/// ```
///  write(batch, partitionIds)
///    │ counting sort of row indices by partition id, then ColumnarBatch.take per partition
///    ▼
///  partition p: pending  [encoded batch][encoded batch]…      (uncompressed, BatchCodec)
///    │ reaches frameSize ──► ZstdCompressor.compressFrame
///    ▼
///  partition p: frames   [zstd frame][zstd frame]…            (this partition's final bytes)
///
///  commit()
///    flush every pending buffer as a last frame
///    data tmp  ◄── frames of p0 | frames of p1 | … | frames of p(P-1)
///    index tmp ◄── 0, end of p0, …, data length                 (ShuffleFiles)
///    under the process-wide commit lock:
///      valid pair already there? ── yes ──► adopt its lengths (and rows), delete the temps
///                                 └─ no ──► remove the old index, rename data, rename index
/// ```
///
/// Every non-empty partition is a sequence of complete zstd frames and an empty one has no bytes,
/// so a reader decompresses `[offset[r], offset[r+1])` on its own. Frames hold whole batches.
///
/// Spilling (a later step) fits this layout without a rewrite: when the memory manager refuses a
/// reservation, flush each partition's `pending`, write all partitions' `frames` in partition order
/// to a spill file as a run with its own per-partition lengths, and clear the buffers. At commit,
/// ``writePartition(_:to:)`` first copies partition p's segment of every run, then the in-memory
/// frames: zstd frames concatenate, so merging is a byte copy (Spark's fast merge). The memory to
/// account for is ``bufferedBytes``.
///
/// Not thread-safe: one writer belongs to one task.
public final class ShuffleMapWriter {
    // PROPERTIES (fixed at creation)
    public let shuffleId: ShuffleID
    public let mapId: TaskID
    public let mapIndex: Int
    public let executorId: ExecutorID
    public let numPartitions: Int
    public let schema: StructType
    public let directory: String
    public let frameSize: Int
    public let dataPath: String
    public let indexPath: String

    // STATE
    private enum State { case open, committed, aborted, failed }
    private var state = State.open
    private var partitions: [PartitionBuffer]
    /// Temp files created by an unfinished commit (removed on failure, abort or deinit).
    private var tempPaths: [String] = []

    // SCRATCH (reused across batches)
    private var counts: [Int] = []
    private var rowOrder: [Int32] = []

    // RESOURCES
    private let compressor: ZstdCompressor

    /// One reduce partition's data while the task runs.
    struct PartitionBuffer {
        /// Encoded batches not yet compressed; compressed once it reaches `frameSize` bytes.
        var pending: [UInt8] = []
        /// Complete zstd frames, in order: the partition's bytes in the data file.
        var frames: [UInt8] = []
        var rows: Int64 = 0
    }

    public init(shuffleId: ShuffleID, mapId: TaskID, mapIndex: Int, executorId: ExecutorID, numPartitions: Int,
                schema: StructType, directory: String, compressionLevel: Int32 = 1, frameSize: Int = 1 << 20) throws {
        guard numPartitions > 0 && numPartitions <= Int(Int32.max) else {
            throw EmberError(.internal, "a shuffle needs 1...\(Int32.max) partitions, got \(numPartitions)")
        }
        guard frameSize > 0 else { throw EmberError(.internal, "frameSize must be positive, got \(frameSize)") }
        var st = stat()
        guard stat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw EmberError(.output, "shuffle directory \(directory) does not exist or is not a directory",
                             context: [.init("file", directory)],
                             hint: "create the executor's local directory before running map tasks")
        }
        self.shuffleId = shuffleId
        self.mapId = mapId
        self.mapIndex = mapIndex
        self.executorId = executorId
        self.numPartitions = numPartitions
        self.schema = schema
        self.directory = directory
        self.frameSize = frameSize
        dataPath = ShuffleFiles.dataPath(directory: directory, shuffleId: shuffleId, mapId: mapId)
        indexPath = ShuffleFiles.indexPath(directory: directory, shuffleId: shuffleId, mapId: mapId)
        partitions = [PartitionBuffer](repeating: PartitionBuffer(), count: numPartitions)
        compressor = try ZstdCompressor(level: compressionLevel)
    }

    deinit { removeTemps() }

    /// Bytes held in memory (uncompressed capacity plus compressed frames): what a memory
    /// manager would account for this writer.
    public var bufferedBytes: Int {
        partitions.reduce(0) { $0 + $1.pending.capacity + $1.frames.count }
    }

    /// Routes row i of `batch` to reduce partition `partitionIds[i]`.
    public func write(_ batch: ColumnarBatch, partitionIds: [Int32]) throws {
        try checkOpen("write")
        guard batch.numRows <= Int(Int32.max) else {
            throw EmberError(.internal, "a batch of \(batch.numRows) rows is too large to shuffle; split it")
        }
        guard partitionIds.count == batch.numRows else {
            throw EmberError(.internal, "\(partitionIds.count) partition ids for a batch of \(batch.numRows) rows")
        }
        guard batch.columns.count == schema.count,
              zip(batch.columns, schema.fields).allSatisfy({ $0.dataType == $1.dataType }) else {
            throw EmberError(.internal, "batch columns do not match the shuffle schema \(schema)")
        }
        if batch.numRows == 0 { return }

        // Count rows per partition (checking the ids), then place row indices grouped by partition.
        let p = numPartitions
        var counts = takeScratch(&self.counts)
        var order = takeScratch(&self.rowOrder)
        defer { self.counts = counts; self.rowOrder = order }
        counts.removeAll(keepingCapacity: true)
        counts.append(contentsOf: repeatElement(0, count: p + 1))
        let badId: Int32? = partitionIds.withUnsafeBufferPointer { ids in
            counts.withUnsafeMutableBufferPointer { c in
                for id in ids {
                    let u = Int(UInt32(bitPattern: id))
                    if u >= p { return id }
                    c[u + 1] &+= 1
                }
                return nil
            }
        }
        if let badId {
            throw EmberError(.internal, "partition id \(badId) outside 0..<\(p)")
        }
        if let only = counts.firstIndex(where: { $0 == batch.numRows }) {
            try append(batch, to: only - 1)  // all rows in one partition: no gather
            return
        }
        // counts[q + 1] = rows of q  ──►  counts[q] = first slot of q (exclusive prefix sum).
        for q in 0..<p { counts[q + 1] &+= counts[q] }
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: repeatElement(0, count: batch.numRows))
        partitionIds.withUnsafeBufferPointer { ids in
            counts.withUnsafeMutableBufferPointer { next in
                order.withUnsafeMutableBufferPointer { out in
                    for row in 0..<ids.count {
                        let q = Int(ids[row])
                        out[next[q]] = Int32(truncatingIfNeeded: row)
                        next[q] &+= 1
                    }
                }
            }
        }
        // Now counts[q] = end of q's slots; q's rows are order[start ..< counts[q]].
        var start = 0
        for q in 0..<p {
            let end = counts[q]
            if end > start { try append(batch.take(Array(order[start..<end])), to: q) }
            start = end
        }
    }

    /// Flushes the last buffers, writes and commits the data and index files, and reports them.
    /// If a valid pair with these names already exists, that one wins and is reported instead.
    public func commit() throws -> MapStatus {
        try checkOpen("commit")
        do {
            for p in 0..<numPartitions where !partitions[p].pending.isEmpty { try flush(p) }
            var lengths = partitions.map { Int64($0.frames.count) }
            var rows = partitions.map(\.rows)

            let token = FileOps.randomToken()
            let tmpData = "\(dataPath).\(token).tmp"
            let tmpIndex = "\(indexPath).\(token).tmp"
            do {
                tempPaths.append(tmpData)
                let data = try PosixFile.create(tmpData)
                for p in 0..<numPartitions {
                    try writePartition(p, to: data)
                    partitions[p] = PartitionBuffer()  // release memory as we go
                }
                tempPaths.append(tmpIndex)
                let index = try PosixFile.create(tmpIndex)
                try ShuffleFiles.encodeIndex(lengths: lengths).withUnsafeBytes { try index.write($0) }
            }

            let adopted: ([Int64], [Int64])? = try shuffleCommitLock.withLock { _ in
                if let existing = ShuffleFiles.validLengths(indexPath: indexPath, dataPath: dataPath,
                                                            numPartitions: numPartitions),
                   let existingRows = try? countRows(dataPath: dataPath, lengths: existing) {
                    return (existing, existingRows)
                }
                // No valid pair: replace whatever is there. Index last, so that an index on disk
                // always describes the data file next to it.
                FileOps.remove(indexPath)
                try FileOps.rename(tmpData, to: dataPath)
                try FileOps.rename(tmpIndex, to: indexPath)
                tempPaths.removeAll()
                return nil
            }
            if let (existingLengths, existingRows) = adopted {
                lengths = existingLengths
                rows = existingRows
            }
            removeTemps()
            state = .committed
            return MapStatus(shuffleId: shuffleId, mapId: mapId, mapIndex: mapIndex, executorId: executorId,
                             dataPath: dataPath, indexPath: indexPath, partitionLengths: lengths, partitionRows: rows)
        } catch {
            removeTemps()
            state = .failed
            throw EmberError.wrap(error, .output, "cannot commit shuffle output \(dataPath)")
                .with("shuffle", shuffleId.description).with("map", mapId.description)
        }
    }

    /// Drops all buffered data and removes any temp files. The writer cannot be used afterwards.
    public func abort() {
        removeTemps()
        partitions = []
        if state == .open { state = .aborted }
    }

    // MARK: - Internals

    /// Encodes a batch into partition p's pending buffer; compresses the buffer once it is full.
    private func append(_ batch: ColumnarBatch, to p: Int) throws {
        BatchCodec.encode(batch, into: &partitions[p].pending)
        partitions[p].rows += Int64(batch.numRows)
        if partitions[p].pending.count >= frameSize { try flush(p) }
    }

    /// Compresses partition p's pending bytes as one frame appended to its frames.
    private func flush(_ p: Int) throws {
        var pending = takeScratch(&partitions[p].pending)
        defer {
            pending.removeAll(keepingCapacity: true)
            partitions[p].pending = pending
        }
        var frames = takeScratch(&partitions[p].frames)
        defer { partitions[p].frames = frames }
        try pending.withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &frames) }
    }

    /// Writes partition p's final bytes at the data file's current end. (Spill runs' segments of
    /// partition p will be copied here first, before the in-memory frames.)
    private func writePartition(_ p: Int, to file: PosixFile) throws {
        try partitions[p].frames.withUnsafeBytes { try file.write($0) }
    }

    /// Rows per partition of an existing data file (decompressing and skipping over batches);
    /// throws if it is not readable, in which case it is not a valid output to adopt.
    private func countRows(dataPath: String, lengths: [Int64]) throws -> [Int64] {
        let file = try PosixFile.openForReading(dataPath)
        let decompressor = try ZstdDecompressor()
        let buffer = ScratchBuffer()
        var rows: [Int64] = []
        var offset: Int64 = 0
        for length in lengths {
            var count: Int64 = 0
            if length > 0 {
                let p = try buffer.reserve(Int(length))
                try file.read(into: p, count: Int(length), at: offset)
                try decompressor.decompressFrames(UnsafeRawBufferPointer(start: p, count: Int(length))) { content in
                    var at = 0
                    while at < content.count { count += Int64(try BatchCodec.skip(content, offset: &at)) }
                }
            }
            rows.append(count)
            offset += length
        }
        return rows
    }

    private func checkOpen(_ operation: String) throws {
        guard state == .open else {
            throw EmberError(.internal, "cannot \(operation): shuffle writer for \(dataPath) is \(state)")
        }
    }

    private func removeTemps() {
        for path in tempPaths { FileOps.remove(path) }
        tempPaths.removeAll()
    }
}

/// Moves an array out of its storage (leaving an empty one), so a loop can mutate it as a local
/// without exclusivity checks on the owner; the caller puts it back.
@inline(__always)
private func takeScratch<T>(_ slot: inout [T]) -> [T] {
    var taken: [T] = []
    swap(&taken, &slot)
    return taken
}

/// Serializes check-then-rename commits within this process (Spark's per-executor lock). Names
/// are unique per task attempt, so other processes never commit the same names concurrently.
private let shuffleCommitLock = Mutex<Void>(())
