// ShuffleReader: the reduce side of a shuffle. For each map output, reads one reduce partition's
// byte range (two index offsets, one contiguous pread), decompresses its frames and decodes the
// batches. Any missing or damaged input becomes a FetchFailure naming the block.

@_spi(EmberInternal) import Planner

/// One map output's block for one reduce partition, as the driver's map-output tracker hands it to
/// a reducer (built from a ``MapStatus`` with ``MapStatus/block(reduceId:)``).
@_spi(EmberInternal) public struct ShuffleBlockRef: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var shuffleId: ShuffleID
    /// The map task attempt that wrote the files.
    @_spi(EmberInternal) public var mapId: TaskID
    @_spi(EmberInternal) public var mapIndex: Int
    /// The executor that wrote the files (the one whose outputs are unregistered on a fetch failure).
    @_spi(EmberInternal) public var executorId: ExecutorID
    @_spi(EmberInternal) public var dataPath: String
    @_spi(EmberInternal) public var indexPath: String
    /// Bytes of this reduce partition according to the MapStatus (0 = nothing to read).
    @_spi(EmberInternal) public var length: Int64
    /// Rows of this reduce partition according to the MapStatus (what sizes a reducer's hash table).
    @_spi(EmberInternal) public var rows: Int64

    @_spi(EmberInternal) public init(shuffleId: ShuffleID, mapId: TaskID, mapIndex: Int, executorId: ExecutorID,
                dataPath: String, indexPath: String, length: Int64, rows: Int64 = 0) {
        self.shuffleId = shuffleId
        self.mapId = mapId
        self.mapIndex = mapIndex
        self.executorId = executorId
        self.dataPath = dataPath
        self.indexPath = indexPath
        self.length = length
        self.rows = rows
    }
}

/// Reads the batches of one reduce partition from a list of map outputs.
///
/// ```
///  for each block with length > 0:
///    index file ── pread 16 bytes at reduceId * 8 ──► start, end   (big-endian UInt64)
///      check: index size = (P + 1) * 8, 0 ≤ start ≤ end ≤ data size, end - start = block.length
///    data file  ── pread [start, end) ──► zstd frame | zstd frame | …
///    each frame ── ZstdDecompressor (checksum verified) ──► batch | batch | …  ── BatchCodec ──► body
/// ```
///
/// Batches come in block order, and in write order within a block. Every failure of the input
/// (missing or short files, bad offsets, bad magic, checksum mismatch, undecodable bytes) throws
/// a ``FetchFailure`` naming the block (its `error`: code `.fetchFailed`, context `shuffle`, `map`,
/// `mapIndex`, `reduce`, `executor` and `file`, for people), so the scheduler recomputes that map output. Errors thrown by `body`
/// propagate unchanged. The reader never traps on damaged files: every length is checked before
/// it is used, and every loop consumes input.
///
/// The reader keeps its read buffer and zstd context between blocks and calls; it belongs to one
/// task (not `Sendable`).
@_spi(EmberInternal) public struct ShuffleReader {
    @_spi(EmberInternal) public let schema: StructType
    /// How batches of raw rows (BatchCodec.rawRowsMagic, from a Partial aggregate that passed its
    /// input through) are decoded and turned into batches of `schema`; without it they are an error.
    @_spi(EmberInternal) public var rawRows: RawRowsExpansion?
    private var decompressor: ZstdDecompressor?
    private let buffer = ScratchBuffer()

    /// Compressed bytes read so far (Spark's local bytes read).
    @_spi(EmberInternal) public private(set) var bytesRead: Int64 = 0
    /// Non-empty blocks read so far.
    @_spi(EmberInternal) public private(set) var blocksRead = 0
    /// Rows passed to `body` so far.
    @_spi(EmberInternal) public private(set) var rowsRead: Int64 = 0

    @_spi(EmberInternal) public init(schema: StructType) {
        self.schema = schema
    }

    /// Reads reduce partition `reduceId` (of `numPartitions`) from every block, calling `body` with
    /// each decoded batch. Blocks of length 0 are skipped without touching their files.
    @_spi(EmberInternal) public mutating func read(reduceId: Int, numPartitions: Int, blocks: [ShuffleBlockRef],
                              _ body: (ColumnarBatch) throws -> Void) throws {
        guard numPartitions > 0, numPartitions <= Int(Int32.max), reduceId >= 0, reduceId < numPartitions else {
            throw EmberError(.internal, "reduce partition \(reduceId) outside 0..<\(numPartitions)")
        }
        for block in blocks where block.length != 0 {
            try readBlock(block, reduceId: reduceId, numPartitions: numPartitions, body)
        }
    }

    private mutating func readBlock(_ block: ShuffleBlockRef, reduceId: Int, numPartitions: Int,
                                    _ body: (ColumnarBatch) throws -> Void) throws {
        var file = block.indexPath
        do {
            guard block.length > 0 else { throw problem("negative block length \(block.length)") }

            // Two offsets from the index.
            let index = try PosixFile.openForReading(block.indexPath)
            let indexSize = try index.size()
            let expectedIndexSize = Int64(numPartitions + 1) * 8
            guard indexSize == expectedIndexSize else {
                throw problem("index holds \(indexSize) bytes, expected \(expectedIndexSize) for \(numPartitions) partitions")
            }
            var pair: (UInt64, UInt64) = (0, 0)
            try withUnsafeMutableBytes(of: &pair) { try index.read(into: $0.baseAddress!, count: 16, at: Int64(reduceId) * 8) }
            let start = Int64(bitPattern: UInt64(bigEndian: pair.0))
            let end = Int64(bitPattern: UInt64(bigEndian: pair.1))
            guard start >= 0, end >= start else { throw problem("index offsets \(start)..<\(end) are invalid") }
            guard end - start == block.length else {
                throw problem("index gives \(end - start) bytes for the partition, the map status \(block.length)")
            }

            // Exactly that range of the data file.
            file = block.dataPath
            try readFrames(file: try PosixFile.openForReading(block.dataPath), start: start, end: end, body)
        } catch let error as BodyError {
            throw error.error
        } catch {
            throw fetchFailed(error, block: block, reduceId: reduceId, file: file)
        }
    }

    /// Reads partition `partition` of a spill file (written by a ``SpillWriter`` of this schema).
    /// A missing or damaged spill is a task failure (`.execution`): there is no map output to recompute.
    @_spi(EmberInternal) public mutating func read(spill: SpillFile, partition: Int, _ body: (ColumnarBatch) throws -> Void) throws {
        guard spill.length(partition: partition) > 0 else { return }
        do {
            try readFrames(file: try PosixFile.openForReading(spill.path), start: spill.offsets[partition],
                           end: spill.offsets[partition + 1], body)
        } catch let error as BodyError {
            throw error.error
        } catch {
            let reason = (error as? EmberError)?.message ?? String(describing: error)
            throw EmberError(.execution, "cannot read spill file \(spill.path): \(reason)",
                             context: [.init("file", spill.path), .init("partition", String(partition))],
                             hint: "the executor's local disk may be full or failing; the task is retried")
        }
    }

    /// Reads bytes `start ..< end` of a file (complete zstd frames of encoded batches) and passes
    /// each decoded batch to `body`; errors of `body` come out wrapped in BodyError.
    private mutating func readFrames(file: PosixFile, start: Int64, end: Int64, _ body: (ColumnarBatch) throws -> Void) throws {
        let size = try file.size()
        guard end <= size else {
            throw problem("partition range \(start)..<\(end) lies past the file's end (\(size) bytes)")
        }
        let length = Int(end - start)
        let bytes = try buffer.reserve(length)
        try file.read(into: bytes, count: length, at: start)
        bytesRead += Int64(length)
        blocksRead += 1

        // Frames → batches → body.
        if decompressor == nil { decompressor = try ZstdDecompressor() }
        let schema = self.schema
        let rawRows = self.rawRows
        var rows: Int64 = 0
        defer { rowsRead += rows }
        try decompressor!.decompressFrames(UnsafeRawBufferPointer(start: bytes, count: length)) { content in
            var at = 0
            while at < content.count {
                guard BatchCodec.holdsRawRows(content, at: at) else {
                    let batch = try BatchCodec.decode(content, offset: &at, schema: schema)
                    rows += Int64(batch.numRows)
                    do { try body(batch) } catch { throw BodyError(error: error) }
                    continue
                }
                // Not damage but a plan the map and reduce sides disagree on: not worth a retry.
                guard let rawRows else {
                    throw BodyError(error: EmberError(.internal, "a batch of raw rows (a Partial aggregate's pass-through) where this reader expects only \(schema)"))
                }
                let raw = try BatchCodec.decode(content, offset: &at, schema: rawRows.schema, magic: BatchCodec.rawRowsMagic)
                rows += Int64(raw.numRows)
                do { try body(try rawRows.expand(raw)) } catch { throw BodyError(error: error) }
            }
        }
    }

    private func problem(_ message: String) -> EmberError { EmberError(.fetchFailed, message) }

    private func fetchFailed(_ error: any Error, block: ShuffleBlockRef, reduceId: Int, file: String) -> FetchFailure {
        let reason = (error as? EmberError)?.message ?? String(describing: error)
        let blockName = "shuffle_\(block.shuffleId.value)_\(block.mapId.value)_\(reduceId)"
        var failure = EmberError(
            .fetchFailed, "cannot read shuffle block \(blockName): \(reason)",
            context: [.init("shuffle", block.shuffleId.description), .init("map", block.mapId.description),
                      .init("mapIndex", String(block.mapIndex)), .init("reduce", String(reduceId)),
                      .init("executor", block.executorId.description), .init("file", file)],
            hint: "the map output is missing or damaged; the scheduler recomputes it from its map stage. "
                + "If this repeats, check the disk and local directory of executor \(block.executorId)")
        if let inner = error as? EmberError, inner.code != .fetchFailed || !inner.context.isEmpty {
            failure.cause = inner.description
        }
        return FetchFailure(shuffleId: block.shuffleId, mapId: block.mapId, mapIndex: block.mapIndex, reduceId: reduceId,
                            executorId: block.executorId, file: file, error: failure)
    }
}

/// Carries an error thrown by the caller's body through the decoding closures, so that it is not
/// mistaken for (and rewrapped as) a fetch failure.
private struct BodyError: Error {
    let error: any Error
}

/// Turns a Partial aggregate's raw rows (`schema`) into the shuffle's rows (keys ++ buffers).
@_spi(EmberInternal) public struct RawRowsExpansion {
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let expand: (ColumnarBatch) throws -> ColumnarBatch
    @_spi(EmberInternal) public init(schema: StructType, expand: @escaping (ColumnarBatch) throws -> ColumnarBatch) {
        self.schema = schema
        self.expand = expand
    }
}
