// BitUnpackingTests: the word-at-a-time path of BitUnpacking.unpack32 against the value-by-value
// reference (BitUnpacking.value) at every width, start and length, up to the stream's last byte
// (where the fast path must hand over to the checked one).

@_spi(EmberInternal) @testable import Executor
import Planner
import Testing

@Suite struct BitUnpackingTests {
    @Test func unpackEqualsTheCheckedReferenceAtEveryWidthStartAndLength() {
        var rng = SplitMix64(seed: 7)
        for width in 0...32 {
            for byteCount in [0, 1, 3, 7, 8, 9, 15, 16, 17, 40, 77] {
                let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let totalValues = width == 0 ? 50 : byteCount * 8 / width
                for first in stride(from: 0, through: totalValues, by: max(1, totalValues / 7)) {
                    let count = totalValues - first
                    var out = [UInt32](repeating: 0xDEAD, count: count + 1)
                    bytes.withUnsafeBytes { raw in
                        let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                        out.withUnsafeMutableBufferPointer {
                            BitUnpacking.unpack32(base, byteCount: byteCount, first: first, width: width, count: count, into: $0.baseAddress!)
                        }
                        for i in 0..<count {
                            let expected = UInt32(truncatingIfNeeded: BitUnpacking.value(base, byteCount: byteCount,
                                                                                         bitOffset: (first + i) * width, width: width))
                            #expect(out[i] == expected, "width \(width), \(byteCount) bytes, first \(first), value \(i)")
                        }
                    }
                    #expect(out[count] == 0xDEAD, "wrote past the count")
                }
            }
        }
    }
}
