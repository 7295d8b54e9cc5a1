// PageDecompressor: Parquet's page codecs over Debian's C libraries. Each page body is compressed
// on its own, with no framing except the deprecated Hadoop LZ4:
//
//   SNAPPY    raw snappy block              GZIP     gzip member(s) (RFC 1952), inflated by zlib
//   ZSTD      zstd frame(s)                 LZ4_RAW  one LZ4 block, no size prefix
//   LZ4       Hadoop framing: repeated <u32 BE uncompressed size><u32 BE compressed size><LZ4 block>,
//             tried first; then a bare LZ4 block (some writers emitted that under this codec)
//
// The output must be exactly the page header's uncompressed size: anything else is corruption.
// One decompressor per task keeps the zstd and zlib contexts between pages.

import CLZ4
import CSnappy
import CZlib
import CZstd
@_spi(EmberInternal) import Planner

final class PageDecompressor {
    private var zstd: OpaquePointer? = nil

    init() {}

    deinit { if let zstd { ZSTD_freeDCtx(zstd) } }

    /// The largest uncompressed page accepted (a corrupt size must not become a huge allocation).
    static let maximumPageSize = 1 << 30

    /// Decompresses `src` into a new buffer of exactly `size` bytes.
    /// `reusing`: a buffer whose bytes are no longer needed, filled instead of a new one if it fits.
    func decompress(_ codec: CompressionCodec, _ src: UnsafeRawBufferPointer, size: Int,
                    reusing: ParquetBuffer? = nil) throws -> ParquetBuffer {
        guard size >= 0, size <= Self.maximumPageSize else {
            throw parquetCorrupt("uncompressed page size \(size) is out of range")
        }
        let out = ParquetBuffer.make(count: size, reusing: reusing)
        if size == 0 && codec.isKnown { return out }   // an empty values section (a page of nulls)
        switch codec {
        case .snappy: try snappy(src, out)
        case .gzip: try gzip(src, out)
        case .zstd: try zstdFrames(src, out)
        case .lz4Raw: try lz4Block(src, out.pointer, size)
        case .lz4: try hadoopLZ4(src, out)
        case .uncompressed:
            guard src.count == size else { throw parquetCorrupt("uncompressed page of \(src.count) bytes, \(size) expected") }
            if size > 0, let s = src.baseAddress { out.pointer.copyMemory(from: s, byteCount: size) }
        default:
            throw EmberError(.input, "Parquet codec \(codec) is not supported",
                             hint: "rewrite the file with snappy, gzip, zstd, lz4_raw or no compression")
        }
        return out
    }

    private func snappy(_ src: UnsafeRawBufferPointer, _ out: ParquetBuffer) throws {
        guard let input = src.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            throw parquetCorrupt("empty snappy page")
        }
        var length = 0
        guard snappy_uncompressed_length(input, src.count, &length) == SNAPPY_OK, length == out.count else {
            throw parquetCorrupt("snappy page does not hold \(out.count) bytes")
        }
        var produced = out.count
        let status = snappy_uncompress(input, src.count, out.pointer.assumingMemoryBound(to: CChar.self), &produced)
        guard status == SNAPPY_OK, produced == out.count else { throw parquetCorrupt("snappy page does not decompress") }
    }

    private func zstdFrames(_ src: UnsafeRawBufferPointer, _ out: ParquetBuffer) throws {
        if zstd == nil { zstd = ZSTD_createDCtx() }
        guard let ctx = zstd, let input = src.baseAddress else { throw parquetCorrupt("empty zstd page") }
        let n = ZSTD_decompressDCtx(ctx, out.pointer, out.count, input, src.count)
        guard ZSTD_isError(n) == 0 else {
            throw parquetCorrupt("zstd page does not decompress: \(String(cString: ZSTD_getErrorName(n)))")
        }
        guard n == out.count else { throw parquetCorrupt("zstd page holds \(n) bytes, \(out.count) expected") }
    }

    private func lz4Block(_ src: UnsafeRawBufferPointer, _ dst: UnsafeMutableRawPointer, _ size: Int) throws {
        guard let input = src.baseAddress, src.count <= Int(Int32.max), size <= Int(Int32.max) else {
            throw parquetCorrupt("empty or oversized LZ4 page")
        }
        let n = LZ4_decompress_safe(input.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                    Int32(src.count), Int32(size))
        guard n == Int32(size) else { throw parquetCorrupt("LZ4 page does not decompress to \(size) bytes") }
    }

    private func hadoopLZ4(_ src: UnsafeRawBufferPointer, _ out: ParquetBuffer) throws {
        if (try? hadoopFrames(src, out)) != nil { return }
        try lz4Block(src, out.pointer, out.count)
    }

    private func hadoopFrames(_ src: UnsafeRawBufferPointer, _ out: ParquetBuffer) throws {
        guard let base = src.baseAddress else { throw parquetCorrupt("empty LZ4 page") }
        var c = ByteCursor(base: base, start: 0, end: src.count)
        var produced = 0
        while c.remaining > 0 {
            let rawSize = Int(try c.readUInt32LE().byteSwapped)
            let blockSize = Int(try c.readUInt32LE().byteSwapped)
            let block = try c.take(blockSize, "an LZ4 block")
            guard produced + rawSize <= out.count else { throw parquetCorrupt("LZ4 frames exceed the page size") }
            try lz4Block(UnsafeRawBufferPointer(start: block, count: blockSize), out.pointer + produced, rawSize)
            produced += rawSize
        }
        guard produced == out.count else { throw parquetCorrupt("LZ4 frames hold \(produced) bytes, \(out.count) expected") }
    }

    private func gzip(_ src: UnsafeRawBufferPointer, _ out: ParquetBuffer) throws {
        guard let input = src.baseAddress else { throw parquetCorrupt("empty gzip page") }
        var stream = z_stream()
        // 16 + 15: a gzip wrapper, the largest window.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EmberError(.internal, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(clamping: src.count)
        stream.next_out = out.pointer.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(clamping: out.count)
        while true {
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = out.count - Int(stream.avail_out)
            if status == Z_STREAM_END {
                // Concatenated members: go on with the next one while input and room remain.
                guard stream.avail_in > 0, produced < out.count else { break }
                guard inflateReset(&stream) == Z_OK else { throw parquetCorrupt("gzip page does not decompress") }
                continue
            }
            guard status == Z_OK else { throw parquetCorrupt("gzip page does not decompress to \(out.count) bytes (zlib status \(status))") }
        }
        let produced = out.count - Int(stream.avail_out)
        guard produced == out.count else { throw parquetCorrupt("gzip page holds \(produced) bytes, \(out.count) expected") }
    }
}
