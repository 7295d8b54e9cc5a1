// ShortFieldWord: a field of at most 8 bytes as one 64-bit word, loaded from the 8 bytes that end
// where the field ends (so no byte past the field is read), and the word-at-a-time work on it:
// parsing a plain decimal without a loop per byte, copying it with one store.

/// A field of 1…8 bytes in the low bytes of a word (byte k of the field = bits 8k ..< 8k+8; the
/// bytes above it are zero).
///
/// Loading needs the 8 - `count` bytes before the field to be readable: the caller passes
/// `readableFrom`, the lowest address known to be part of the same buffer (a CSV line's start),
/// and gets nil when the field starts too close to it.
struct ShortFieldWord {
    let word: UInt64
    let count: Int

    @inline(__always)
    init?(_ field: UnsafeRawBufferPointer, readableFrom start: UnsafeRawPointer) {
        let n = field.count
        guard n > 0 && n <= 8, let base = field.baseAddress, start.distance(to: base) >= 8 - n else { return nil }
        let end = base + n
        word = UInt64(littleEndian: end.loadUnaligned(fromByteOffset: -8, as: UInt64.self)) &>> UInt64((8 - n) &* 8)
        count = n
    }

    /// Writes the field's bytes and up to 8 - count bytes of zeros after them at `target`, which
    /// must have room for 8 bytes.
    @inline(__always)
    func store(to target: UnsafeMutableRawPointer) {
        target.storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    /// The value of `-`? digits with at most one `.` (at least one digit), as
    /// ``ValueParsers/parsePlainDecimal(_:)`` reads it; nil for anything else (then the full
    /// parser decides). At most 8 bytes means at most 8 digits: an exact integer, divided once by
    /// an exact power of ten, so the result is correctly rounded.
    @inline(__always)
    func plainDecimal() -> Double? {
        var w = word
        var n = count
        if w & 0xFF == UInt64(UInt8(ascii: "-")) {
            w &>>= 8
            n &-= 1
        }
        let negative = n != count
        guard n > 0 else { return nil }
        let valid: UInt64 = n == 8 ? ~0 : (1 &<< UInt64(n &* 8)) &- 1
        // The point, if any, is removed without a variable shift: the bytes above it move down
        // one byte (`below` covers the bytes under the point; all of them when there is none).
        let points = Self.matchBits(w, Self.broadcast(UInt8(ascii: "."))) & valid
        guard points & (points &- 1) == 0 else { return nil }   // two points
        let below = (points &>> 7) &- 1
        w = (w & below) | ((w &>> 8) & ~below)
        let digitCount = points == 0 ? n : n &- 1
        let fraction = points == 0 ? 0 : n &- 1 &- (points.trailingZeroBitCount &>> 3)
        guard digitCount > 0 else { return nil }                 // "." alone
        let digitBytes: UInt64 = digitCount == 8 ? ~0 : (1 &<< UInt64(digitCount &* 8)) &- 1
        // Every digit byte within '0'…'9': none below 0x30 (the subtraction sets its high bit)
        // and none above 0x39 (adding 0x46 does); borrows and carries only run upwards, from a
        // byte that is flagged itself.
        let zeros: UInt64 = 0x3030_3030_3030_3030
        guard ((w &+ 0x4646_4646_4646_4646) | (w &- zeros)) & 0x8080_8080_8080_8080 & digitBytes == 0 else { return nil }
        // Digit values, first digit lowest, moved up so the last digit is the top byte: the bytes
        // below are leading zeros, and the word reads as eight digits.
        var v = ((w ^ zeros) & digitBytes) &<< UInt64((8 &- digitCount) &* 8)
        // Eight digits to an integer in three multiply steps (pairs, quads, the whole word).
        v = (v &* 10 &+ (v &>> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v &>> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10000 &+ (v &>> 32)) & 0xFFFF_FFFF
        // At most 7 digits follow the point: the power comes from one vector, not a jump table.
        let value = Double(v) / SIMD8<Double>(1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7)[fraction & 7]
        return negative ? -value : value
    }

    /// A byte repeated in every byte of a word.
    @inline(__always) static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The high bit of every byte of `word` equal to the byte `pattern` repeats (exact per byte).
    @inline(__always) static func matchBits(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }
}
