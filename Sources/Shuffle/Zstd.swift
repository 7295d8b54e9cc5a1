// Zstd: reusable zstd compression and decompression contexts for shuffle partition segments.
// One frame per flushed buffer (with content size and checksum); frames concatenate freely, so a
// partition's bytes are a frame sequence and spill segments merge by plain byte concatenation.

import CZstd
@_spi(EmberInternal) import Planner

/// Compresses buffers into independent zstd frames with a reused `ZSTD_CCtx`.
///
/// Every frame records its content size (so a reader can size its output buffer) and carries a
/// 32-bit content checksum (so corruption is detected when the frame is decompressed):
///
/// ```
///  ┌─────────────┬──────────────────────────┬─────────┬─────────┬─────┬──────────┐
///  │ magic       │ frame header             │ block 0 │ block 1 │ …   │ checksum │
///  │ 28 B5 2F FD │ (content size, checksum  │         │         │     │ u32      │
///  │             │  flag, window size)      │         │         │     │          │
///  └─────────────┴──────────────────────────┴─────────┴─────────┴─────┴──────────┘
/// ```
///
/// Not thread-safe: it is confined to the task that owns it (one per shuffle writer), so it is not
/// `Sendable`.
@_spi(EmberInternal) public final class ZstdCompressor {
    private let cctx: OpaquePointer
    /// The zstd compression level (1 is the shuffle default: fast, nearly the ratio of level 3).
    @_spi(EmberInternal) public let level: Int32
    /// Reused output scratch of at least `ZSTD_compressBound` bytes for the current input.
    private let scratch = ScratchBuffer()

    @_spi(EmberInternal) public init(level: Int32 = 1) throws {
        guard let ctx = ZSTD_createCCtx() else {
            throw EmberError(.outOfMemory, "cannot allocate a zstd compression context")
        }
        cctx = ctx
        self.level = level
        do {
            try Zstd.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, level), "set compression level \(level)")
            try Zstd.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1), "enable frame checksums")
            try Zstd.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 1), "enable frame content sizes")
        } catch {
            ZSTD_freeCCtx(ctx)
            throw error
        }
    }

    deinit { ZSTD_freeCCtx(cctx) }

    /// Compresses `src` as one complete frame into `dst` (at least `bound(src.count)` bytes); returns
    /// the frame's size.
    @_spi(EmberInternal) public func compressFrame(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let written = ZSTD_compress2(cctx, dst, capacity, src.baseAddress, src.count)
        try Zstd.check(written, "compress \(src.count) bytes")
        return written
    }

    /// The largest frame `count` input bytes can compress to.
    @_spi(EmberInternal) public static func bound(_ count: Int) -> Int { ZSTD_compressBound(count) }

    /// Compresses `src` as one complete frame and appends it to `out`.
    @_spi(EmberInternal) public func compressFrame(_ src: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
        let bound = ZSTD_compressBound(src.count)
        let dst = try scratch.reserve(bound)
        let written = ZSTD_compress2(cctx, dst, bound, src.baseAddress, src.count)
        try Zstd.check(written, "compress \(src.count) bytes")
        out.append(contentsOf: UnsafeRawBufferPointer(start: dst, count: written))
    }
}

/// Decompresses sequences of concatenated zstd frames with a reused `ZSTD_DCtx` and a reused
/// output buffer.
///
/// Each frame must start with the zstd magic number, declare its content size and carry a content
/// checksum (as ``ZstdCompressor`` writes them); skippable frames are rejected. Bad magic,
/// truncation, checksum mismatches and implausible sizes throw ``EmberError`` (code `.execution`).
/// Not thread-safe: confined to the task that owns it.
@_spi(EmberInternal) public final class ZstdDecompressor {
    private let dctx: OpaquePointer
    private let scratch = ScratchBuffer()
    /// Largest content size accepted for one frame; a damaged header must not make us allocate
    /// without bound.
    @_spi(EmberInternal) public let maxFrameContentSize: Int

    @_spi(EmberInternal) public init(maxFrameContentSize: Int = 1 << 31) throws {
        guard let ctx = ZSTD_createDCtx() else {
            throw EmberError(.outOfMemory, "cannot allocate a zstd decompression context")
        }
        dctx = ctx
        self.maxFrameContentSize = maxFrameContentSize
    }

    deinit { ZSTD_freeDCtx(dctx) }

    /// Walks the frames of `src` in order, decompresses each one into the reused buffer and calls
    /// `body` with its content. The buffer passed to `body` is valid only during that call. Errors
    /// thrown by `body` propagate unchanged.
    @_spi(EmberInternal) public func decompressFrames(_ src: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = src.baseAddress else { return }
        var pos = 0
        while pos < src.count {
            let frame = base + pos
            let available = src.count - pos
            guard available >= 6 else { throw Zstd.corrupt("truncated frame header", at: pos) }
            let magic = UInt32(littleEndian: frame.loadUnaligned(as: UInt32.self))
            guard magic == Zstd.frameMagic else {
                throw Zstd.corrupt("bad zstd magic 0x\(String(magic, radix: 16))", at: pos)
            }
            // Frame header descriptor, bit 2: content checksum present. Require it so that damage
            // to the data cannot go unnoticed by turning the checksum off.
            guard frame.load(fromByteOffset: 4, as: UInt8.self) & 0x04 != 0 else {
                throw Zstd.corrupt("zstd frame without a content checksum", at: pos)
            }
            let frameSize = ZSTD_findFrameCompressedSize(frame, available)
            guard ZSTD_isError(frameSize) == 0 else {
                throw Zstd.corrupt("cannot delimit zstd frame: \(Zstd.errorName(frameSize))", at: pos)
            }
            let contentSize = ZSTD_getFrameContentSize(frame, frameSize)
            if contentSize == Zstd.contentSizeUnknown {
                throw Zstd.corrupt("zstd frame without a content size", at: pos)
            }
            if contentSize == Zstd.contentSizeError {
                throw Zstd.corrupt("invalid zstd frame header", at: pos)
            }
            // A zstd block expands at most ~32768× (a 4-byte RLE block yields ≤ 128 KiB), so a
            // larger claim is damage; checking also bounds the allocation below.
            guard contentSize <= UInt64(maxFrameContentSize),
                  contentSize <= UInt64(frameSize) &* Zstd.maxExpansion else {
                throw Zstd.corrupt("implausible zstd frame content size \(contentSize) for \(frameSize) bytes", at: pos)
            }
            let capacity = Int(contentSize)
            let dst = try scratch.reserve(capacity)
            let n = ZSTD_decompressDCtx(dctx, dst, capacity, frame, frameSize)
            guard ZSTD_isError(n) == 0 else {
                throw Zstd.corrupt("zstd frame does not decompress: \(Zstd.errorName(n))", at: pos)
            }
            guard n == capacity else {
                throw Zstd.corrupt("zstd frame decompressed to \(n) bytes, its header says \(capacity)", at: pos)
            }
            try body(UnsafeRawBufferPointer(start: dst, count: n))
            pos += frameSize
        }
    }
}

/// Constants and error helpers shared by the compressor and the decompressor.
enum Zstd {
    /// `ZSTD_MAGICNUMBER`: the bytes 28 B5 2F FD that start every zstd frame.
    static let frameMagic: UInt32 = 0xFD2F_B528
    /// `ZSTD_CONTENTSIZE_UNKNOWN` and `ZSTD_CONTENTSIZE_ERROR` (macros Swift does not import).
    static let contentSizeUnknown: UInt64 = 0 &- 1
    static let contentSizeError: UInt64 = 0 &- 2
    /// Upper bound on decompressed/compressed bytes for a valid frame (see the check above).
    static let maxExpansion: UInt64 = 32768

    static func errorName(_ code: Int) -> String { String(cString: ZSTD_getErrorName(code)) }

    static func check(_ code: Int, _ what: String) throws {
        if ZSTD_isError(code) != 0 {
            throw EmberError(.internal, "zstd failed to \(what): \(errorName(code))")
        }
    }

    static func corrupt(_ message: String, at offset: Int) -> EmberError {
        EmberError(.execution, "corrupt compressed data: \(message)", context: [.init("offset", String(offset))],
                   hint: "the compressed bytes were damaged after they were written")
    }
}
