// FileIO: the thin POSIX layer under the shuffle writer and reader (open, pread/pwrite loops,
// fstat, rename, unlink) plus a reusable raw scratch buffer. Every failure becomes an EmberError
// that names the path and the errno text.
//
// Files that hold the application's data (shuffle outputs, spills, cached blocks) are created
// with `PosixFile.create`: mode 0600, O_EXCL (never an existing file), O_NOFOLLOW (never through a
// planted symlink). Other parts of the package create their files through it too.
//
// A write that fails with ENOSPC, EDQUOT or EIO is `.localDisk`, which the scheduler retries (the
// disk may have room for the next attempt, or the next executor); other write errors are `.output`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

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
@_spi(EmberInternal) public final class PosixFile {
    @_spi(EmberInternal) public let fd: Int32
    @_spi(EmberInternal) public let path: String

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

    /// Creates a new private file for writing: mode 0600 (only this user reads the data in it),
    /// failing if anything, a symlink included, already has that name.
    @_spi(EmberInternal) public static func create(_ path: String) throws -> PosixFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ioError("cannot create", path, writeErrorCode(errno)) }
        return PosixFile(fd: fd, path: path)
    }

    /// Fault injection: from now on this file's writes go to `device` instead (e.g. /dev/full, whose
    /// writes fail with the kernel's own ENOSPC); the file at `path` stays, empty, for the usual cleanup.
    @_spi(EmberInternal) public func redirectWrites(to device: String) throws {
        let other = open(device, O_WRONLY | O_CLOEXEC)
        guard other >= 0 else { throw PosixFile.ioError("cannot open", device) }
        defer { _ = close(other) }
        guard dup2(other, fd) >= 0 else { throw PosixFile.ioError("cannot redirect writes to", device) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
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
    @_spi(EmberInternal) public func write(_ src: UnsafeRawBufferPointer) throws {
        guard var p = src.baseAddress else { return }
        var left = src.count
        while left > 0 {
            let n = sysWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.ioError("cannot write", path, PosixFile.writeErrorCode(errno))
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

    /// How a failed write or create is classified: a full disk, a quota or an I/O error may pass,
    /// so the task is retried (`.localDisk`); anything else (permissions, a missing directory) will
    /// not (`.output`).
    @_spi(EmberInternal) public static func writeErrorCode(_ number: Int32) -> ErrorCode {
        number == ENOSPC || number == EDQUOT || number == EIO ? .localDisk : .output
    }
}

// File-scope wrappers: inside the types below, `write` and `rename` name their own methods.
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func sysRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// Path-level operations.
@_spi(EmberInternal) public enum FileOps {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Removes a file; a file that is already gone is fine.
    @_spi(EmberInternal) public static func remove(_ path: String) {
        _ = unlink(path)
    }

    @_spi(EmberInternal) public static func rename(_ from: String, to: String) throws {
        guard sysRename(from, to) == 0 else {
            throw PosixFile.ioError("cannot rename \(from) to", to, .output)
        }
    }

    /// Creates a directory only this user may enter, mode exactly 0700 (mkdir's mode passes through
    /// the umask, so it is set again); false, with errno saying why (EEXIST: it is there already), if not.
    @_spi(EmberInternal) public static func makePrivateDirectory(_ path: String) -> Bool {
        guard mkdir(path, 0o700) == 0 else { return false }
        _ = chmod(path, 0o700)
        return true
    }

    /// A random 64-bit hex token for temp file names (unique enough across attempts and processes).
    @_spi(EmberInternal) public static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let v = rng.next() as UInt64
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
