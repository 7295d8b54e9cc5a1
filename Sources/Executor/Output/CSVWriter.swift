// CSVWriter: writes batches as one CSV file, all or nothing: rows go to a hidden temp file in the
// target's directory, and only commit() makes them appear at the path (one atomic rename).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// Writes one CSV file.
///
/// Life cycle:
///
///     init ──► write(batch)* ──► commit()  → the file appears at `path`, complete
///                            └─► abort()   → nothing at `path`, temp file removed
///     (dropped without commit or abort: same as abort)
///
/// - `init` refuses an existing `path` unless `overwrite` (and then anything but a regular file, see
///   ``OutputPath``), and a `path` whose directory does not exist. It creates
///   `<dir>/.<name>.<random>.ember-tmp` (hidden, so scans of the directory skip it) with `O_EXCL`,
///   mode 0600 until it is complete, and registers it for removal if a signal ends the process.
/// - `commit()` renames the temp file onto `path` (atomic: readers see the old file or the
///   complete new one). Without `overwrite` it uses `link(2)`, which fails if `path` appeared
///   meanwhile, so an existing file is never replaced. No fsync: like Spark's committers, a
///   committed file is durable only as far as the OS page cache is.
///
/// Format (see ``CSVCellRenderer``): the header (field names) when `options.header`; fields joined by
/// the delimiter, rows ended by `\n`; null → `options.nullValue`; fields containing the delimiter,
/// `"`, `\r` or `\n` are quoted with `"` and inner quotes doubled (RFC 4180; Spark would escape them
/// as `\"`, which Ember's reader also reads). An empty string is written as `""`, distinct from a
/// null in the file (Spark's `emptyValue`); note that readers with the default `nullValue = ""`,
/// Spark's and Ember's, read both back as null. Spark's default trimming of leading and trailing
/// spaces on write is not copied: values are written as they are. Values with line breaks are
/// quoted correctly but need a multi-line CSV reader (Spark's `multiLine`) to be read back.
///
/// A writer belongs to one task and is not shared between threads.
@_spi(EmberInternal) public final class CSVFileWriter {
    @_spi(EmberInternal) public let path: String
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let options: CSVWriteOptions
    @_spi(EmberInternal) public let overwrite: Bool
    let tempPath: String
    private var fd: Int32
    private var state = State.open
    private let output = OutputBuffer(capacity: CSVFileWriter.flushBytes + (64 << 10))
    private let renderer: CSVCellRenderer
    private var headerPending: Bool
    /// Registration of the temp file with ``TerminationCleanup``.
    private let cleanup: Int
    /// Number of data rows written so far.
    @_spi(EmberInternal) public private(set) var rowsWritten = 0
    /// Bytes written to the file so far (header included; the total once committed).
    @_spi(EmberInternal) public private(set) var bytesWritten: Int64 = 0

    enum State { case open, committed, aborted }

    /// Output is flushed to the file in chunks of about this size (after the batch that crosses it).
    static let flushBytes = 1 << 20

    @_spi(EmberInternal) public init(path: String, schema: StructType, options: CSVWriteOptions = CSVWriteOptions(), overwrite: Bool) throws {
        self.path = path
        self.schema = schema
        self.options = options
        self.overwrite = overwrite
        let (directory, name) = Self.splitPath(path)
        guard let dir = PathStatus(path: directory), dir.isDirectory else {
            throw EmberError(.output, "output directory does not exist", context: [.init("path", path), .init("directory", directory)],
                             hint: "create the directory first, or choose a path in an existing directory")
        }
        if overwrite {
            try OutputPath.checkReplaceable(path)
        } else if PathStatus(path: path) != nil {
            throw EmberError(.output, "output path already exists", context: [.init("path", path)],
                             hint: "choose another path or use mode overwrite (--overwrite / .mode(.overwrite))")
        }
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<8 where fd < 0 {
            let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temp = Self.siblingPath(of: path, name: ".\(name).\(tag).ember-tmp")
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw EmberError(.output, "cannot create output file: \(posixErrorText())", context: [.init("path", path)],
                             hint: "check that the directory is writable")
        }
        self.fd = fd
        self.tempPath = temp
        self.cleanup = TerminationCleanup.add { [temp] in _ = unlink(temp) }
        self.renderer = CSVCellRenderer(delimiter: options.delimiter, nullValue: options.nullValue)
        self.headerPending = options.header
    }

    deinit {
        if state == .open { discard() }
    }

    /// Appends the rows of `batch` (whose columns must match the writer's schema).
    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard state == .open else {
            throw EmberError(.internal, "CSV writer used after commit or abort", context: [.init("path", path)])
        }
        guard batch.columns.count == schema.count else {
            throw EmberError(.internal, "batch has \(batch.columns.count) columns, CSV writer expects \(schema.count)",
                             context: [.init("path", path), .init("schema", schema.description)])
        }
        if headerPending {
            headerPending = false
            renderer.appendHeader(schema.names, to: output)
        }
        renderer.appendRows(batch, to: output)
        rowsWritten += batch.numRows
        if output.count >= Self.flushBytes { try flush() }
    }

    /// Writes out the buffered bytes and empties the buffer.
    private func flush() throws {
        var done = 0
        let total = output.count
        while done < total {
            let n = systemWrite(fd, output.base + done, total - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw EmberError(.output, "cannot write output file: \(posixErrorText())", context: [.init("path", path)],
                                 hint: "check free disk space and permissions")
            }
            done += n
        }
        bytesWritten += Int64(total)
        output.removeAll()
    }

    /// Finishes the file and makes it appear at `path` atomically.
    @_spi(EmberInternal) public func commit() throws {
        guard state == .open else {
            throw EmberError(.internal, "CSV writer committed after commit or abort", context: [.init("path", path)])
        }
        do {
            if headerPending {
                headerPending = false
                renderer.appendHeader(schema.names, to: output)
            }
            try flush()
            // Complete: now the mode a plain create gives (the temp file was private while partial).
            // Closed and checked before it is published: close can report a deferred write error,
            // and a file that may be incomplete must never appear at `path`.
            _ = fchmod(fd, OutputPath.defaultFileMode())
            let closed = close(fd)
            fd = -1
            if closed != 0 {
                throw EmberError(.output, "cannot write output file: \(posixErrorText())", context: [.init("path", path)],
                                 hint: "check free disk space and permissions")
            }
            try publish()
            state = .committed
            TerminationCleanup.remove(cleanup)
        } catch {
            discard()
            throw error
        }
    }

    /// Moves the finished temp file to `path`.
    private func publish() throws {
        if overwrite {
            try OutputPath.checkReplaceable(path)   // again: something else may have appeared meanwhile
            guard rename(tempPath, path) == 0 else {
                throw EmberError(.output, "cannot move output file into place: \(posixErrorText())", context: [.init("path", path)],
                                 hint: "check that the path is not a directory and that the directory is writable")
            }
            return
        }
        if link(tempPath, path) == 0 {
            unlink(tempPath)
            return
        }
        let code = errno
        if code == EEXIST {
            throw EmberError(.output, "output path already exists", context: [.init("path", path)],
                             hint: "choose another path or use mode overwrite (--overwrite / .mode(.overwrite))")
        }
        // File systems without hard links: check, then rename (a small race window remains).
        if code == EPERM || code == EOPNOTSUPP || code == EXDEV || code == EMLINK {
            if PathStatus(path: path) != nil {
                throw EmberError(.output, "output path already exists", context: [.init("path", path)],
                                 hint: "choose another path or use mode overwrite (--overwrite / .mode(.overwrite))")
            }
            if rename(tempPath, path) == 0 { return }
        }
        throw EmberError(.output, "cannot move output file into place: \(posixErrorText())", context: [.init("path", path)],
                         hint: "check that the directory is writable")
    }

    /// Discards everything written: nothing appears at `path`. Safe to call more than once.
    @_spi(EmberInternal) public func abort() {
        if state == .open { discard() }
    }

    private func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(tempPath)
        TerminationCleanup.remove(cleanup)
        output.removeAll()
        state = .aborted
    }

    /// A file named `name` in the same directory as `path`.
    static func siblingPath(of path: String, name: String) -> String {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return name }
        return String(decoding: bytes[...slash], as: UTF8.self) + name
    }

    /// (directory, file name) of a path; the directory of a bare name is ".".
    static func splitPath(_ path: String) -> (String, String) {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let dir = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        return (dir, String(decoding: bytes[(slash + 1)...], as: UTF8.self))
    }
}

/// `write(2)`, under a name that does not clash with ``CSVFileWriter/write(_:)``.
@inline(__always)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
