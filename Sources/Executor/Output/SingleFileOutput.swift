// SingleFileOutput: one output file at a path, all or nothing (the `ember` commands' `--output
// FILE`). A format's writer fills a hidden temp file in the target's directory; only `commit()`
// makes it appear at the path, with one atomic rename.
//
//     init ──► write(batch)* ──► commit()  → the file appears at `path`, complete
//                            └─► abort()   → nothing at `path`, temp file removed
//     (dropped without commit or abort: same as abort)
//
// - `init` refuses an existing `path` unless `overwrite` (and then anything but a regular file, see
//   ``OutputPath``), and a `path` whose directory does not exist. The temp file is
//   `<dir>/.<name>.<random>.ember-tmp` (hidden, so scans of the directory skip it), private (0600)
//   until complete, and registered for removal if a signal ends the process.
// - `commit()` renames the temp file onto `path` (readers see the old file or the complete new one).
//   Without `overwrite` it uses `link(2)`, which fails if `path` appeared meanwhile, so an existing
//   file is never replaced. No fsync: like Spark's committers, a committed file is durable only as
//   far as the OS page cache is.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class SingleFileOutput {
    @_spi(EmberInternal) public let path: String
    @_spi(EmberInternal) public let overwrite: Bool
    let tempPath: String
    private let writer: any FileOutputFormat
    private var state = State.open
    /// Registration of the temp file with ``TerminationCleanup``.
    private let cleanup: Int

    enum State { case open, committed, aborted }

    @_spi(EmberInternal) public init(path: String, format: FileWriteFormat, schema: StructType, overwrite: Bool) throws {
        self.path = path
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
        var made: (any FileOutputFormat)? = nil
        var temp = ""
        for _ in 0..<8 where made == nil {
            let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temp = Self.siblingPath(of: path, name: ".\(name).\(tag).ember-tmp")
            do {
                made = try format.makeWriter(path: temp, schema: schema)
            } catch let error as EmberError where error.message == "output path already exists" {
                continue
            }
        }
        guard let writer = made else {
            throw EmberError(.output, "cannot create output file", context: [.init("path", path)], hint: "check that the directory is writable")
        }
        _ = chmod(temp, 0o600)   // private while partial
        self.writer = writer
        self.tempPath = temp
        self.cleanup = TerminationCleanup.add { [temp] in _ = unlink(temp) }
    }

    deinit {
        if state == .open { discard() }
    }

    /// Appends the rows of `batch`.
    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard state == .open else {
            throw EmberError(.internal, "output written after commit or abort", context: [.init("path", path)])
        }
        try writer.write(batch)
    }

    /// Appends the whole file at `part` (written by a writer of `format.concatenablePartsFormat`).
    @_spi(EmberInternal) public func append(contentsOf part: String) throws {
        guard state == .open else {
            throw EmberError(.internal, "output written after commit or abort", context: [.init("path", path)])
        }
        try writer.append(contentsOf: part)
    }

    /// Finishes the file and makes it appear at `path` atomically.
    @_spi(EmberInternal) public func commit() throws {
        guard state == .open else {
            throw EmberError(.internal, "output committed after commit or abort", context: [.init("path", path)])
        }
        do {
            // Closed and checked before it is published: close can report a deferred write error,
            // and a file that may be incomplete must never appear at `path`.
            try writer.close()
            _ = chmod(tempPath, OutputPath.defaultFileMode())   // complete: the mode a plain create gives
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
        writer.abort()
        unlink(tempPath)
        TerminationCleanup.remove(cleanup)
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
