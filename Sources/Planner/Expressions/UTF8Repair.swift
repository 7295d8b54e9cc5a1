// UTF8Repair: text as Spark's split() sees it. Spark decodes a string to a Java String before it
// splits, so each invalid UTF-8 sequence becomes one U+FFFD (EF BF BD), in the tokens as in the
// separators. Java's decoder replaces Unicode's maximal invalid subparts, except that it reads an
// encoded surrogate (ED A0–BF …, up to three bytes) as one sequence before it rejects it. The byte
// tokenizer works on the repaired bytes; valid text (all of it, nearly always) is used as it is,
// found by an ASCII scan of the column and a walk of non-ASCII strings.

public enum UTF8Repair {
    /// U+FFFD, the replacement character, in UTF-8.
    public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// True when every byte is below 0x80 (checked eight bytes at a time).
    @inlinable
    public static func isASCII(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = p.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var k = 0
        var high: UInt64 = 0
        while k + 8 <= p.count {
            high |= raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            k += 8
        }
        while k < p.count {
            high |= UInt64(p[k])
            k += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// True when `p[from..<end]` is valid UTF-8.
    @inlinable
    public static func isValid(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Bool {
        guard let base = p.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var k = from
        while k < end {
            // Mostly ASCII text: skip eight ASCII bytes at a time.
            if k + 8 <= end && raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                k += 8
                continue
            }
            let b = p[k]
            if b < 0x80 { k += 1; continue }
            let (n, valid) = javaSequence(p, at: k, end: end)
            if !valid { return false }
            k += n
        }
        return true
    }

    /// Appends `p[from..<end]` to `out` with each maximal invalid subpart replaced by U+FFFD.
    @inlinable
    public static func appendRepaired(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, to out: inout [UInt8]) {
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
        let n = StringSplitter.codePointLength(p, at: k, end: end)
        return (n, n == sequenceLength(lead))
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
    public static func repaired(_ s: StringArray) throws -> StringArray {
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
