// LineReader: the lines of one FileSplit, read straight from the file in large chunks with
// pread(2) (or decompressed as a stream, for a .gz / .zst / .deflate file) and handed out as byte
// buffers (no String per line), following the split rule.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// Reads the lines a ``FileSplit`` owns.
///
/// Split rule (Hadoop's `LineRecordReader`, restated on line starts): a line starts at byte 0 or
/// right after a `\n`. A split owns every line whose first byte lies in `[start, end)`, so a split
/// with `start > 0` begins at the first line start at or after `start` (found by scanning for the
/// first `\n` at offset `start - 1` or later), and its last line may run past `end` to the next
/// `\n` or the end of the file. Every line of a file therefore belongs to exactly one split.
///
/// Lines are split on `\n`; one trailing `\r` is removed (CRLF files). A final line without `\n`
/// is a line; a file ending in `\n` has no empty line after it.
///
/// Buffer:
///
///     file:    ... | bufferStart ........................ bufferStart + filled | ...
///     buffer:  [ consumed lines | cursor → unread bytes | free ]
///
/// When no `\n` is left in the unread bytes, they are moved to the front and the rest of the
/// buffer is refilled; a line longer than the buffer doubles it, up to `maxLineBytes`: a longer
/// line is an error naming the file and line (a string holds at most `Int32.max` bytes).
///
/// A compressed file (see ``InputCompression``) is one split, read whole: the buffer is refilled
/// from a ``StreamDecompressor`` and offsets count decompressed bytes. One reader per task, not
/// shared.
@_spi(EmberInternal) public final class LineReader {
    @_spi(EmberInternal) public let split: FileSplit
    private let fd: Int32
    /// The decompressor of a compressed file (nil: the file's bytes are the text).
    private let decompressor: StreamDecompressor?
    private let compression: InputCompression?
    private var decompressedAll = false
    private let maxLineBytes: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Lines starting at or after this offset belong to the next split.
    private let end: Int64
    // Read state: see the buffer picture above.
    private var bufferStart: Int64 = 0
    private var filled = 0
    private var cursor = 0
    private var started = false
    private var finished = false

    /// Bytes per read (Hadoop's LineReader uses 64 KiB; larger reads amortize syscalls better).
    @_spi(EmberInternal) public static let defaultChunkSize = 4 << 20

    /// Opens the split's file and checks that its size is still the planned `fileLength`.
    @_spi(EmberInternal) public init(split: FileSplit, chunkSize: Int = LineReader.defaultChunkSize,
                                     maxLineBytes: Int = ScanLimits.maxStringBytes) throws {
        self.split = split
        self.maxLineBytes = min(max(maxLineBytes, 1), ScanLimits.maxStringBytes)
        let compression = try InputCompression.of(split.path)
        if compression != nil && (split.start != 0 || split.length < split.fileLength) {
            throw EmberError(.input, "a compressed file cannot be read in parts (split at \(split.start), \(split.length) bytes)",
                             context: [.init("file", split.path)], hint: "plan compressed files as one split each (FileSplitter does)")
        }
        self.compression = compression
        let fd = open(split.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw EmberError(.input, code == ENOENT ? "input path does not exist" : "cannot open input file: \(posixErrorText(code))",
                             context: [.init("file", split.path)],
                             hint: "check that the file exists and is readable; it may have been removed after the query was planned")
        }
        var st = stat()
        if fstat(fd, &st) != 0 || Int64(st.st_size) != split.fileLength {
            close(fd)
            throw EmberError(.input, "input file changed since the query was planned",
                             context: [.init("file", split.path), .init("plannedLength", String(split.fileLength)),
                                       .init("length", String(Int64(st.st_size)))],
                             hint: "do not modify input files while a query reads them; run the query again")
        }
        self.fd = fd
        do {
            decompressor = try compression.map { try StreamDecompressor(fd: fd, path: split.path, fileLength: split.fileLength, codec: $0) }
        } catch {
            close(fd)
            throw error
        }
        end = compression == nil ? min(split.end, split.fileLength) : .max
        // Small splits (and small files) do not need a full-size chunk: the split plus 64 KiB for
        // its last line (the buffer grows if that line is longer); a compressed file, a few times
        // its size.
        let wanted = compression == nil ? min(Int64(chunkSize), min(split.fileLength - split.start, split.length + (64 << 10)) + 1)
                                        : min(Int64(chunkSize), max(64 << 10, min(split.fileLength, Int64(chunkSize)) * 8))
        capacity = Int(max(wanted, 4096))
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// The next line the split owns (without `\n` and trailing `\r`) and the file offset of its
    /// first byte, or nil after the last one. The bytes stay valid until the next call.
    @inline(__always)
    @_spi(EmberInternal) public func next() throws -> (bytes: UnsafeRawBufferPointer, offset: Int64)? {
        if !started { try start() }
        while !finished {
            if bufferStart + Int64(cursor) >= end {
                finished = true
                break
            }
            if let nl = memchr(buffer + cursor, 0x0A, filled - cursor) {
                let lineEnd = buffer.distance(to: nl)
                if lineEnd - cursor > maxLineBytes { throw try lineTooLong(at: bufferStart + Int64(cursor)) }
                defer { cursor = lineEnd + 1 }
                return line(cursor, lineEnd)
            }
            if readAll {
                // Last line of the file, without '\n'.
                finished = true
                if cursor < filled {
                    if filled - cursor > maxLineBytes { throw try lineTooLong(at: bufferStart + Int64(cursor)) }
                    defer { cursor = filled }
                    return line(cursor, filled)
                }
                break
            }
            try refill()
        }
        return nil
    }

    /// The unread whole lines in the buffer as one run, from the next line to the last `\n` in
    /// the buffer (included), or to the end of the file for its last line, and the file offset
    /// of the run's first byte; nil after the last line. The caller splits the run into lines
    /// (as ``next()`` would: `\n` ends a line, one `\r` before it is dropped), stops at the
    /// first line starting at or after ``ownedEnd`` (calling ``finish()``), checks each line
    /// against ``maxLineBytes`` (``lineTooLong(at:)``), and then calls ``consume(_:)``.
    /// Do not mix with ``next()`` on one reader.
    func nextLines() throws -> (bytes: UnsafeRawBufferPointer, offset: Int64)? {
        if !started { try start() }
        while !finished {
            if bufferStart + Int64(cursor) >= end {
                finished = true
                break
            }
            let unread = filled - cursor
            if let last = Self.lastNewline(buffer + cursor, unread) {
                let stop = cursor + last + 1
                return (UnsafeRawBufferPointer(start: buffer + cursor, count: stop - cursor), bufferStart + Int64(cursor))
            }
            if readAll {
                if cursor < filled {
                    return (UnsafeRawBufferPointer(start: buffer + cursor, count: filled - cursor), bufferStart + Int64(cursor))
                }
                finished = true
                break
            }
            try refill()
        }
        return nil
    }

    /// The index of the last `\n` in `bytes[0 ..< count]` (searched from the end: usually a line
    /// away), or nil.
    private static func lastNewline(_ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int? {
        var i = count - 1
        while i >= 0 {
            if bytes.load(fromByteOffset: i, as: UInt8.self) == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    /// Marks `count` bytes of the run ``nextLines()`` returned as read.
    func consume(_ count: Int) { cursor += count }

    /// Ends the reading: no line the split owns is left.
    func finish() { finished = true }

    /// Lines starting at or after this file offset belong to the next split.
    var ownedEnd: Int64 { end }

    /// The longest line the reader accepts.
    var lineLimit: Int { maxLineBytes }

    /// Calls `body` with each remaining line and its offset (see ``next()``); `body` returns
    /// false to stop early.
    @_spi(EmberInternal) public func forEachLine(_ body: (UnsafeRawBufferPointer, Int64) throws -> Bool) throws {
        while let (bytes, offset) = try next() {
            if try !body(bytes, offset) { return }
        }
    }

    @inline(__always)
    private func line(_ start: Int, _ end: Int) -> (bytes: UnsafeRawBufferPointer, offset: Int64) {
        var stop = end
        if stop > start && buffer.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
        return (UnsafeRawBufferPointer(start: buffer + start, count: stop - start), bufferStart + Int64(start))
    }

    /// Whether the buffer holds the file's last bytes.
    private var readAll: Bool {
        decompressor == nil ? bufferStart + Int64(filled) >= split.fileLength : decompressedAll
    }

    /// The error for a line of more than `maxLineBytes` bytes starting at `offset`.
    func lineTooLong(at offset: Int64) throws -> EmberError {
        let limit = maxLineBytes == ScanLimits.maxStringBytes ? "2 GiB, the most a string holds" : "\(maxLineBytes) bytes"
        return EmberError(.input, "a line longer than \(limit)",
                          context: [.init("file", split.path), .init("line", String(try lineNumber(at: offset)))],
                          hint: "check that the file's lines end in \\n (a file without line breaks is one line), or split the record")
    }

    /// Positions the reader at the first line the split owns.
    private func start() throws {
        started = true
        if split.start >= end {
            finished = true
            return
        }
        if split.start == 0 { return }
        // Skip to just after the first '\n' at or after start - 1.
        bufferStart = split.start - 1
        while true {
            if cursor == filled {
                bufferStart += Int64(filled)
                filled = 0
                cursor = 0
                if bufferStart >= end {   // no line starts in this split
                    finished = true
                    return
                }
                filled = try read(at: bufferStart, into: 0)
            }
            if let nl = memchr(buffer + cursor, 0x0A, filled - cursor) {
                cursor = buffer.distance(to: nl) + 1
                return
            }
            cursor = filled
        }
    }

    /// Keeps the partial line, moves it to the front, grows the buffer if the line fills it,
    /// and reads more.
    private func refill() throws {
        let partial = filled - cursor
        if cursor > 0 {
            if partial > 0 { memmove(buffer, buffer + cursor, partial) }
            bufferStart += Int64(cursor)
            cursor = 0
            filled = partial
        }
        if filled == capacity {
            // The partial line fills the buffer: it starts at bufferStart.
            guard capacity <= maxLineBytes else { throw try lineTooLong(at: bufferStart) }
            grow(to: min(capacity * 2, maxLineBytes + 1))
        }
        filled += try read(at: bufferStart + Int64(filled), into: filled)
    }

    /// Reads as many bytes as fit (up to the planned file length) at `offset` into buffer[at...];
    /// from a compressed file, the next decompressed bytes (at least one, until the end).
    private func read(at offset: Int64, into at: Int) throws -> Int {
        if let decompressor {
            let n = try decompressor.read(into: buffer + at, count: capacity - at)
            if n == 0 { decompressedAll = true }
            return n
        }
        let want = Int(min(Int64(capacity - at), split.fileLength - offset))
        var done = 0
        while done < want {
            let n = pread(fd, buffer + at + done, want - done, off_t(offset + Int64(done)))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            let message = n == 0 ? "input file is shorter than when the query was planned" : "cannot read input file: \(posixErrorText())"
            throw EmberError(.input, message, context: [.init("file", split.path), .init("offset", String(offset + Int64(done)))],
                             hint: "do not modify input files while a query reads them; run the query again")
        }
        return want
    }

    private func grow(to size: Int) {
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bigger.copyMemory(from: buffer, byteCount: capacity)
        buffer.deallocate()
        buffer = bigger
        capacity = size
    }

    /// The 1-based number of the line containing byte `offset` of the file (of its decompressed
    /// bytes, for a compressed file): one more than the number of `\n` before it. Reads the file
    /// from the start (for error messages only).
    @_spi(EmberInternal) public func lineNumber(at offset: Int64) throws -> Int {
        let chunk = 1 << 20
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { scratch.deallocate() }
        let decompressor = try compression.map { try StreamDecompressor(fd: fd, path: split.path, fileLength: split.fileLength, codec: $0) }
        var newlines = 0
        var position: Int64 = 0
        let limit = decompressor == nil ? min(offset, split.fileLength) : offset
        while position < limit {
            let want = Int(min(Int64(chunk), limit - position))
            let n: Int
            if let decompressor {
                n = try decompressor.read(into: scratch, count: want)
                if n == 0 { break }
            } else {
                n = pread(fd, scratch, want, off_t(position))
                if n < 0 && errno == EINTR { continue }
            }
            guard n > 0 else {
                throw EmberError(.input, "cannot read input file: \(posixErrorText())", context: [.init("file", split.path)])
            }
            var p = UnsafeRawPointer(scratch)
            var left = n
            while left > 0, let nl = memchr(p, 0x0A, left) {
                newlines += 1
                let consumed = p.distance(to: UnsafeRawPointer(nl)) + 1
                p += consumed
                left -= consumed
            }
            position += Int64(n)
        }
        return newlines + 1
    }
}

extension LineReader {
    /// Whether a line is blank: empty or only bytes ≤ space (Java's `String.trim` rule, which
    /// Spark's CSV reader uses to skip empty lines).
    @inline(__always)
    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for byte in line where byte > 0x20 { return false }
        return true
    }

    /// The whole file as one split (schema inference, headers).
    static func wholeFile(_ file: InputFile) -> FileSplit {
        FileSplit(path: file.path, start: 0, length: file.length, fileLength: file.length)
    }
}
