// JSONFileWriter: writes batches as one JSON lines file (Spark's `write.json` output for one
// task), plain or gzip-compressed, through a bounded buffer.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
@_spi(EmberInternal) import Planner

/// Writes one JSON lines file: one object per row (see ``JSONRowRenderer`` for the text).
///
///     init(path:schema:options:) ─► write(batch)* ─► close()   the file at `path` is complete
///                                                 └─► abort()   the file is removed
///
/// `init` creates `path` exclusively (mode 0644 before the umask), refusing an existing file or a
/// missing directory. Rows are rendered into a buffer that is written out (through gzip with
/// `compression = gzip`) whenever it passes ``flushBytes``, so memory stays bounded. Committing
/// (temp names, renames) is the caller's job. One task owns a writer; not shared between threads.
@_spi(EmberInternal) public final class JSONFileWriter: FileOutputFormat {
    @_spi(EmberInternal) public let path: String
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let options: JSONWriteOptions
    private let file: OutputFile
    private let output = OutputBuffer(capacity: JSONFileWriter.flushBytes + (64 << 10))
    private let renderer: JSONRowRenderer
    private var gzip: GzipStream?
    private var closed = false
    @_spi(EmberInternal) public private(set) var rowsWritten = 0
    /// Bytes written to the file so far (compressed bytes with gzip).
    @_spi(EmberInternal) public var bytesWritten: Int64 { file.bytesWritten }

    static let flushBytes = 1 << 20

    /// The file name's ending: `json`, or `json.gz` (Spark's text-format extensions).
    @_spi(EmberInternal) public static func fileExtension(_ options: JSONWriteOptions) -> String {
        options.compression == .gzip ? "json.gz" : "json"
    }

    /// The plan value for these writer options.
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileWriteFormat {
        .json(try writeOptions(pairs))
    }

    /// Writer options by Spark's names (case-insensitive): `ignoreNullFields`, `compression`
    /// (none/uncompressed or gzip).
    @_spi(EmberInternal) public static func writeOptions(_ pairs: [(key: String, value: String)]) throws -> JSONWriteOptions {
        var options = JSONWriteOptions()
        for (key, value) in pairs {
            switch key.lowercased() {
            case "ignorenullfields": options.ignoreNullFields = try ReaderOptionValue(key, value).bool()
            case "compression", "codec":
                switch value.lowercased() {
                case "none", "uncompressed": options.compression = .none
                case "gzip": options.compression = .gzip
                default:
                    throw EmberError(.configuration, "unsupported JSON compression '\(value)'", hint: "use none or gzip")
                }
            default:
                let names = ["ignoreNullFields", "compression"]
                let suggestion = NameSuggestions.closest(to: key, among: names).map { "did you mean '\($0)'? " } ?? ""
                throw EmberError(.configuration, "the json format takes no write option '\(key)'", hint: suggestion + "it takes " + names.joined(separator: ", "))
            }
        }
        return options
    }

    @_spi(EmberInternal) public init(path: String, schema: StructType, options: JSONWriteOptions) throws {
        self.path = path
        self.schema = schema
        self.options = options
        file = try OutputFile(path: path)
        renderer = JSONRowRenderer(schema: schema, ignoreNullFields: options.ignoreNullFields)
        if options.compression == .gzip {
            do {
                gzip = try GzipStream(path: path)
            } catch {
                abort()
                throw error
            }
        }
    }

    /// Appends the rows of `batch` (whose columns match the writer's schema).
    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard !closed else { throw EmberError(.internal, "JSON writer used after close or abort", context: [.init("path", path)]) }
        guard batch.columns.count == schema.count else {
            throw EmberError(.internal, "batch has \(batch.columns.count) columns, the JSON writer expects \(schema.count)",
                             context: [.init("path", path), .init("schema", schema.description)])
        }
        renderer.appendRows(batch, to: output)
        rowsWritten += batch.numRows
        if output.count >= Self.flushBytes { try flush(finish: false) }
    }

    /// Appends a part file of JSON lines (uncompressed only: see concatenablePartsFormat).
    @_spi(EmberInternal) public func append(contentsOf part: String) throws {
        guard !closed, gzip == nil else {
            throw EmberError(.internal, "JSON part appended to a closed or compressed writer", context: [.init("path", path)])
        }
        try flush(finish: false)
        try file.append(contentsOf: part)
    }

    /// Writes out everything (and the gzip trailer) and closes the file: it is complete.
    @_spi(EmberInternal) public func close() throws {
        guard !closed else { return }
        try flush(finish: true)
        closed = true
        try file.close()
    }

    /// Closes and removes the file. Safe to call more than once, and after `close`.
    @_spi(EmberInternal) public func abort() {
        closed = true
        gzip = nil
        output.removeAll()
        file.remove()
    }

    /// Hands the buffered text to the file (compressed first with gzip) and empties the buffer.
    private func flush(finish: Bool) throws {
        if let gzip {
            try gzip.compress(output.bytes, finish: finish) { try file.writeRaw($0) }
        } else {
            try file.writeRaw(output.bytes)
        }
        output.removeAll()
    }
}

/// A streaming gzip compressor (zlib's deflate with a gzip header, level 6 as Hadoop's GzipCodec).
final class GzipStream {
    private var stream = z_stream()
    private let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: 256 << 10)
    private let chunkSize = 256 << 10

    init(path: String) throws {
        // windowBits 15 + 16: a gzip wrapper instead of zlib's.
        let status = deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            chunk.deallocate()
            throw EmberError(.output, "cannot start gzip compression (zlib status \(status))", context: [.init("path", path)])
        }
    }

    deinit {
        deflateEnd(&stream)
        chunk.deallocate()
    }

    /// Compresses `input`, handing the compressed bytes to `sink`; `finish` ends the stream.
    func compress(_ input: UnsafeRawBufferPointer, finish: Bool, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        while true {
            stream.next_out = chunk
            stream.avail_out = UInt32(chunkSize)
            let status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw EmberError(.output, "gzip compression failed (zlib status \(status))")
            }
            let produced = chunkSize - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(start: chunk, count: produced)) }
            if finish ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out != 0) { return }
        }
    }
}
