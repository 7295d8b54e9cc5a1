// UTF8Repair: text as Spark's split() sees it. Spark decodes a string to a Java String before it
// splits, so each invalid UTF-8 sequence becomes one U+FFFD (EF BF BD), in the tokens as in the
// separators. Java's decoder replaces Unicode's maximal invalid subparts, except that it reads an
// encoded surrogate (ED A0–BF …, up to three bytes) as one sequence before it rejects it. The byte
// tokenizer works on the repaired bytes; valid text (all of it, nearly always) is used as it is,
// found by an ASCII scan of the column and a walk of non-ASCII strings.

@_spi(EmberInternal) public enum UTF8Repair {
    /// U+FFFD, the replacement character, in UTF-8.
    @_spi(EmberInternal) public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// True when every byte is below 0x80.
    @inlinable
    @_spi(EmberInternal) public static func isASCII(_ p: UnsafeBufferPointer<UInt8>) -> Bool { asciiPrefixEnd(p, from: 0, to: p.count) == p.count }

    /// Where the ASCII bytes that start `p[from..<end]` end (checked eight bytes at a time).
    @inlinable
    static func asciiPrefixEnd(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int {
        guard let base = p.baseAddress else { return end }
        let raw = UnsafeRawPointer(base)
        var k = from
        while k + 8 <= end && raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { k += 8 }
        while k < end && p[k] < 0x80 { k += 1 }
        return k
    }

    /// True when `p[from..<end]` is valid UTF-8.
    @inlinable
    @_spi(EmberInternal) public static func isValid(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Bool {
        var k = asciiPrefixEnd(p, from: from, to: end)
        while k < end {
            let (n, valid) = javaSequence(p, at: k, end: end)
            if !valid { return false }
            k = asciiPrefixEnd(p, from: k + n, to: end)
        }
        return true
    }

    /// Appends `p[from..<end]` to `out` with each invalid sequence, as Java reads it, replaced by U+FFFD.
    @inlinable
    @_spi(EmberInternal) public static func appendRepaired(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, to out: inout [UInt8]) {
        var k = from
        while k < end {
            let b = p[k]
            if b < 0x80 { out.append(b); k += 1; continue }
            let (n, valid) = javaSequence(p, at: k, end: end)
            if valid { out.append(contentsOf: p[k..<(k + n)]) } else { out.append(contentsOf: replacement) }
            k += n
        }
    }

    /// The bytes Java's decoder reads as one code point (or one U+FFFD) at `p[k]`, a byte ≥ 0x80,
    /// and whether they are a valid sequence.
    @inlinable @inline(__always)
    static func javaSequence(_ p: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> (length: Int, valid: Bool) {
        let lead = p[k]
        if lead == 0xED {   // any continuation byte may follow before the surrogate is rejected
            guard k + 1 < end, p[k + 1] & 0xC0 == 0x80 else { return (1, false) }
            guard k + 2 < end, p[k + 2] & 0xC0 == 0x80 else { return (2, false) }
            return (3, p[k + 1] < 0xA0)
        }
        let n = maximalSubpartLength(p, at: k, end: end)
        return (n, n == sequenceLength(lead))
    }

    /// Bytes of the code point that starts at `p[k]` (a byte ≥ 0x80), never past `end`: a valid
    /// UTF-8 sequence whole, else Unicode's maximal invalid subpart (a lead and the continuation bytes
    /// that fit it, or 1), as Unicode's "best practice" decoders (Java's, Swift's) replace it.
    @inlinable @inline(__always)
    static func maximalSubpartLength(_ p: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> Int {
        let length: Int, low: UInt8, high: UInt8   // the sequence length and the range of its second byte
        switch p[k] {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE, 0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return 1   // a continuation byte, C0, C1 or F5…FF: one invalid byte
        }
        guard k + 1 < end, p[k + 1] >= low, p[k + 1] <= high else { return 1 }
        var n = 2
        while n < length && k + n < end && p[k + n] & 0xC0 == 0x80 { n += 1 }
        return n
    }

    /// The length of the valid sequence a lead byte starts (0 for a byte that cannot lead one).
    @inlinable @inline(__always)
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// The column with every string repaired; the column itself when all of it is valid.
    @_spi(EmberInternal) public static func repaired(_ s: StringArray) throws -> StringArray {
        try s.bytes.withUnsafeBufferPointer { p in
            if isASCII(p) { return s }
            let invalid = (0..<s.count).contains { !isValid(p, from: Int(s.offsets[$0]), to: Int(s.offsets[$0 + 1])) }
            guard invalid else { return s }
            var out = StringArray()
            out.bytes.reserveCapacity(s.bytes.count + s.bytes.count / 8)
            out.offsets.reserveCapacity(s.offsets.count)
            for i in 0..<s.count {
                appendRepaired(p, from: Int(s.offsets[i]), to: Int(s.offsets[i + 1]), to: &out.bytes)
                guard let end = Int32(exactly: out.bytes.count) else {
                    throw EmberError(.outOfMemory, "a batch of strings grows past 2 GiB when its invalid UTF-8 is replaced by U+FFFD",
                                     hint: "the input is mostly not UTF-8: convert it to UTF-8 first")
                }
                out.offsets.append(end)
            }
            return out
        }
    }
}
