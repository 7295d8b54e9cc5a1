// ShortFieldWordBytesTests: the word-at-a-time decimal parse (ShortFieldWord.plainDecimal) against
// the byte loop (ValueParsers.parsePlainDecimal) on every field of one or two bytes of any value,
// and on random fields of up to 8 bytes over the bytes next to the digits' range ('/', ':'), the
// sign and point, NUL and bytes with the high bit set, where a carry or borrow could hide one.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct ShortFieldWordBytesTests {
    static func check(_ bytes: [UInt8], _ buffer: UnsafeMutableRawPointer) {
        let n = bytes.count
        for (k, b) in bytes.enumerated() { buffer.storeBytes(of: b, toByteOffset: 16 + k, as: UInt8.self) }
        let field = UnsafeRawBufferPointer(start: buffer + 16, count: n)
        guard let word = ShortFieldWord(field, readableFrom: buffer) else {
            Issue.record("no word for \(bytes)")
            return
        }
        let expected = ValueParsers.parsePlainDecimal(field)
        let got = word.plainDecimal()
        #expect(got?.bitPattern == expected?.bitPattern, "\(bytes): \(String(describing: got)) vs \(String(describing: expected))")
    }

    @Test func everyShortFieldAndEdgeBytes() {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0x37, count: 32)
        for a in 0...255 {
            Self.check([UInt8(a)], buffer)
            for b in 0...255 { Self.check([UInt8(a), UInt8(b)], buffer) }
        }
        let alphabet: [UInt8] = Array("0123456789-.".utf8) + [0x2F, 0x3A, 0x00, 0x7F, 0x80, 0xB0, 0xB9, 0xBA, 0xC6, 0xCF, 0xD0, 0xFF, 0x2B, 0x20]
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<300_000 {
            let n = Int(rng.next() % 8) + 1
            let digitsOnly = rng.next() % 2 == 0
            let bytes = (0..<n).map { _ in digitsOnly && rng.next() % 8 != 0 ? UInt8(ascii: "0") + UInt8(rng.next() % 10) : alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            Self.check(bytes, buffer)
        }
    }
}
