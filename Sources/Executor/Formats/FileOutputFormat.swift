// FileOutputFormat: the writing side of a file format. Each format has a final class
// `<Name>FileWriter` conforming to it; one task owns a writer, which writes exactly one file.
// Committing (temp names, renames, `_SUCCESS`) is not the writer's job: a task's FileWriteSink
// names the file inside its attempt directory and the driver's commit protocol moves it, and a
// single-file output (SingleFileOutput) renames it into place.
//
//   init(path:schema:options:) ─► write(batch)* ─► close()   the file at `path` is complete
//                                               └─► abort()   the file is removed
//
// Registering a format: a case in FileWriteFormat (Planner) and one line in each switch below.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public protocol FileOutputFormat: AnyObject {
    associatedtype Options
    /// Creates the file at `path` exclusively (mode 0644 before the umask); an existing file, or a
    /// missing directory, is an error naming the path.
    init(path: String, schema: StructType, options: Options) throws
    /// Appends the batch's rows (its columns match `schema`). Holds at most a bounded buffer.
    func write(_ batch: ColumnarBatch) throws
    /// Flushes everything and closes the file: it is complete. Errors (a full disk) are thrown.
    func close() throws
    /// Closes and removes the file. Safe to call more than once, and after `close`.
    func abort()
    /// Appends the whole file at `path`, written by a writer of this format with the options of
    /// `FileWriteFormat.concatenablePartsFormat` (see SingleFileOutput.append(contentsOf:)).
    func append(contentsOf path: String) throws
    /// The file name's ending for these options, without a leading dot: `csv`, `snappy.parquet`.
    static func fileExtension(_ options: Options) -> String
    /// The format with Spark's writer options by name (case-insensitive); an unknown key or a bad
    /// value is an error naming it.
    static func format(options: [(key: String, value: String)]) throws -> FileWriteFormat
}

extension FileWriteFormat {
    /// The format `write.format(name)` names, with these options.
    @_spi(EmberInternal) public static func named(_ name: String, options: [(key: String, value: String)]) throws -> FileWriteFormat {
        switch name.lowercased() {
        case "csv": return try CSVFileWriter.format(options: options)
        case "text": return try TextFileWriter.format(options: options)
        case "json": return try JSONFileWriter.format(options: options)
        case "parquet": return try ParquetFileWriter.format(options: options)
        default:
            throw EmberError(.configuration, "unknown data source format '\(name)'",
                             hint: (NameSuggestions.closest(to: name, among: ["csv", "text", "json", "parquet"]).map { "did you mean '\($0)'? " } ?? "")
                                 + "Ember writes csv, text, json and parquet")
        }
    }

    /// The format a single output file's name asks for: `.json`/`.jsonl` json, `.parquet` parquet,
    /// anything else CSV (what the `ember` commands always wrote).
    @_spi(EmberInternal) public static func formatName(forFileName path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        switch ext {
        case "json", "jsonl": return "json"
        case "parquet": return "parquet"
        default: return "csv"
        }
    }

    /// A writer of this format creating the file at `path`. `memory`: the task's memory consumer
    /// for a writer that buffers more than a bounded chunk (Parquet's row group).
    @_spi(EmberInternal) public func makeWriter(path: String, schema: StructType, memory: (any MemoryReservation)? = nil) throws -> any FileOutputFormat {
        switch self {
        case .csv(let options): return try CSVFileWriter(path: path, schema: schema, options: options)
        case .text: return try TextFileWriter(path: path, schema: schema, options: ())
        case .json(let options): return try JSONFileWriter(path: path, schema: schema, options: options)
        case .parquet(let options): return try ParquetFileWriter(path: path, schema: schema, options: options, memory: memory)
        }
    }

    /// Whether this format's writer holds task memory (and so takes a memory consumer).
    @_spi(EmberInternal) public var holdsMemory: Bool {
        if case .parquet = self { return true }
        return false
    }

    /// The format whose files, written one per task and appended whole in partition order to a file
    /// of this format, make that file: CSV without the header (the file has its own), text, and
    /// uncompressed JSON lines. Nil for formats whose files do not concatenate (Parquet, gzip).
    @_spi(EmberInternal) public var concatenablePartsFormat: FileWriteFormat? {
        switch self {
        case .csv(var options):
            options.header = false
            return .csv(options)
        case .text: return self
        case .json(let options): return options.compression == .none ? self : nil
        case .parquet: return nil
        }
    }

    /// The file name's ending (`csv`, `txt`, …).
    @_spi(EmberInternal) public var fileExtension: String {
        switch self {
        case .csv(let options): return CSVFileWriter.fileExtension(options)
        case .text: return TextFileWriter.fileExtension(())
        case .json(let options): return JSONFileWriter.fileExtension(options)
        case .parquet(let options): return ParquetFileWriter.fileExtension(options)
        }
    }

    /// Checks that rows of `schema` can be written in this format (before a job runs).
    @_spi(EmberInternal) public func validate(dataSchema schema: StructType) throws {
        switch self {
        case .csv: return   // every type has a text form (arrays as [a, b], unlike Spark, which refuses them)
        case .text: try TextFileWriter.validate(schema)
        case .json: return   // every type has a JSON form
        case .parquet: try ParquetFileWriter.validate(schema)
        }
    }
}

/// An open output file: exclusive creation, buffered writes, close with error checking, removal.
/// The formats' writers write through it.
final class OutputFile {
    let path: String
    private var fd: Int32
    private let buffer: OutputBuffer
    /// Bytes handed to the file so far (all of them once closed).
    private(set) var bytesWritten: Int64 = 0
    /// Output is flushed to the file in chunks of about this size.
    static let flushBytes = 1 << 20

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            let hint = code == EEXIST ? "choose another path, or remove the file first"
                : code == ENOENT ? "create the directory first, or choose a path in an existing directory"
                : "check that the directory is writable"
            throw EmberError(.output, code == EEXIST ? "output path already exists" : "cannot create output file: \(posixErrorText(code))",
                             context: [.init("path", path)], hint: hint)
        }
        self.fd = fd
        self.buffer = OutputBuffer(capacity: Self.flushBytes + (64 << 10))
    }

    deinit { if fd >= 0 { _ = systemClose(fd) } }

    /// Where a format renders its bytes; `didAppend()` flushes once enough have gathered.
    var output: OutputBuffer { buffer }

    func didAppend() throws {
        if buffer.count >= Self.flushBytes { try flush() }
    }

    private func flush() throws {
        try writeRaw(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
        buffer.removeAll()
    }

    /// Writes `bytes` to the file now, past the buffer (for a format that transforms its rendered
    /// bytes first, such as gzip-compressed JSON, and keeps its own buffer).
    func writeRaw(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw EmberError(.output, "cannot write output file: \(posixErrorText())", context: [.init("path", path)],
                                 hint: "check free disk space and permissions")
            }
            done += n
        }
        bytesWritten += Int64(bytes.count)
    }

    /// Appends the whole file at `source` (a part file another writer of the same format wrote)
    /// after what is buffered, copied by the kernel (sendfile) where it can, else through
    /// a bounded buffer: the bytes never pass through this process's memory in one piece.
    func append(contentsOf source: String) throws {
        try flush()
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else {
            throw EmberError(.output, "cannot open a part file to append it: \(posixErrorText())",
                             context: [.init("path", path), .init("part", source)])
        }
        defer { _ = systemClose(input) }
        var chunk: UnsafeMutableRawPointer? = nil   // the fallback's buffer
        defer { chunk?.deallocate() }
        let chunkBytes = 1 << 20
        while true {
            let n: Int
            if let chunk {
                n = read(input, chunk, chunkBytes)
                if n > 0 { try writeRaw(UnsafeRawBufferPointer(start: chunk, count: n)); continue }
            } else {
                #if os(Linux)
                n = sendfile(fd, input, nil, 1 << 30)
                #else
                n = -1   // sendfile(2) elsewhere sends to sockets only: the buffer below
                errno = ENOSYS
                #endif
                if n > 0 { bytesWritten += Int64(n); continue }
            }
            if n == 0 { return }
            let code = errno
            if code == EINTR { continue }
            if chunk == nil && (code == ENOSYS || code == EXDEV || code == EINVAL || code == EOPNOTSUPP) {
                // A kernel or file system without it: the failed call copied nothing.
                chunk = .allocate(byteCount: chunkBytes, alignment: 16)
                continue
            }
            throw EmberError(.output, "cannot append a part file: \(posixErrorText(code))",
                             context: [.init("path", path), .init("part", source)], hint: "check free disk space and permissions")
        }
    }

    /// Writes what is buffered and closes the file; close(2)'s deferred errors are reported too.
    func close() throws {
        guard fd >= 0 else { return }
        try flush()
        let closed = systemClose(fd)
        fd = -1
        if closed != 0 {
            throw EmberError(.output, "cannot write output file: \(posixErrorText())", context: [.init("path", path)],
                             hint: "check free disk space and permissions")
        }
    }

    /// `close()`, removing the file if that fails (an incomplete file is never left behind).
    func closeOrRemove() throws {
        do {
            try close()
        } catch {
            remove()
            throw error
        }
    }

    /// Closes (if open) and removes the file.
    func remove() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
        buffer.removeAll()
        unlink(path)
    }
}

/// `write(2)` and `close(2)`, under names that do not clash with the writers' methods.
@inline(__always) func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { close(fd) }
