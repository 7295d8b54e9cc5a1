// FileIO: the thin POSIX layer under the shuffle writer and reader (open, pread/pwrite loops,
// fstat, rename, unlink) plus a reusable raw scratch buffer. Every failure becomes an EmberError
// that names the path and the errno text.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Planner

/// A growable, uninitialized byte buffer reused across calls (decompression output, block reads).
/// Growing never zero-fills; contents are undefined after `reserve`.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutableRawPointer?
    private(set) var capacity = 0

    init() {}

    deinit { free(pointer) }

    /// A pointer to at least `count` writable bytes (valid until the next `reserve`).
    func reserve(_ count: Int) throws -> UnsafeMutableRawPointer {
        if count <= capacity, let pointer { return pointer }
        let newCapacity = max(count, capacity * 2, 4096)
        free(pointer)
        pointer = nil
        capacity = 0
        guard let p = malloc(newCapacity) else {
            throw EmberError(.outOfMemory, "cannot allocate a \(newCapacity)-byte buffer")
        }
        pointer = p
        capacity = newCapacity
        return p
    }
}

/// An open file descriptor that is closed when the value is dropped. All reads and writes are
/// positional or sequential loops that retry on EINTR and short transfers.
final class PosixFile {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { _ = close(fd) }

    /// Opens an existing regular file for reading. `O_NONBLOCK` keeps a FIFO planted at the path
    /// from blocking the open; the regular-file check then rejects it.
    static func openForReading(_ path: String) throws -> PosixFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ioError("cannot open", path) }
        let file = PosixFile(fd: fd, path: path)
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ioError("cannot stat", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw EmberError(.input, "not a regular file", context: [.init("file", path)])
        }
        return file
    }

    /// Creates a new file (failing if it exists) for writing.
    static func create(_ path: String) throws -> PosixFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("cannot create", path, .output) }
        return PosixFile(fd: fd, path: path)
    }

    /// The file's current size in bytes.
    func size() throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw PosixFile.ioError("cannot stat", path) }
        return Int64(st.st_size)
    }

    /// Reads exactly `count` bytes at `offset` into `dst`; end of file first is an error.
    func read(into dst: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws {
        var done = 0
        while done < count {
            let n = pread(fd, dst + done, count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.ioError("cannot read", path)
            }
            if n == 0 {
                throw EmberError(.input, "file ends after \(offset + Int64(done)) bytes, \(count - done) more expected",
                                 context: [.init("file", path)])
            }
            done += n
        }
    }

    /// Appends all of `src` at the current position.
    func write(_ src: UnsafeRawBufferPointer) throws {
        guard var p = src.baseAddress else { return }
        var left = src.count
        while left > 0 {
            let n = sysWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.ioError("cannot write", path, .output)
            }
            p += n
            left -= n
        }
    }

    /// An error naming the path and `errno`'s text; `.input` for reads, `.output` for writes.
    static func ioError(_ what: String, _ path: String, _ code: ErrorCode = .input) -> EmberError {
        let number = errno
        let reason = String(cString: strerror(number))
        return EmberError(code, "\(what) \(path): \(reason)",
                          context: [.init("file", path), .init("errno", String(number))])
    }
}

// File-scope wrappers: inside the types below, `write` and `rename` name their own methods.
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func sysRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// Path-level operations.
enum FileOps {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Removes a file; a file that is already gone is fine.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    static func rename(_ from: String, to: String) throws {
        guard sysRename(from, to) == 0 else {
            throw PosixFile.ioError("cannot rename \(from) to", to, .output)
        }
    }

    /// A random 64-bit hex token for temp file names (unique enough across attempts and processes).
    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let v = rng.next() as UInt64
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
