// CompressionSupport: compressors for tests of compressed input, straight over the system
// libraries (none of Ember's reading code): gzip and zlib through zlib, zstd frames through the
// shuffle's libzstd compressor.

import CZlib
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

/// `bytes` as one gzip member (windowBits 15 + 16: zlib's gzip wrapper), or one zlib stream.
func gzipBytes(_ bytes: [UInt8], zlibWrapper: Bool = false) throws -> [UInt8] {
    var stream = z_stream()
    guard deflateInit2_(&stream, 6, Z_DEFLATED, zlibWrapper ? 15 : 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw EmberError(.internal, "deflateInit2 failed")
    }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let produced = bytes.withUnsafeBufferPointer { input in
        out.withUnsafeMutableBufferPointer { output -> Int in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = output.baseAddress
            stream.avail_out = uInt(output.count)
            return deflate(&stream, Z_FINISH) == Z_STREAM_END ? output.count - Int(stream.avail_out) : -1
        }
    }
    guard produced >= 0 else { throw EmberError(.internal, "deflate did not finish") }
    return Array(out[0..<produced])
}

/// `bytes` as zstd frames, one per `frameBytes` of input.
func zstdFrames(_ bytes: [UInt8], frameBytes: Int) throws -> [UInt8] {
    let compressor = try ZstdCompressor(level: 3)
    var out: [UInt8] = []
    for start in stride(from: 0, to: bytes.count, by: frameBytes) {
        try bytes[start..<min(start + frameBytes, bytes.count)].withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &out) }
    }
    return out
}
