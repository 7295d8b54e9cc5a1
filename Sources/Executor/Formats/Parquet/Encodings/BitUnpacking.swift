// BitUnpacking: values packed LSB-first at a fixed bit width (the bit-packed runs of the RLE
// hybrid, DELTA_BINARY_PACKED's miniblocks, PLAIN booleans). Value i of width w occupies bits
// [i·w, (i+1)·w) of the byte stream, counting from the lowest bit of the first byte:
//
//   byte 0: v0 bits 0…  then v1 …        (w = 3: | v2₁ v2₀ v1₂ v1₁ v1₀ v0₂ v0₁ v0₀ | …)
//
// Reads stay inside `byteCount`; bytes past it read as zero (a padded last group).

enum BitUnpacking {
    /// The value of `width` bits (0…64) starting at bit `bitOffset`.
    @inline(__always)
    static func value(_ data: UnsafeRawPointer, byteCount: Int, bitOffset: Int, width: Int) -> UInt64 {
        if width == 0 { return 0 }
        let byteIndex = bitOffset >> 3
        let shift = bitOffset & 7
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) &- 1
        if byteIndex + 9 <= byteCount {
            var v = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self)) >> UInt64(shift)
            if shift + width > 64 {
                v |= UInt64(data.load(fromByteOffset: byteIndex + 8, as: UInt8.self)) << UInt64(64 - shift)
            }
            return v & mask
        }
        var v: UInt64 = 0
        var bits = 0
        var i = byteIndex
        while bits < width + shift && i < byteCount {
            let b = UInt64(data.load(fromByteOffset: i, as: UInt8.self))
            if bits == 0 { v = b >> UInt64(shift); bits = 8 - shift } else {
                if bits < 64 { v |= b << UInt64(bits) }
                bits += 8
            }
            i += 1
        }
        return v & mask
    }

    /// Unpacks `count` values of `width` ≤ 32 bits starting at value index `first`.
    @inline(__always)
    static func unpack32(_ data: UnsafeRawPointer, byteCount: Int, first: Int, width: Int, count: Int,
                         into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 0:
            out.initialize(repeating: 0, count: count)
        case 1:
            for i in 0..<count {
                let bit = first + i
                let byte = bit >> 3
                out[i] = byte < byteCount ? UInt32((data.load(fromByteOffset: byte, as: UInt8.self) >> UInt8(bit & 7)) & 1) : 0
            }
        case 8 where (first + count) <= byteCount:
            for i in 0..<count { out[i] = UInt32(data.load(fromByteOffset: first + i, as: UInt8.self)) }
        default:
            // While 8 bytes from the value's first byte lie inside the stream, one unaligned load
            // holds the whole value (width ≤ 32, shift ≤ 7); the tail takes the checked path.
            let mask: UInt64 = (1 << UInt64(width)) &- 1
            var bit = first * width
            var i = 0
            let room = (byteCount - 8) * 8 - bit   // the last start bit whose 8-byte load fits
            let fastEnd = room >= 0 ? min(count, room / width + 1) : 0
            while i < fastEnd {
                let word = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                bit += width
                i += 1
            }
            while i < count {
                out[i] = UInt32(truncatingIfNeeded: value(data, byteCount: byteCount, bitOffset: bit, width: width))
                bit += width
                i += 1
            }
        }
    }

    /// Unpacks `count` ids of `width` ≤ 32 bits starting at value index `first`, writing
    /// `values[min(id, last)]` for each to `out`; returns the largest id. Ids never pass through
    /// memory: a dictionary-encoded page is unpacked and gathered in one loop.
    @inline(__always)
    static func gather32<T>(_ data: UnsafeRawPointer, byteCount: Int, first: Int, width: Int, count: Int,
                            values: UnsafePointer<T>, last: UInt32, into out: UnsafeMutablePointer<T>) -> UInt32 {
        if width == 0 {
            out.update(repeating: values[0], count: count)
            return 0
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var maxID: UInt32 = 0
        var bit = first &* width
        var i = 0
        let room = (byteCount - 8) * 8 - bit   // the last start bit whose 8-byte load fits
        let fastEnd = room >= 0 ? min(count, room / width + 1) : 0
        while i < fastEnd {
            let word = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            let id = UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
            maxID = max(maxID, id)
            out[i] = values[Int(min(id, last))]
            bit &+= width
            i &+= 1
        }
        while i < count {
            let id = UInt32(truncatingIfNeeded: value(data, byteCount: byteCount, bitOffset: bit, width: width))
            maxID = max(maxID, id)
            out[i] = values[Int(min(id, last))]
            bit += width
            i += 1
        }
        return maxID
    }
}
