// SpillFile: one spill of a task's operator on local disk (a shuffle writer's spill run, a hash
// aggregate's overflow): rows grouped by partition (reduce partition or hash bucket) as zstd frames
// of encoded batches, with its index kept in memory. Spill files are their own kind of file, never
// disguised shuffle outputs: nothing looks them up by a name, commits them or adopts them.
//
//   <dir>/spill_<owner>_<random 64-bit hex>.tmp      created by PosixFile.create: 0600, O_EXCL, O_NOFOLLOW
//   ┌──────────────┬──────────────┬─────┬────────────────┐
//   │ partition 0  │ partition 1  │ …   │ partition P-1  │   each: zero bytes, or complete zstd frames
//   └──────────────┴──────────────┴─────┴────────────────┘   (so runs merge by concatenation)
//   in memory: bytes and rows per partition (RunLayout), offsets derived from them
//
// The owner names the task attempt (and operator), the token makes the name unique, and creation
// fails rather than reuse a file that exists, so two spills never share a file. The file is deleted
// when its SpillFile is removed or released.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class SpillFile {
    @_spi(EmberInternal) public let path: String
    let layout: RunLayout
    /// offsets[p] ..< offsets[p + 1] is partition p's byte range.
    let offsets: [Int64]
    private var removed = false

    init(path: String, layout: RunLayout) {
        self.path = path
        self.layout = layout
        var offsets: [Int64] = [0]
        for length in layout.lengths { offsets.append(offsets[offsets.count - 1] + length) }
        self.offsets = offsets
    }

    deinit { remove() }

    @_spi(EmberInternal) public func rows(partition p: Int) -> Int64 { layout.rows[p] }
    @_spi(EmberInternal) public func length(partition p: Int) -> Int64 { layout.lengths[p] }
    @_spi(EmberInternal) public var partitionCount: Int { layout.rows.count }
    @_spi(EmberInternal) public var totalRows: Int64 { layout.rows.reduce(0, +) }
    @_spi(EmberInternal) public var totalBytes: Int64 { offsets[offsets.count - 1] }

    /// Deletes the file (once; a file already gone is fine).
    @_spi(EmberInternal) public func remove() {
        guard !removed else { return }
        removed = true
        FileOps.remove(path)
    }

    /// Creates a new, private spill file in `directory` for writing (PosixFile.create: 0600,
    /// O_EXCL, O_NOFOLLOW), under a fresh name; an existing file is never opened or reused.
    static func create(directory: String, owner: String) throws -> (path: String, file: PosixFile) {
        let path = ShuffleFiles.join(directory, "spill_\(owner)_\(FileOps.randomToken()).tmp")
        return (path, try PosixFile.create(path))
    }
}

/// Writes spill files for one operator of one task attempt: each ``write(_:partitionIds:)`` call
/// makes one new file. Keeps its zstd context between calls. Not thread-safe.
@_spi(EmberInternal) public final class SpillWriter {
    @_spi(EmberInternal) public let directory: String
    /// Names the task attempt and operator in file names (letters, digits, `-`).
    @_spi(EmberInternal) public let owner: String
    @_spi(EmberInternal) public let numPartitions: Int
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let frameSize: Int
    private let compressor: ZstdCompressor

    /// Compressed bytes written to spill files.
    @_spi(EmberInternal) public private(set) var bytesWritten: Int64 = 0
    /// Uncompressed encoded bytes produced (before zstd).
    @_spi(EmberInternal) public private(set) var encodedBytes: Int64 = 0
    /// Where the time of the writes went.
    @_spi(EmberInternal) public private(set) var timing = WriterTiming()
    /// Fault injection: the files' writes go to this device instead (`/dev/full`: a full disk).
    @_spi(EmberInternal) public var injectedWriteDevice: String? = nil

    @_spi(EmberInternal) public convenience init(directory: String, owner: String, numPartitions: Int, schema: StructType,
                            compressionLevel: Int32 = 1, frameSize: Int = ShuffleMapWriter.defaultFrameSize) throws {
        self.init(directory: directory, owner: owner, numPartitions: numPartitions, schema: schema, frameSize: frameSize,
                  compressor: try ZstdCompressor(level: compressionLevel))
    }

    init(directory: String, owner: String, numPartitions: Int, schema: StructType, frameSize: Int, compressor: ZstdCompressor) {
        self.directory = directory
        self.owner = owner
        self.numPartitions = numPartitions
        self.schema = schema
        self.frameSize = frameSize
        self.compressor = compressor
    }

    /// Writes row i of `batches[b]` to partition `partitionIds[b][i]`, as one new spill file.
    /// `rawRows`: the batches are a Partial aggregate's raw rows, of that schema (BatchCodec.rawRowsMagic).
    @_spi(EmberInternal) public func write(_ batches: [ColumnarBatch], partitionIds: [[Int32]], rawRows: StructType? = nil) throws -> SpillFile {
        try write(PartitionedRun(batches: batches, partitionIds: partitionIds, numPartitions: numPartitions, schema: rawRows ?? schema,
                                 frameSize: frameSize, compressor: compressor, rawRows: rawRows != nil))
    }

    /// Writes rows in the given order (an external sort's run) as one new spill file: row k is row
    /// `rowOf[k]` of `batches[batchOf[k]]`, and each `rowsPerPartition` consecutive rows are one
    /// partition, so a reader can take the run a partition (chunk) at a time.
    @_spi(EmberInternal) public func writeOrdered(_ batches: [ColumnarBatch], batchOf: [Int32], rowOf: [Int32], rowsPerPartition: Int) throws -> SpillFile {
        try write(PartitionedRun(batches: batches, batchOf: batchOf, rowOf: rowOf, rowsPerPartition: rowsPerPartition,
                                 schema: schema, frameSize: frameSize, compressor: compressor))
    }

    private func write(_ run: PartitionedRun) throws -> SpillFile {
        let (path, file) = try SpillFile.create(directory: directory, owner: owner)
        var written = false
        defer { if !written { FileOps.remove(path) } }
        if let injectedWriteDevice { try file.redirectWrites(to: injectedWriteDevice) }
        let output = BackgroundFileWriter(file: file)
        defer { output.discard() }   // stops its thread if an error ends the write early
        let layout = try run.write(to: output)
        try output.finish()
        written = true
        encodedBytes += run.encodedBytes
        timing = timing + run.timing
        let spill = SpillFile(path: path, layout: layout)
        bytesWritten += spill.totalBytes
        return spill
    }
}
