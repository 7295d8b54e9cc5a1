// substring and concat with Spark's semantics (UTF8String.substringSQL and Concat):
//   - substring(str, pos, len) counts characters (code points), not bytes. pos is 1-based; 0 acts
//     as 1; a negative pos counts from the end (-1 is the last character), and characters before
//     the start are cut off the length ("abc", -5, 3 → "a"). len < 1 gives "". pos and len are
//     ints in Spark: bigint arguments are truncated to 32 bits first. Any null argument → null.
//   - concat(a, b, …) is null if any argument is null; concat() is "".

enum SubstringFunction {
    static func evaluate(_ str: ColumnVector, _ pos: ColumnVector, _ len: ColumnVector) throws -> ColumnVector {
        let s = try UTF8Repair.repaired(try StringFunctions.strings(str, "substring"))
        guard case .long(let positions) = pos.values, case .long(let lengths) = len.values else {
            throw typeError("substring's position and length", pos)
        }
        let validity = mergeValidity(str.validity, mergeValidity(pos.validity, len.validity))
        var out = StringArray()
        out.reserveCapacity(count: s.count, bytes: s.bytes.count)
        s.bytes.withUnsafeBufferPointer { bytes in
            for i in 0..<s.count {
                let a = Int(s.offsets[i]), b = Int(s.offsets[i + 1])
                guard validity?[i] ?? true else { out.appendEmpty(); continue }
                let text = UnsafeBufferPointer(rebasing: bytes[a..<b])
                let range = characterRange(chars: characterCount(text), pos: Int32(truncatingIfNeeded: positions[i]),
                                           length: Int32(truncatingIfNeeded: lengths[i]))
                let from = byteOffset(text, ofCharacter: range.lowerBound)
                let to = byteOffset(text, ofCharacter: range.upperBound, from: from, startingAtCharacter: range.lowerBound)
                out.append(utf8: UnsafeBufferPointer(rebasing: text[from..<to]))
            }
        }
        return ColumnVector(.string(out), validity: validity)
    }

    /// The characters substringSQL keeps of a string of `chars` characters.
    static func characterRange(chars: Int, pos: Int32, length: Int32) -> Range<Int> {
        let start: Int64 = pos > 0 ? Int64(pos) - 1 : (pos < 0 ? Int64(chars) + Int64(pos) : 0)
        let end = Swift.min(Swift.max(start + Int64(length), Int64(Int32.min)), Int64(Int32.max))
        let from = Swift.max(start, 0)
        if from >= end { return 0..<0 }
        let upper = Int(Swift.min(end, Int64(chars)))
        let lower = Int(Swift.min(from, Int64(upper)))
        return lower..<upper
    }

    static func characterCount(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in p where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Byte offset of character `k`, scanning from byte `from` (character `startingAtCharacter`).
    static func byteOffset(_ p: UnsafeBufferPointer<UInt8>, ofCharacter k: Int, from: Int = 0, startingAtCharacter c0: Int = 0) -> Int {
        var at = from, c = c0
        while c < k && at < p.count {
            at += 1
            while at < p.count && p[at] & 0xC0 == 0x80 { at += 1 }
            c += 1
        }
        return at
    }
}

enum Concat {
    static func evaluate(_ args: [ColumnVector], numRows n: Int) throws -> ColumnVector {
        let strings = try args.map { try StringFunctions.strings($0, "concat") }
        var validity: Bitmap? = nil
        for a in args { validity = mergeValidity(validity, a.validity) }
        var out = StringArray()
        out.reserveCapacity(count: n, bytes: strings.reduce(0) { $0 + $1.bytes.count })
        for i in 0..<n {
            if validity?[i] ?? true {
                for s in strings { out.bytes.append(contentsOf: s.bytes[Int(s.offsets[i])..<Int(s.offsets[i + 1])]) }
            }
            out.offsets.append(Int32(out.bytes.count))
        }
        return ColumnVector(.string(out), validity: validity)
    }
}
