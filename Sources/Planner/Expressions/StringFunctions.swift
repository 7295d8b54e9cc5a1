// String functions over StringArray columns: lower/upper (ASCII fast path, Unicode fallback),
// length (in characters, as Spark), trim (spaces).

enum StringFunctions {
    static func strings(_ c: ColumnVector, _ what: String) throws -> StringArray {
        guard case .string(let s) = c.values else { throw typeError(what, c) }
        return s
    }

    static func mapCase(_ c: ColumnVector, upper: Bool) throws -> ColumnVector {
        let s = try strings(c, upper ? "upper" : "lower")
        var isASCII = true
        s.bytes.withUnsafeBufferPointer { p in
            var acc: UInt8 = 0
            for b in p { acc |= b }
            isASCII = acc < 0x80
        }
        if isASCII {
            var bytes = s.bytes
            bytes.withUnsafeMutableBufferPointer { p in
                if upper {
                    for i in 0..<p.count where p[i] &- 0x61 < 26 { p[i] &-= 0x20 }
                } else {
                    for i in 0..<p.count where p[i] &- 0x41 < 26 { p[i] |= 0x20 }
                }
            }
            return ColumnVector(.string(StringArray(offsets: s.offsets, bytes: bytes)), validity: c.validity)
        }
        var out = StringArray()
        out.reserveCapacity(count: s.count, bytes: s.bytes.count)
        for i in 0..<s.count {
            let v = s[i]
            out.append(upper ? v.uppercased() : v.lowercased())
        }
        return ColumnVector(.string(out), validity: c.validity)
    }

    static func length(_ c: ColumnVector) throws -> ColumnVector {
        let s = try strings(c, "length")
        var out = [Int64](repeating: 0, count: s.count)
        s.bytes.withUnsafeBufferPointer { p in
            for i in 0..<s.count {
                var n: Int64 = 0
                for k in Int(s.offsets[i])..<Int(s.offsets[i + 1]) where p[k] & 0xC0 != 0x80 { n += 1 }
                out[i] = n
            }
        }
        return ColumnVector(.long(out), validity: c.validity)
    }

    /// `length` alphanumeric characters drawn from a generator seeded by each row's seed value.
    static func randstr(_ seeds: ColumnVector, length: Int) -> ColumnVector {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let n = seeds.count
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows([seeds], numRows: n, seed: 0x7261_6E64, into: &hashes)
        let total = n * length
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, count in
            var at = 0
            for i in 0..<n {
                var state = hashes[i]
                var k = 0
                while k < length {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = FixedSeedHash.mix64(state)
                    var j = 0
                    while j < 10 && k < length {   // 10 characters of 6 bits from each 64-bit draw
                        out[at] = alphabet[Int(z & 63) % 62]
                        z >>= 6
                        at += 1
                        k += 1
                        j += 1
                    }
                }
            }
            count = total
        }
        let offsets = (0...n).map { Int32($0 * length) }
        return ColumnVector(.string(StringArray(offsets: offsets, bytes: bytes)))
    }

    static func trim(_ c: ColumnVector) throws -> ColumnVector {
        let s = try strings(c, "trim")
        var out = StringArray()
        out.reserveCapacity(count: s.count, bytes: s.bytes.count)
        s.bytes.withUnsafeBufferPointer { p in
            for i in 0..<s.count {
                var a = Int(s.offsets[i]), b = Int(s.offsets[i + 1])
                while a < b && p[a] == 0x20 { a += 1 }
                while b > a && p[b - 1] == 0x20 { b -= 1 }
                out.append(utf8: UnsafeBufferPointer(rebasing: p[a..<b]))
            }
        }
        return ColumnVector(.string(out), validity: c.validity)
    }
}
