// RLEHybridEncoder: Parquet's RLE / bit-packing hybrid, used for definition levels and for the
// dictionary ids of RLE_DICTIONARY data pages.
//
//   stream   := run*
//   run      := rle-run | bit-packed-run
//   rle-run  := varint(count << 1)          value in ceil(bitWidth / 8) bytes, little-endian
//   bp-run   := varint(groups << 1 | 1)     groups × 8 values, bitWidth bits each, LSB first
//
// The encoder sees a page's values all at once, so it chooses runs by looking ahead: a value
// repeated at least 8 times becomes an RLE run; everything else is bit-packed in groups of 8, the
// last group padded with zeros (readers take the true count from the page header).

extension OutputBuffer {
    /// Appends `value` as an unsigned LEB128 varint.
    @inline(__always) func appendVarint(_ value: UInt64) {
        var v = value
        reserve(10)
        while v >= 0x80 {
            appendUnchecked(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        appendUnchecked(UInt8(truncatingIfNeeded: v))
    }

    /// Appends a fixed-width integer in little-endian byte order.
    @inline(__always) func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { append($0) }
    }
}

enum RLEHybridEncoder {
    /// A repeat of at least this many equal values is written as an RLE run.
    static let minRepeat = 8

    /// The number of bits needed to store values up to `maxValue` (0 for 0).
    @inline(__always) static func bitWidth(forMax maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }

    /// Appends `values` (each < 2^bitWidth) as one hybrid stream, without a length prefix.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: OutputBuffer) {
        let n = values.count
        var i = 0
        while i < n {
            let run = repeatLength(values, from: i)
            if run >= minRepeat {
                appendRLERun(value: UInt64(values[i]), count: run, bitWidth: bitWidth, into: out)
                i += run
                continue
            }
            // Bit-packed groups of 8 until a long repeat begins at a group boundary (or the end).
            var end = min(i + 8, n)
            while end < n && repeatLength(values, from: end) < minRepeat {
                end = min(end + 8, n)
            }
            appendBitPackedRun(values, from: i, to: end, bitWidth: bitWidth, into: out)
            i = end
        }
    }

    /// Appends a definition-level stream for a flat optional column (1 = present, 0 = null): one
    /// RLE run when nothing is null.
    static func encodeAllPresent(count: Int, into out: OutputBuffer) {
        guard count > 0 else { return }
        appendRLERun(value: 1, count: count, bitWidth: 1, into: out)
    }

    /// Length of the run of values equal to values[start] starting there.
    @inline(__always)
    private static func repeatLength<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, from start: Int) -> Int {
        let v = values[start]
        var j = start + 1
        while j < values.count && values[j] == v { j += 1 }
        return j - start
    }

    private static func appendRLERun(value: UInt64, count: Int, bitWidth: Int, into out: OutputBuffer) {
        out.appendVarint(UInt64(count) << 1)
        var v = value
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Packs values[start..<end] LSB first into ceil(count / 8) groups of `bitWidth` bytes.
    private static func appendBitPackedRun<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, from start: Int, to end: Int,
                                                                bitWidth: Int, into out: OutputBuffer) {
        let groups = (end - start + 7) / 8
        out.appendVarint(UInt64(groups) << 1 | 1)
        guard bitWidth > 0 else { return }
        out.reserve(groups * bitWidth)
        let mask: UInt64 = bitWidth >= 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        // At most 7 bits wait in the accumulator and values have at most 32 bits: no overflow.
        var accumulator: UInt64 = 0
        var bits = 0
        for k in start..<(start + groups * 8) {
            let v = k < end ? UInt64(truncatingIfNeeded: values[k]) & mask : 0
            accumulator |= v << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.appendUnchecked(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
    }
}
