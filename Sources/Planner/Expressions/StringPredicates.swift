// StringPredicates: LIKE, RLIKE, startsWith, endsWith and contains over string columns, with
// Spark's semantics: a null string (or argument) gives null; comparisons are on UTF-8 bytes
// (code points), never on grapheme clusters; LIKE's `_` is one code point.

enum StringPredicates {
    /// `str LIKE pattern` for every row.
    static func like(_ c: ColumnVector, _ pattern: LikePattern) throws -> ColumnVector {
        let s = try UTF8Repair.repaired(try StringFunctions.strings(c, "LIKE"))
        var out = [Bool](repeating: false, count: s.count)
        pattern.tokens.withUnsafeBufferPointer { tokens in
            s.bytes.withUnsafeBufferPointer { bytes in
                for i in 0..<s.count where !c.isNull(i) {
                    out[i] = LikePattern.matches(tokens, UnsafeBufferPointer(rebasing: bytes[Int(s.offsets[i])..<Int(s.offsets[i + 1])]))
                }
            }
        }
        return ColumnVector(.boolean(out), validity: c.validity)
    }

    /// `str RLIKE regex`: true when the Java regex matches somewhere in the string.
    static func rlike(_ c: ColumnVector, pattern: String) throws -> ColumnVector {
        let s = try StringFunctions.strings(c, "RLIKE")
        let regex = try JavaRegex.compile(pattern)
        var out = [Bool](repeating: false, count: s.count)
        for i in 0..<s.count where !c.isNull(i) {
            out[i] = s[i].contains(regex)
        }
        return ColumnVector(.boolean(out), validity: c.validity)
    }

    /// A byte-wise predicate of two string columns (null if either side is null).
    static func compare(_ l: ColumnVector, _ r: ColumnVector,
                        _ holds: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool) throws -> ColumnVector {
        let a = try StringFunctions.strings(l, "a string predicate"), b = try StringFunctions.strings(r, "a string predicate")
        let validity = mergeValidity(l.validity, r.validity)
        var out = [Bool](repeating: false, count: a.count)
        for i in 0..<a.count where validity?[i] ?? true {
            out[i] = holds(a.bytes[Int(a.offsets[i])..<Int(a.offsets[i + 1])], b.bytes[Int(b.offsets[i])..<Int(b.offsets[i + 1])])
        }
        return ColumnVector(.boolean(out), validity: validity)
    }

    /// True if `needle` occurs in `haystack` (an empty needle occurs everywhere).
    static func find(_ needle: ArraySlice<UInt8>, in haystack: ArraySlice<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        if needle.count > haystack.count { return false }
        var start = haystack.startIndex
        let lastStart = haystack.endIndex - needle.count
        while start <= lastStart {
            if haystack[start] == first && haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}

/// A compiled LIKE pattern: `%` matches any sequence, `_` one code point, `\` makes the next
/// `%`, `_` or `\` literal (Spark's default escape; any other escaped character, or a pattern
/// ending in `\`, is an error, as in Spark).
///
///   tokens: Int16 per step — 0…255 a literal UTF-8 byte, `one` (_), `any` (%)
@_spi(EmberInternal) public struct LikePattern: Sendable {
    static let one: Int16 = -1
    static let any: Int16 = -2
    let tokens: [Int16]

    @_spi(EmberInternal) public init(_ pattern: String) throws {
        var tokens: [Int16] = []
        var escaped = false
        for u in pattern.unicodeScalars {
            if escaped {
                guard u == "%" || u == "_" || u == "\\" else {
                    throw EmberError(.analysis, "the escape character is not allowed to precede '\(u)' in the LIKE pattern '\(pattern)'",
                                     hint: "escape only %, _ and \\ (write \\\\ for a backslash)")
                }
                tokens.append(contentsOf: String(u).utf8.map { Int16($0) })
                escaped = false
                continue
            }
            switch u {
            case "\\": escaped = true
            case "%": if tokens.last != Self.any { tokens.append(Self.any) }
            case "_": tokens.append(Self.one)
            default: tokens.append(contentsOf: String(u).utf8.map { Int16($0) })
            }
        }
        if escaped {
            throw EmberError(.analysis, "the LIKE pattern '\(pattern)' ends with the escape character",
                             hint: "escape a trailing backslash as \\\\")
        }
        self.tokens = tokens
    }

    /// Greedy matching with one backtrack point (the last `%`), advancing by whole code points.
    static func matches(_ tokens: UnsafeBufferPointer<Int16>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0, p = 0
        var starP = -1, starI = 0
        while i < s.count {
            if p < tokens.count && tokens[p] >= 0 && UInt8(tokens[p]) == s[i] {
                i += 1; p += 1
            } else if p < tokens.count && tokens[p] == one {
                i = Swift.min(s.count, i + codePointLength(s[i])); p += 1
            } else if p < tokens.count && tokens[p] == any {
                starP = p; starI = i; p += 1
            } else if starP >= 0 {
                starI = Swift.min(s.count, starI + codePointLength(s[starI]))
                i = starI
                p = starP + 1
            } else {
                return false
            }
        }
        while p < tokens.count && tokens[p] == any { p += 1 }
        return p == tokens.count && i == s.count
    }

    /// Bytes of the UTF-8 sequence a lead byte starts (1 for stray continuation bytes).
    @inline(__always) static func codePointLength(_ lead: UInt8) -> Int {
        if lead < 0xC0 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }
}
