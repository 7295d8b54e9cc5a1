// PageCompressor: compresses Parquet page bodies with the file's codec through the system C
// libraries: snappy (raw block), gzip (zlib deflate with gzip framing), zstd (one frame, level 3
// as parquet-java), LZ4_RAW (one LZ4 block, no framing). Contexts are reused across pages.

import CLZ4
import CSnappy
import CZlib
import CZstd
@_spi(EmberInternal) import Planner

/// One codec's compressor, owned by one file writer (one task); not shared between threads.
final class PageCompressor {
    let codec: ParquetCompression
    private var zstd: OpaquePointer?
    private var deflater: UnsafeMutablePointer<z_stream>?
    /// parquet-java's default zstd level (`parquet.compression.codec.zstd.level`).
    static let zstdLevel: Int32 = 3

    init(_ codec: ParquetCompression) throws {
        self.codec = codec
        switch codec {
        case .zstd:
            guard let ctx = ZSTD_createCCtx() else {
                throw EmberError(.outOfMemory, "cannot allocate a zstd compression context")
            }
            zstd = ctx
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // windowBits 15 + 16: a gzip header and trailer around the deflate stream (RFC 1952).
            let status = deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                       ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                throw EmberError(.internal, "cannot start a gzip compressor (zlib status \(status))")
            }
            deflater = stream
        case .uncompressed, .snappy, .lz4Raw:
            break
        }
    }

    deinit {
        if let zstd { ZSTD_freeCCtx(zstd) }
        if let deflater {
            deflateEnd(deflater)
            deflater.deallocate()
        }
    }

    /// The CRC-32 (zlib's, as the Parquet page `crc` field wants) of `bytes`, continuing `crc`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return UInt32(truncatingIfNeeded: CZlib.crc32(UInt(crc), base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
    }

    /// Appends `src` compressed to `out`; returns the compressed size.
    func compress(_ src: UnsafeRawBufferPointer, into out: OutputBuffer) throws -> Int {
        let start = out.count
        switch codec {
        case .uncompressed:
            out.append(src)
        case .snappy:
            var length = snappy_max_compressed_length(src.count)
            out.reserve(length)
            let status = snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                         UnsafeMutableRawPointer(out.base + start).assumingMemoryBound(to: CChar.self), &length)
            guard status == SNAPPY_OK else { throw EmberError(.internal, "snappy compression failed (status \(status.rawValue))") }
            out.count += length
        case .zstd:
            let bound = ZSTD_compressBound(src.count)
            out.reserve(bound)
            let written = ZSTD_compressCCtx(zstd, out.base + start, bound, src.baseAddress, src.count, Self.zstdLevel)
            if ZSTD_isError(written) != 0 {
                throw EmberError(.internal, "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            out.count += written
        case .lz4Raw:
            guard src.count <= Int(LZ4_MAX_INPUT_SIZE) else {
                throw EmberError(.output, "a Parquet page of \(src.count) bytes is too large for LZ4",
                                 hint: "use a smaller parquet.page.size or another codec")
            }
            let bound = Int(LZ4_compressBound(Int32(src.count)))
            out.reserve(bound)
            let written = LZ4_compress_default(src.baseAddress?.assumingMemoryBound(to: CChar.self),
                                               UnsafeMutableRawPointer(out.base + start).assumingMemoryBound(to: CChar.self),
                                               Int32(src.count), Int32(bound))
            guard written > 0 || src.isEmpty else { throw EmberError(.internal, "LZ4 compression failed") }
            out.count += Int(written)
        case .gzip:
            try deflate(src, into: out)
        }
        return out.count - start
    }

    /// One gzip member for `src` (the stream is reset, not rebuilt, between pages).
    private func deflate(_ src: UnsafeRawBufferPointer, into out: OutputBuffer) throws {
        guard let stream = deflater else { throw EmberError(.internal, "gzip compressor missing") }
        guard deflateReset(stream) == Z_OK, src.count <= Int(UInt32.max) else {
            throw EmberError(.internal, "cannot reset the gzip compressor")
        }
        let bound = Int(deflateBound(stream, UInt(src.count)))
        out.reserve(bound)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(src.count)
        stream.pointee.next_out = out.base + out.count
        stream.pointee.avail_out = UInt32(bound)
        let status = CZlib.deflate(stream, Z_FINISH)
        guard status == Z_STREAM_END else { throw EmberError(.internal, "gzip compression failed (zlib status \(status))") }
        out.count += bound - Int(stream.pointee.avail_out)
    }
}
