// ResultFile: a result task's output when it is too large to travel inside its status frame
// (Spark's IndirectTaskResult, whose bytes wait in the block manager until the driver fetches
// them). The executor writes it into the application directory, the driver streams it back.
//
//   <appDir>/result_<taskId>_<token>      mode 0600, created exclusively
//   <appDir>/result_driver_<token>        the same, written by the driver (a result set aside, a merge pass)
//   ┌──────────────┬──────────────┬─────┐
//   │ zstd frame 0 │ zstd frame 1 │ …   │   each frame: whole encoded batches (BatchCodec),
//   └──────────────┴──────────────┴─────┘   about `frameBytes` of them, with content size and checksum
//
// The layout is a shuffle block's: frames concatenate, so the writer appends frames as its buffer
// fills and the reader decodes one frame at a time, holding at most one frame's batches.

import CZstd
@_spi(EmberInternal) import Planner

/// Where a result task left its output, as its status reports it.
@_spi(EmberInternal) public struct ResultFileRef: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var path: String
    /// Compressed bytes on disk.
    @_spi(EmberInternal) public var fileBytes: Int64
    @_spi(EmberInternal) public init(path: String, fileBytes: Int64) {
        self.path = path
        self.fileBytes = fileBytes
    }
}

/// Writes a result file frame by frame. Life cycle: init ─► appendFrame* ─► finish() | abort().
@_spi(EmberInternal) public final class ResultFileWriter {
    @_spi(EmberInternal) public let path: String
    private var file: PosixFile?
    private let compressor: ZstdCompressor
    private var frame: [UInt8] = []
    /// Batches appended one at a time, encoded, waiting to fill a frame.
    private var unframed: [UInt8] = []
    @_spi(EmberInternal) public private(set) var fileBytes: Int64 = 0

    /// Uncompressed bytes per frame the result sink aims for.
    @_spi(EmberInternal) public static let frameBytes = 1 << 20

    @_spi(EmberInternal) public convenience init(directory: String, taskId: TaskID, compressionLevel: Int32) throws {
        try self.init(directory: directory, owner: String(taskId.value), compressionLevel: compressionLevel)
    }

    /// A result file named for its writer: a task id, or `driver` for results the driver sets aside.
    @_spi(EmberInternal) public init(directory: String, owner: String, compressionLevel: Int32) throws {
        path = "\(directory)/result_\(owner)_\(FileOps.randomToken())"
        file = try PosixFile.create(path)   // exclusive, mode 0600
        compressor = try ZstdCompressor(level: compressionLevel)
    }

    deinit { abort() }

    /// Compresses `encoded` (whole encoded batches) as one frame and appends it to the file.
    @_spi(EmberInternal) public func appendFrame(_ encoded: [UInt8]) throws {
        guard let file else { throw EmberError(.internal, "result file written after finish or abort", context: [.init("file", path)]) }
        if encoded.isEmpty { return }
        frame.removeAll(keepingCapacity: true)
        try encoded.withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &frame) }
        try frame.withUnsafeBytes { try file.write($0) }
        fileBytes += Int64(frame.count)
    }

    /// Encodes `batch` into the file: a frame is written each time about `frameBytes` have gathered,
    /// the rest at `finish`. Returns the batch's encoded size.
    @discardableResult
    @_spi(EmberInternal) public func append(_ batch: ColumnarBatch) throws -> Int {
        let before = unframed.count
        BatchCodec.encode(batch, into: &unframed)
        let encoded = unframed.count - before
        if unframed.count >= Self.frameBytes { try writeUnframed() }
        return encoded
    }

    /// Writes what `append` gathered, closes the file and says where it is.
    @_spi(EmberInternal) public func finish() throws -> ResultFileRef {
        try writeUnframed()
        file = nil
        return ResultFileRef(path: path, fileBytes: fileBytes)
    }

    private func writeUnframed() throws {
        try appendFrame(unframed)
        unframed.removeAll(keepingCapacity: true)
    }

    /// Removes the file (a failed or killed task). Safe to call more than once.
    @_spi(EmberInternal) public func abort() {
        if file != nil {
            file = nil
            FileOps.remove(path)
        }
    }
}

/// Streams the batches of a result file, one frame's batches in memory at a time.
@_spi(EmberInternal) public struct ResultFileReader {
    @_spi(EmberInternal) public let ref: ResultFileRef
    private let schema: StructType
    private let file: PosixFile
    private let size: Int64
    private var readOffset: Int64 = 0
    private var pending: [UInt8] = []
    private var decoded: [ColumnarBatch] = []
    private var nextDecoded = 0
    private let decompressor: ZstdDecompressor

    /// Bytes read from the file per read call (more when a frame is larger).
    static let readChunk = 256 << 10

    @_spi(EmberInternal) public init(_ ref: ResultFileRef, schema: StructType) throws {
        self.ref = ref
        self.schema = schema
        file = try PosixFile.openForReading(ref.path)
        size = try file.size()
        guard size == ref.fileBytes else {
            throw EmberError(.execution, "result file holds \(size) bytes, its task reported \(ref.fileBytes)",
                             context: [.init("file", ref.path)], hint: "the result file was changed after its task wrote it")
        }
        decompressor = try ZstdDecompressor()
    }

    /// The next batch, or nil at the end of the file.
    @_spi(EmberInternal) public mutating func next() throws -> ColumnarBatch? {
        while nextDecoded == decoded.count {
            guard try decodeNextFrame() else { return nil }
        }
        defer { nextDecoded += 1 }
        return decoded[nextDecoded]
    }

    /// Reads until `pending` starts with a whole frame, then decodes its batches; false at the end.
    private mutating func decodeNextFrame() throws -> Bool {
        decoded.removeAll(keepingCapacity: true)
        nextDecoded = 0
        while true {
            if !pending.isEmpty {
                let frameSize = pending.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) }
                if ZSTD_isError(frameSize) == 0 {
                    let schema = self.schema
                    var batches: [ColumnarBatch] = []
                    try pending.withUnsafeBytes { raw in
                        try decompressor.decompressFrames(UnsafeRawBufferPointer(rebasing: raw[0..<frameSize])) { content in
                            var at = 0
                            while at < content.count { batches.append(try BatchCodec.decode(content, offset: &at, schema: schema)) }
                        }
                    }
                    pending.removeFirst(frameSize)
                    decoded = batches
                    return true
                }
            }
            guard readOffset < size else {
                if pending.isEmpty { return false }
                throw EmberError(.execution, "result file ends inside a zstd frame", context: [.init("file", ref.path)],
                                 hint: "the result file was damaged after its task wrote it")
            }
            let count = Int(Swift.min(Int64(Swift.max(Self.readChunk, pending.count)), size - readOffset))
            let start = pending.count
            pending.append(contentsOf: repeatElement(0, count: count))
            try pending.withUnsafeMutableBytes { try file.read(into: $0.baseAddress! + start, count: count, at: readOffset) }
            readOffset += Int64(count)
        }
    }
}
