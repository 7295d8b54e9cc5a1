// FixedSeedHash: deterministic 64-bit hashing of column values, identical in every process
// (never Swift's per-process-seeded Hasher). The shuffle partitioner and the aggregate's group
// table use different seeds so that a partition's keys do not collide into the same buckets.

@_spi(EmberInternal) public enum FixedSeedHash {
    /// Seed of the shuffle partitioner (Spark uses Murmur3 with seed 42).
    @_spi(EmberInternal) public static let partitionSeed: UInt64 = 42
    /// Seed of the hash aggregate's group table.
    @_spi(EmberInternal) public static let aggregateSeed: UInt64 = 0x5EED_A66A_7E00_0001
    /// Hash contributed by a null value.
    @_spi(EmberInternal) public static let nullHash: UInt64 = 0x6E75_6C6C_6E75_6C6C

    /// Murmur3's 64-bit finalizer: a strong bijective mix.
    @inlinable @_spi(EmberInternal) public static func mix64(_ x0: UInt64) -> UInt64 {
        var x = x0
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    @inlinable @_spi(EmberInternal) public static func hash(_ v: UInt64, seed: UInt64) -> UInt64 {
        mix64(v ^ (seed &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The high and low halves of the 128-bit product, folded (wyhash's mixing step).
    @inlinable @_spi(EmberInternal) public static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Hash of a byte string in wyhash's manner: up to 16 bytes are two (overlapping) loads and two
    /// folded multiplies, with no loop; longer strings fold 16 bytes per step, then their last 16.
    @inlinable @_spi(EmberInternal) public static func hash(bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let k0: UInt64 = 0xA076_1D64_78BD_642F, k1: UInt64 = 0xE703_7ED1_A0B4_28DB
        let n = bytes.count
        var state = seed ^ k0
        let a: UInt64, b: UInt64
        if n <= 16 {
            if n >= 8 {
                a = bytes.loadUnaligned(as: UInt64.self)
                b = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                a = UInt64(bytes.loadUnaligned(as: UInt32.self))
                b = UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else if n > 0 {
                a = UInt64(bytes[0]) << 16 | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1])
                b = 0
            } else {
                a = 0
                b = 0
            }
        } else {
            var i = 0
            while i + 16 < n {
                state = fold(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ k1,
                             bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ state)
                i += 16
            }
            a = bytes.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            b = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return fold(k1 ^ UInt64(n), fold(a ^ k1, b ^ state))
    }

    /// Combines a running row hash with the hash of the next key column.
    @inlinable @_spi(EmberInternal) public static func combine(_ h: UInt64, _ v: UInt64) -> UInt64 {
        mix64(h &* 31 &+ v)
    }

    /// Hashes the given key columns of a batch, one hash per row, into `out` (resized to the row count).
    /// Vectorized: one pass per column, combining into the row hashes.
    @_spi(EmberInternal) public static func hashRows(_ columns: [ColumnVector], numRows: Int, seed: UInt64, into out: inout [UInt64]) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(seed, count: numRows))
        for column in columns {
            hashColumn(column, seed: seed, into: &out)
        }
    }

    /// Combines one column into the row hashes. A null row combines `nullHash` with the row hash it
    /// had before this column, never anything of its slot's value: an expression may leave any value
    /// in a null slot (`a + b` with `a` null holds `0 + b`), and all nulls must hash alike.
    static func hashColumn(_ column: ColumnVector, seed: UInt64, into out: inout [UInt64]) {
        // Running hashes of the null rows, from before the value pass mixed their slots in.
        var nullRows: [(row: Int, hash: UInt64)] = []
        if let validity = column.validity {
            nullRows.reserveCapacity(validity.count - validity.nonzeroBitCount)
            validity.forEachClearBit { nullRows.append(($0, out[$0])) }
        }
        out.withUnsafeMutableBufferPointer { h in
            switch column.values {
            case .long(let v), .timestamp(let v):
                v.withUnsafeBufferPointer { p in
                    for i in 0..<h.count { h[i] = combine(h[i], hash(UInt64(bitPattern: p[i]), seed: seed)) }
                }
            case .double(let v):
                v.withUnsafeBufferPointer { p in
                    for i in 0..<h.count {
                        let d = p[i] == 0 ? 0.0 : (p[i].isNaN ? Double.nan : p[i])   // -0.0 == 0.0; one NaN
                        h[i] = combine(h[i], hash(d.bitPattern, seed: seed))
                    }
                }
            case .date(let v):
                v.withUnsafeBufferPointer { p in
                    for i in 0..<h.count { h[i] = combine(h[i], hash(UInt64(bitPattern: Int64(p[i])), seed: seed)) }
                }
            case .boolean(let v):
                v.withUnsafeBufferPointer { p in
                    for i in 0..<h.count { h[i] = combine(h[i], hash(p[i] ? 1 : 0, seed: seed)) }
                }
            case .string(let s):
                s.bytes.withUnsafeBytes { raw in
                    s.offsets.withUnsafeBufferPointer { o in
                        for i in 0..<h.count {
                            let piece = UnsafeRawBufferPointer(rebasing: raw[Int(o[i])..<Int(o[i + 1])])
                            h[i] = combine(h[i], hash(bytes: piece, seed: seed))
                        }
                    }
                }
            case .list(let offsets, let child):
                var childHashes: [UInt64] = []
                hashRows([child], numRows: child.count, seed: seed, into: &childHashes)
                for i in 0..<h.count {
                    var acc: UInt64 = seed
                    for j in Int(offsets[i])..<Int(offsets[i + 1]) { acc = combine(acc, childHashes[j]) }
                    h[i] = combine(h[i], acc)
                }
            }
        }
        for (row, before) in nullRows { out[row] = combine(before, nullHash) }
    }
}
