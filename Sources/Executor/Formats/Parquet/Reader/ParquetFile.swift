// ParquetFile: an open Parquet file: its size, its footer and positional reads of byte ranges
// (a column chunk at a time; never the whole file). The footer is found from the end:
//
//   "PAR1" … | FileMetaData (Thrift compact) | u32 LE footer length | "PAR1"
//
// Every offset and length taken from the file is checked against its size first.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

final class ParquetFile {
    let path: String
    let size: Int64
    private let fd: Int32
    /// Where the footer starts: column data lies in [4, dataEnd).
    private(set) var dataEnd: Int64 = 0

    /// The largest footer accepted.
    static let maximumFooterLength: Int64 = 1 << 30

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Self.ioError("cannot open", path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Self.ioError("cannot stat", path)
            _ = close(fd)
            throw e
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            _ = close(fd)
            throw EmberError(.input, "not a regular file", context: [.init("file", path)])
        }
        self.fd = fd
        self.size = Int64(st.st_size)
    }

    deinit { _ = close(fd) }

    private static func ioError(_ what: String, _ path: String) -> EmberError {
        let number = errno
        return EmberError(.input, "\(what) \(path): \(String(cString: strerror(number)))",
                          context: [.init("file", path), .init("errno", String(number))])
    }

    private func notParquet(_ why: String) -> EmberError {
        EmberError(.input, "not a Parquet file: \(why)", context: [.init("file", path)],
                   hint: "check the path and the format; a truncated copy loses the footer at the end of the file")
    }

    /// Reads `count` bytes at `offset` into `dst`.
    func read(into dst: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws {
        guard offset >= 0, count >= 0, offset + Int64(count) <= size else {
            throw EmberError(.input, "read of \(count) bytes at \(offset) is outside the file's \(size) bytes",
                             context: [.init("file", path)])
        }
        var done = 0
        while done < count {
            let n = pread(fd, dst + done, count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.ioError("cannot read", path)
            }
            if n == 0 { throw EmberError(.input, "the file ended early (did it change while being read?)", context: [.init("file", path)]) }
            done += n
        }
    }

    func readBytes(_ count: Int, at offset: Int64) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { b in
            guard let base = b.baseAddress else { return }
            try read(into: base, count: count, at: offset)
        }
        return bytes
    }

    /// The bytes `[offset, offset + count)` of the column data (before the footer).
    func readRange(_ offset: Int64, _ count: Int64, _ what: String) throws -> ParquetBuffer {
        guard offset >= 4, count >= 0, count <= dataEnd - offset else {
            throw parquetCorrupt("\(what) at \(offset) of \(count) bytes lies outside the column data [4, \(dataEnd))")
        }
        let buffer = ParquetBuffer(count: Int(count))
        try read(into: buffer.pointer, count: Int(count), at: offset)
        return buffer
    }

    /// Reads and decodes the footer.
    func readFooter() throws -> FileMetaData {
        guard size >= 12 else { throw notParquet("it is \(size) bytes long, shorter than a Parquet file can be") }
        let tail = try readBytes(8, at: size - 8)
        let head = try readBytes(4, at: 0)
        let magic = Array(tail[4..<8])
        if magic == Array("PARE".utf8) {
            throw EmberError(.input, "encrypted Parquet files are not supported", context: [.init("file", path)])
        }
        guard magic == Array("PAR1".utf8), head == Array("PAR1".utf8) else {
            throw notParquet("it does not start and end with the magic bytes PAR1")
        }
        let length = Int64(tail[0]) | Int64(tail[1]) << 8 | Int64(tail[2]) << 16 | Int64(tail[3]) << 24
        guard length > 0, length <= size - 12, length <= Self.maximumFooterLength else {
            throw notParquet("its footer length \(length) does not fit in its \(size) bytes")
        }
        dataEnd = size - 8 - length
        let footer = try readBytes(Int(length), at: dataEnd)
        do {
            return try FileMetaData.decode(footer)
        } catch let error as EmberError {
            throw error.with("file", path).with("page", "footer")
        }
    }
}
