// CompressedInput: line formats read compressed files as Spark does through Hadoop's codecs, chosen
// by the file name's extension; a compressed file cannot be cut into byte ranges, so it is one
// split, decompressed as a stream from its first byte:
//
//   file ──pread, 256 KiB at a time──► input buffer ──zlib / zstd──► the LineReader's buffer
//
// Only the reader's buffer holds decompressed bytes (a few MiB, more only for a longer line), so a
// file of any size streams. A corrupt or truncated file is an error naming it, never fewer rows.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import CZstd
@_spi(EmberInternal) import Planner

/// The compression of an input file, by its extension (Hadoop's CompressionCodecFactory).
@_spi(EmberInternal) public enum InputCompression: String, Sendable {
    /// `.gz`: gzip members (RFC 1952), one after another (as `cat a.gz b.gz` makes).
    case gzip
    /// `.deflate`: a zlib stream (RFC 1950), Hadoop's DefaultCodec.
    case deflate
    /// `.zst`: zstd frames.
    case zstd

    /// Hadoop's codecs that Ember does not decode: their framing is Hadoop's own.
    static let unsupported = [".bz2": "bzip2", ".lz4": "Hadoop's lz4", ".snappy": "Hadoop's snappy"]

    /// The compression `path` is in, nil for a plain file; an error for a codec Ember cannot
    /// decode, rather than lines of compressed bytes.
    @_spi(EmberInternal) public static func of(_ path: String) throws -> InputCompression? {
        if path.hasSuffix(".gz") { return .gzip }
        if path.hasSuffix(".zst") { return .zstd }
        if path.hasSuffix(".deflate") { return .deflate }
        for (suffix, name) in unsupported where path.hasSuffix(suffix) {
            throw EmberError(.input, "Ember cannot decompress \(name) input files", context: [.init("file", path)],
                             hint: "decompress the file first, or recompress it with gzip (.gz) or zstd (.zst), which Ember reads")
        }
        return nil
    }

    /// Whether a file can be cut into byte ranges: only if it is not compressed (nor refused).
    @_spi(EmberInternal) public static func isSplittable(_ path: String) -> Bool {
        (try? of(path)) == .some(nil)
    }
}

/// The decompressed bytes of one compressed file, front to back.
final class StreamDecompressor {
    let path: String
    private let codec: InputCompression
    private let fd: Int32
    private let fileLength: Int64
    /// Compressed bytes read from the file but not yet decompressed: input[inputStart..<inputEnd].
    private let input: UnsafeMutableRawPointer
    private let inputCapacity = 256 << 10
    private var inputStart = 0
    private var inputEnd = 0
    /// File offset of the next byte to read into `input`.
    private var fileOffset: Int64 = 0
    private var zlib: UnsafeMutablePointer<z_stream>? = nil
    private var zstd: OpaquePointer? = nil
    /// zstd: the last call's hint, 0 when a frame had just ended.
    private var zstdHint = 0
    private var ended = false

    /// `fd` stays the caller's (it is not closed here).
    init(fd: Int32, path: String, fileLength: Int64, codec: InputCompression) throws {
        self.fd = fd
        self.path = path
        self.fileLength = fileLength
        self.codec = codec
        input = UnsafeMutableRawPointer.allocate(byteCount: inputCapacity, alignment: 16)
        switch codec {
        case .gzip, .deflate:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 16 + 15: a gzip wrapper, 15: a zlib one (window of 2^15 bytes either way).
            let status = inflateInit2_(stream, codec == .gzip ? 16 + MAX_WBITS : MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                input.deallocate()
                throw EmberError(.execution, "cannot start zlib (status \(status))", context: [.init("file", path)])
            }
            zlib = stream
        case .zstd:
            guard let context = ZSTD_createDCtx() else {
                input.deallocate()
                throw EmberError(.execution, "cannot start zstd", context: [.init("file", path)])
            }
            zstd = context
        }
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeDCtx(zstd) }
        input.deallocate()
    }

    /// Decompresses up to `count` bytes into `out`; 0 only once the file's data has all been
    /// handed out.
    func read(into out: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard count > 0 else { return 0 }
        var produced = 0
        while produced == 0 && !ended {
            if inputStart == inputEnd { try refillInput() }
            switch codec {
            case .gzip, .deflate: produced = try inflate(into: out, count: count)
            case .zstd: produced = try decompressZstd(into: out, count: count)
            }
        }
        return produced
    }

    private var inputExhausted: Bool { inputStart == inputEnd && fileOffset >= fileLength }

    private func refillInput() throws {
        inputStart = 0
        inputEnd = 0
        let want = Int(min(Int64(inputCapacity), fileLength - fileOffset))
        while inputEnd < want {
            let n = pread(fd, input + inputEnd, want - inputEnd, off_t(fileOffset))
            if n > 0 {
                inputEnd += n
                fileOffset += Int64(n)
                continue
            }
            if n < 0 && errno == EINTR { continue }
            let message = n == 0 ? "input file is shorter than when the query was planned" : "cannot read input file: \(posixErrorText())"
            throw EmberError(.input, message, context: [.init("file", path), .init("offset", String(fileOffset))],
                             hint: "do not modify input files while a query reads them; run the query again")
        }
    }

    private func inflate(into out: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard let stream = zlib else { return 0 }
        stream.pointee.next_in = input.advanced(by: inputStart).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(inputEnd - inputStart)
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(count, Int(UInt32.max)))
        let before = stream.pointee.avail_out
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        inputStart = inputEnd - Int(stream.pointee.avail_in)
        let produced = Int(before - stream.pointee.avail_out)
        switch status {
        case Z_OK:
            break
        case Z_STREAM_END:
            try endOfMember(stream)
        case Z_BUF_ERROR where inputStart == inputEnd:
            break   // wants more input
        default:
            let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw corrupt(detail)
        }
        if !ended && produced == 0 && inputExhausted { throw truncated() }
        return produced
    }

    /// After a gzip member (or zlib stream): the end of the file, another gzip member, or zero
    /// padding up to the end (as tape archives leave, which gzip(1) accepts too).
    private func endOfMember(_ stream: UnsafeMutablePointer<z_stream>) throws {
        if inputStart == inputEnd { try refillInput() }
        if inputStart == inputEnd {
            ended = true
            return
        }
        if codec == .gzip && input.load(fromByteOffset: inputStart, as: UInt8.self) == 0x1F {
            guard inflateReset(stream) == Z_OK else { throw corrupt("zlib cannot start the next gzip member") }
            return
        }
        while true {
            for i in inputStart..<inputEnd where input.load(fromByteOffset: i, as: UInt8.self) != 0 {
                throw corrupt("unexpected bytes after the end of the \(codec == .gzip ? "gzip" : "zlib") data (at byte \(fileOffset - Int64(inputEnd - i)))")
            }
            try refillInput()
            if inputStart == inputEnd { break }
        }
        ended = true
    }

    private func decompressZstd(into out: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard let context = zstd else { return 0 }
        let exhausted = inputExhausted
        // Every byte consumed at a frame's end: the file is complete.
        if exhausted && zstdHint == 0 {
            ended = true
            return 0
        }
        var source = ZSTD_inBuffer(src: UnsafeRawPointer(input + inputStart), size: inputEnd - inputStart, pos: 0)
        var target = ZSTD_outBuffer(dst: out, size: count, pos: 0)
        let hint = ZSTD_decompressStream(context, &target, &source)
        if ZSTD_isError(hint) != 0 { throw corrupt(String(cString: ZSTD_getErrorName(hint))) }
        zstdHint = hint
        inputStart += source.pos
        // Inside a frame, with no input left and nothing more to flush.
        if exhausted && target.pos == 0 { throw truncated() }
        return target.pos
    }

    private func corrupt(_ detail: String) -> EmberError {
        EmberError(.input, "corrupt \(codec.rawValue) data: \(detail)", context: [.init("file", path)],
                   hint: "the file is damaged or not \(codec.rawValue)-compressed; check it with \(codec == .zstd ? "zstd -t" : "gzip -t") or rename it if it is plain text")
    }

    private func truncated() -> EmberError {
        EmberError(.input, "truncated \(codec.rawValue) file: it ends inside its compressed data", context: [.init("file", path)],
                   hint: "the file was cut short (an interrupted copy or download?); fetch or write it again")
    }
}
