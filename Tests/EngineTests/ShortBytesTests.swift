// ShortBytes and the string hash at every length around their load widths (0 to 40 bytes): copies
// equal the source and touch nothing beyond it, comparisons agree with byte-by-byte equality for a
// difference at every position, and equal strings hash alike wherever they lie while strings that
// differ in one byte do not collide.

import Testing
@_spi(EmberInternal) import Planner

@Suite struct ShortBytesTests {
    @Test func copiesExactlyTheBytesNamed() {
        var rng = SeededRandom(seed: 5)
        for n in 0...40 {
            let source = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var target = [UInt8](repeating: 0xAA, count: n + 16)
            source.withUnsafeBytes { s in
                target.withUnsafeMutableBytes { t in
                    if n > 0 { ShortBytes.copy(t.baseAddress! + 8, s.baseAddress!, n) }
                }
            }
            #expect(Array(target[8..<(8 + n)]) == source, "\(n) bytes")
            #expect(target[..<8].allSatisfy { $0 == 0xAA } && target[(8 + n)...].allSatisfy { $0 == 0xAA }, "\(n) bytes: nothing around them")
        }
    }

    @Test func equalityFindsADifferenceAtEveryPosition() {
        var rng = SeededRandom(seed: 6)
        for n in 0...40 {
            let a = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(equal(a, a), "\(n) equal bytes")
            for position in 0..<n {
                var b = a
                b[position] ^= UInt8(1 << (position % 8))
                #expect(!equal(a, b), "\(n) bytes differing at \(position)")
            }
        }
    }

    @Test func stringHashesDependOnEveryByteAndOnlyOnTheBytes() {
        var rng = SeededRandom(seed: 7)
        var seen: Set<UInt64> = []
        var count = 0
        for n in 0...40 {
            let a = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let h = hash(a)
            // The same bytes elsewhere (another offset of a larger buffer) hash alike.
            let shifted = [UInt8](repeating: 9, count: 3) + a + [UInt8](repeating: 9, count: 5)
            let elsewhere = shifted.withUnsafeBytes { FixedSeedHash.hash(bytes: UnsafeRawBufferPointer(rebasing: $0[3..<(3 + n)]), seed: 11) }
            #expect(h == elsewhere, "\(n) bytes at another address")
            seen.insert(h)
            count += 1
            for position in 0..<n {
                for bit in [0, 7] {
                    var b = a
                    b[position] ^= UInt8(1 << bit)
                    seen.insert(hash(b))
                    count += 1
                }
            }
            // A zero byte appended is another string.
            seen.insert(hash(a + [0]))
            count += 1
        }
        #expect(seen.count == count, "\(count - seen.count) collisions among \(count) strings")
    }

    func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in
            a.isEmpty || ShortBytes.equal(x.baseAddress!, y.baseAddress!, a.count)
        } }
    }

    func hash(_ a: [UInt8]) -> UInt64 { a.withUnsafeBytes { FixedSeedHash.hash(bytes: $0, seed: 11) } }
}
