// SortPrefix: an 8-byte key prefix per row of a batch, from its first sort key, ordered as the full
// comparison orders rows (Spark's sort prefix). Sorting compares prefixes first and falls back to
// SortKeys.compare only when two prefixes are equal, so most comparisons are one integer compare.
// When the first key's prefix is the key, the second key's prefix orders rows that tie on it.
//
//   long/date/timestamp  value with the sign bit flipped        (unsigned order = signed order)
//   double               IEEE bits made order-preserving; -0.0 as 0.0, every NaN as one NaN above +inf
//   boolean              0 / 1
//   string               the first 8 bytes, big-endian, zero-padded (bytewise order, as compare)
//   other types          0 (the full comparison decides)
//   descending           all bits inverted; nulls are 0 (nulls first) or all ones (nulls last)
//
// prefix(a) < prefix(b) implies a sorts before b; equal prefixes say nothing.

@_spi(EmberInternal) import Planner

enum SortPrefix {
    /// The prefixes of every row of `keys` (its sort key number `key`, the first unless said), or
    /// nil when there is no such key.
    static func compute(_ keys: SortKeys, count: Int, key: Int = 0) -> [UInt64]? {
        guard key < keys.columns.count, key < keys.orders.count else { return nil }
        let column = keys.columns[key], order = keys.orders[key]
        var out = [UInt64](repeating: 0, count: count)
        switch column.values {
        case .long(let v), .timestamp(let v):
            for i in 0..<count { out[i] = UInt64(bitPattern: v[i]) ^ (1 << 63) }
        case .date(let v):
            for i in 0..<count { out[i] = UInt64(bitPattern: Int64(v[i])) ^ (1 << 63) }
        case .double(let v):
            for i in 0..<count { out[i] = doubleBits(v[i]) }
        case .boolean(let v):
            for i in 0..<count { out[i] = v[i] ? 1 : 0 }
        case .string(let s):
            for i in 0..<count { out[i] = stringPrefix(s, i) }
        case .list:
            break
        }
        if !order.ascending { for i in 0..<count { out[i] = ~out[i] } }
        if column.hasNulls {
            let nullPrefix: UInt64 = order.nullsFirst ? 0 : .max
            for i in 0..<count where column.isNull(i) { out[i] = nullPrefix }
        }
        return out
    }

    /// Whether the prefixes order rows exactly as the full comparison (equal prefixes: equal
    /// keys): one integer or boolean sort key without nulls in any of these batches' keys.
    static func isExact(_ keys: [SortKeys]) -> Bool {
        guard let first = keys.first, first.columns.count == 1 else { return false }
        return firstKeyIsExact(keys)
    }

    /// Whether equal prefixes of the first key mean equal first keys (an integer or boolean key
    /// without nulls), so that rows with equal first prefixes may be ordered by the second key's
    /// prefix: (count desc, word) sorts mostly by two integer compares.
    static func firstKeyIsExact(_ keys: [SortKeys]) -> Bool {
        keys.allSatisfy { k in
            guard let column = k.columns.first, !column.hasNulls else { return false }
            switch column.values {
            case .long, .timestamp, .date, .boolean: return true
            default: return false
            }
        }
    }

    @inline(__always)
    static func doubleBits(_ x: Double) -> UInt64 {
        let value = x.isNaN ? Double.nan : (x == 0 ? 0.0 : x)
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func stringPrefix(_ s: StringArray, _ i: Int) -> UInt64 {
        let start = Int(s.offsets[i]), end = Int(s.offsets[i + 1])
        var prefix: UInt64 = 0
        s.bytes.withUnsafeBufferPointer { b in
            for k in 0..<8 {
                prefix <<= 8
                if start + k < end { prefix |= UInt64(b[start + k]) }
            }
        }
        return prefix
    }
}
