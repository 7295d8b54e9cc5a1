// ColumnPacking: a narrower wire shape for fixed-width columns, so zstd (the shuffle's largest cost)
// has fewer bytes to compress and decompress.
//
//   bigint / timestamp / date   values spanning a small range: base + 1-, 2- or 4-byte offsets
//   double                      values that are decimals with at most 4 fractional digits (prices,
//                               rates, quantities): the integers v × 10^s, packed as above
//
// A column is packed only when every value, nulls' slots included, comes back bit for bit (a double
// is checked through the very conversion the decoder does, so -0.0, NaN and infinities stay raw), and
// only when it saves bytes. The header after the column's validity is
//   [logical tag (integers) or scale s (doubles): u8][width: u8][base: i64]
// and then count × width little-endian unsigned offsets from base.

@_spi(EmberInternal) import Planner

enum ColumnPacking {
    /// How one column is packed: values are base + offset, offsets `width` bytes wide.
    struct Plan: Equatable {
        var width: Int
        var base: Int64
        /// Decimal scale of a double column (value = integer / 10^scale); nil for integer columns.
        var scale: Int?
    }

    /// Bytes between the validity and the packed offsets.
    static let headerSize = 10
    /// Columns shorter than this stay raw: the header would eat the saving.
    static let minimumCount = 16
    static let powersOfTen: [Double] = [1, 10, 100, 1000, 10000]
    /// Scaled decimals stay below this magnitude: their integers convert to doubles exactly, and a
    /// value's product with a larger power of ten still rounds to its integer times that power.
    static let decimalLimit = Double(1 << 50)

    // MARK: - Choosing

    /// Bytes per raw value of a column type that can pack (nil: the type never packs).
    static func stride(of type: DataType) -> Int? {
        switch type {
        case .long, .timestamp, .double: return 8
        case .date: return 4
        default: return nil
        }
    }

    /// The plan for `count` raw values of `type` at `values`, or nil to leave them raw.
    static func plan(_ type: DataType, _ values: UnsafeRawPointer, count: Int) -> Plan? {
        guard let stride = stride(of: type) else { return nil }
        return type == .double ? decimalPlan(values, count: count) : integerPlan(values, count: count, stride: stride)
    }

    /// The plan for `count` integers of `stride` bytes (8 for bigint/timestamp, 4 for date), or nil
    /// when their range needs the full width.
    static func integerPlan(_ values: UnsafeRawPointer, count: Int, stride: Int) -> Plan? {
        guard count >= minimumCount else { return nil }
        var lo = Int64.max, hi = Int64.min
        // Loads are unaligned: the shuffle gathers values at any byte offset of its frame buffer.
        if stride == 8 {
            for i in 0..<count { let x = values.loadUnaligned(fromByteOffset: i * 8, as: Int64.self); lo = min(lo, x); hi = max(hi, x) }
        } else {
            for i in 0..<count { let x = Int64(values.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)); lo = min(lo, x); hi = max(hi, x) }
        }
        guard let width = width(range: UInt64(bitPattern: hi &- lo)), width < stride else { return nil }
        return Plan(width: width, base: lo, scale: nil)
    }

    /// The plan for `count` doubles, or nil unless every one is exactly an integer / 10^s for one
    /// s in 0...4 with the integers spanning at most 4 bytes. One pass: the scale only grows, since
    /// a value exact at scale s is exact at any larger one (both divisions round the same real
    /// number), and its integer there is the old one times 10^Δ (below 2^50 the product rounds to it).
    static func decimalPlan(_ values: UnsafeRawPointer, count: Int) -> Plan? {
        guard count >= minimumCount else { return nil }
        var scale = 0
        var lo = Int64.max, hi = Int64.min
        for i in 0..<count {
            let v = values.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
            var m = scaled(v, scale)
            if m == nil {
                let old = scale
                repeat {
                    scale += 1
                    if scale >= powersOfTen.count { return nil }
                    m = scaled(v, scale)
                } while m == nil
                if i > 0 {
                    let factor = Int64(powersOfTen[scale - old])
                    let (l, lowOverflow) = lo.multipliedReportingOverflow(by: factor)
                    let (h, highOverflow) = hi.multipliedReportingOverflow(by: factor)
                    guard !lowOverflow, !highOverflow, Double(l).magnitude < decimalLimit, Double(h).magnitude < decimalLimit else { return nil }
                    lo = l; hi = h
                }
            }
            lo = min(lo, m!); hi = max(hi, m!)
        }
        guard let width = width(range: UInt64(bitPattern: hi &- lo)), width < 8 else { return nil }
        return Plan(width: width, base: lo, scale: scale)
    }

    /// v × 10^scale as an integer when dividing it back gives exactly v's bits.
    @inline(__always)
    static func scaled(_ v: Double, _ scale: Int) -> Int64? {
        let p = powersOfTen[scale]
        let m = v * p
        guard m.magnitude < decimalLimit else { return nil }   // false for NaN too
        let integer = nearest(m)
        return (Double(integer) / p).bitPattern == v.bitPattern ? integer : nil
    }

    /// m rounded to the nearest integer (ties to even) by the 1.5 × 2^52 addition, without a libm
    /// call; exact for |m| < 2^51.
    @inline(__always)
    static func nearest(_ m: Double) -> Int64 {
        let magic = 6_755_399_441_055_744.0
        return Int64((m + magic) - magic)
    }

    static func width(range: UInt64) -> Int? {
        if range <= 0xFF { return 1 }
        if range <= 0xFFFF { return 2 }
        if range <= 0xFFFF_FFFF { return 4 }
        return nil
    }

    // MARK: - Writing

    /// Writes the header to `header`.
    static func writeHeader(_ plan: Plan, logicalTag: UInt8, to header: UnsafeMutableRawPointer) {
        header.storeBytes(of: plan.scale.map { UInt8($0) } ?? logicalTag, as: UInt8.self)
        (header + 1).storeBytes(of: UInt8(plan.width), as: UInt8.self)
        (header + 2).storeBytes(of: plan.base.littleEndian, toByteOffset: 0, as: Int64.self)
    }

    /// Writes the packed offsets of `count` values of `stride` bytes at `source` to `destination`
    /// and returns the bytes written. `destination` may be `source` itself (packing in place):
    /// offset k is written below value k + 1 and after value k is read.
    static func pack(_ source: UnsafeRawPointer, count: Int, stride: Int, plan: Plan,
                     into destination: UnsafeMutableRawPointer) -> Int {
        let base = plan.base
        @inline(__always) func integer(_ i: Int) -> Int64 {
            if let scale = plan.scale {
                return nearest(source.loadUnaligned(fromByteOffset: i * 8, as: Double.self) * powersOfTen[scale])
            }
            return stride == 8 ? source.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)
                               : Int64(source.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
        }
        switch plan.width {
        case 1: for i in 0..<count { destination.storeBytes(of: UInt8(truncatingIfNeeded: integer(i) &- base), toByteOffset: i, as: UInt8.self) }
        case 2: for i in 0..<count { destination.storeBytes(of: UInt16(truncatingIfNeeded: integer(i) &- base).littleEndian, toByteOffset: i * 2, as: UInt16.self) }
        default: for i in 0..<count { destination.storeBytes(of: UInt32(truncatingIfNeeded: integer(i) &- base).littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        return count * plan.width
    }

    // MARK: - Reading

    /// The integers base + offset of `count` packed offsets of `width` bytes.
    static func unpackIntegers(_ packed: UnsafeRawPointer, count: Int, width: Int, base: Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            switch width {
            case 1: for i in 0..<count { out[i] = base &+ Int64(packed.load(fromByteOffset: i, as: UInt8.self)) }
            case 2: for i in 0..<count { out[i] = base &+ Int64(UInt16(littleEndian: packed.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
            default: for i in 0..<count { out[i] = base &+ Int64(UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            }
            initialized = count
        }
    }

    static func unpackDates(_ packed: UnsafeRawPointer, count: Int, width: Int, base: Int64) -> [Int32] {
        let wide = unpackIntegers(packed, count: count, width: width, base: base)
        return [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Int32(truncatingIfNeeded: wide[i]) }
            initialized = count
        }
    }

    static func unpackDecimals(_ packed: UnsafeRawPointer, count: Int, width: Int, base: Int64, scale: Int) -> [Double] {
        let integers = unpackIntegers(packed, count: count, width: width, base: base)
        let p = powersOfTen[scale]
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Double(integers[i]) / p }
            initialized = count
        }
    }
}
