// StringPredicates: LIKE, RLIKE, startsWith, endsWith and contains over string columns, with
// Spark's semantics: a null string (or argument) gives null; comparisons are on UTF-8 bytes
// (code points), never on grapheme clusters; LIKE's `_` is one code point.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum StringPredicates {
    /// `str LIKE pattern` for every row.
    static func like(_ c: ColumnVector, _ pattern: LikePattern) throws -> ColumnVector {
        let s = try UTF8Repair.repaired(try StringFunctions.strings(c, "LIKE"))
        var out = [Bool](repeating: false, count: s.count)
        s.bytes.withUnsafeBufferPointer { bytes in
            func value(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[Int(s.offsets[i])..<Int(s.offsets[i + 1])]) }
            if let pieces = pattern.literalPieces, let scan = pattern.columnScan {
                scan.forEachCandidateRow(s) { i in if !c.isNull(i) { out[i] = LikePattern.matches(pieces, value(i)) } }
                return
            }
            if let pieces = pattern.literalPieces {
                for i in 0..<s.count where !c.isNull(i) { out[i] = LikePattern.matches(pieces, value(i)) }
                return
            }
            pattern.tokens.withUnsafeBufferPointer { tokens in
                for i in 0..<s.count where !c.isNull(i) { out[i] = LikePattern.matches(tokens, value(i)) }
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
    /// Without `_`, the literal bytes between the `%`s (one more piece than `%`s, the first and last
    /// possibly empty), found with `memchr` and `memcmp` instead of byte by byte: `%special%requests%` is
    /// ["", "special", "requests", ""].
    let literalPieces: [[UInt8]]?
    /// For literal pieces after a leading `%`: the search for the longest middle piece that picks
    /// the rows worth checking.
    let columnScan: LikeColumnScan?

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
        if tokens.contains(Self.one) {
            literalPieces = nil
        } else {
            literalPieces = tokens.split(separator: Self.any, omittingEmptySubsequences: false).map { $0.map { UInt8($0) } }
        }
        columnScan = literalPieces.flatMap { LikeColumnScan($0) }
    }

    /// Matching a pattern of literal pieces and `%`s: the string starts with the first piece, ends
    /// with the last, and holds the others in order between them (leftmost occurrences suffice).
    /// Byte-wise search finds only whole code points in valid UTF-8, whose sequences cannot start
    /// inside another's.
    static func matches(_ pieces: [[UInt8]], _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = pieces[0]
        guard pieces.count > 1 else { return s.elementsEqual(first) }
        let last = pieces[pieces.count - 1]
        guard s.count >= first.count + last.count, s.starts(with: first),
              s[(s.count - last.count)...].elementsEqual(last) else { return false }
        var from = first.count
        let end = s.count - last.count
        for piece in pieces[1..<(pieces.count - 1)] where !piece.isEmpty {
            guard end - from >= piece.count, let base = s.baseAddress else { return false }
            guard let at = piece.withUnsafeBufferPointer({ find($0, in: base + from, count: end - from) }) else { return false }
            from += at + piece.count
        }
        return true
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

    /// The offset of `needle`'s first occurrence in the `count` bytes at `haystack`: candidates
    /// found by `memchr` (vectorized) on the needle's first byte, then compared whole.
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard let first = needle.first, let rest = needle.baseAddress.map({ $0 + 1 }) else { return 0 }
        var at = 0
        let lastStart = count - needle.count
        while at <= lastStart {
            guard let hit = memchr(haystack + at, Int32(first), lastStart - at + 1) else { return nil }
            at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - haystack
            if needle.count == 1 || memcmp(haystack + at + 1, rest, needle.count - 1) == 0 { return at }
            at += 1
        }
        return nil
    }

    /// Bytes of the UTF-8 sequence a lead byte starts (1 for stray continuation bytes).
    @inline(__always) static func codePointLength(_ lead: UInt8) -> Int {
        if lead < 0xC0 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }
}
