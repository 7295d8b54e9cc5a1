// StringSplitter: Spark's `split(str, regex)` with limit -1 (trailing empty strings kept).
// Patterns that are one character class with an optional `+` (`[^a-z]+`, `\s+`, `,`, `[;|]`) run
// on bytes with a 256-entry membership table; any other pattern falls back to Swift Regex, with
// Java's meaning of the classes (JavaRegex) and matching on code points, not grapheme clusters.
//
// Bytes need not be valid UTF-8: as Spark decodes text before it splits, each maximal invalid
// subpart is first replaced by U+FFFD (UTF8Repair), in tokens and separators alike. A class only
// ever holds ASCII bytes, or (negated: `[^…]`, `\W`, `\S`, `\D`) every byte from 0x80 up; so a
// byte outside the class is a token byte, and a member byte ≥ 0x80 starts one separator that
// covers its code point. Nothing is skipped that is not part of that code point.

@_spi(EmberInternal) public struct StringSplitter: Sendable {
    /// Byte-class matcher: `member[b]` says whether byte b is a separator; `repeated` is the `+`.
    @usableFromInline struct ByteClass: Sendable {
        @usableFromInline var member: [Bool]
        @usableFromInline var repeated: Bool
    }
    @usableFromInline enum Strategy: Sendable {
        case byteClass(ByteClass)
        case regex(String)
    }
    @usableFromInline let strategy: Strategy

    /// True when the pattern runs on bytes (one character class, optionally repeated).
    @_spi(EmberInternal) public var isByteClass: Bool { if case .byteClass = strategy { return true } else { return false } }

    /// Calls `body` with each token of `bytes` (including empty ones), as split() would produce them.
    @inlinable
    @_spi(EmberInternal) public func forEachToken(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard case .byteClass(let cls) = strategy else { return }
        var p = bytes.bindMemory(to: UInt8.self)
        var repaired: [UInt8] = []
        if !UTF8Repair.isValid(p, from: 0, to: p.count) {
            UTF8Repair.appendRepaired(p, from: 0, to: p.count, to: &repaired)
        }
        try repaired.withUnsafeBufferPointer { fixed in
            if !repaired.isEmpty { p = fixed }
            try cls.member.withUnsafeBufferPointer { member in
                try Self.tokens(p, from: 0, to: p.count, member: member, repeated: cls.repeated) { a, b in
                    try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[a..<b]))
                }
            }
        }
    }

    /// Calls `body` with each token of every non-null string of a column, in order (empty ones
    /// included): the fused word count's loop. The column is repaired first (a copy only when it
    /// holds invalid UTF-8); the class table is taken once per column, not per string.
    @inlinable
    @_spi(EmberInternal) public func forEachToken(of column: StringArray, validity: Bitmap?, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard case .byteClass(let cls) = strategy else { return }
        let strings = try UTF8Repair.repaired(column)
        try strings.offsets.withUnsafeBufferPointer { o in
            try strings.bytes.withUnsafeBufferPointer { p in
                let raw = UnsafeRawBufferPointer(p)
                try cls.member.withUnsafeBufferPointer { member in
                    for i in 0..<strings.count {
                        if let validity, !validity[i] { continue }
                        try Self.tokens(p, from: Int(o[i]), to: Int(o[i + 1]), member: member, repeated: cls.repeated) { a, b in
                            try body(UnsafeRawBufferPointer(rebasing: raw[a..<b]))
                        }
                    }
                }
            }
        }
    }

    /// The byte-class tokenizer both paths share: calls `emit(start, end)` for each token of
    /// `p[from..<end]`, empty ones included. The bytes are valid UTF-8 (UTF8Repair), so a separator
    /// byte ≥ 0x80 leads a whole code point, which it covers.
    @inlinable @inline(__always)
    static func tokens(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, member: UnsafeBufferPointer<Bool>, repeated: Bool,
                       _ emit: (Int, Int) throws -> Void) rethrows {
        var k = from
        var tokenStart = from
        while k < end {
            let b = p[k]
            if member[Int(b)] {
                try emit(tokenStart, k)
                k = codePointEnd(p, at: k, end: end)
                if repeated {
                    while k < end && member[Int(p[k])] { k = codePointEnd(p, at: k, end: end) }
                }
                tokenStart = k
            } else {
                k += 1
            }
        }
        try emit(tokenStart, end)
    }

    /// Where the code point at `p[k]` of valid UTF-8 ends (never past `end`).
    @inlinable @inline(__always)
    static func codePointEnd(_ p: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> Int {
        let b = p[k]
        return b < 0x80 ? k + 1 : Swift.min(end, k + Swift.max(1, UTF8Repair.sequenceLength(b)))
    }

    @_spi(EmberInternal) public static func compile(_ pattern: String) throws -> StringSplitter {
        if let cls = parseByteClass(Array(pattern.utf8)) { return StringSplitter(strategy: .byteClass(cls)) }
        do {
            _ = try JavaRegex.compile(pattern)
        } catch {
            throw EmberError(.analysis, "invalid regular expression '\(pattern)' in split",
                             hint: "split takes a Java-style regular expression, e.g. \"[^a-z]+\" or \"\\\\s+\"", cause: error)
        }
        return StringSplitter(strategy: .regex(pattern))
    }

    /// Splits every string of a column into an array column.
    @_spi(EmberInternal) public func split(_ c: ColumnVector) throws -> ColumnVector {
        guard case .string(let original) = c.values else { throw typeError("split", c) }
        var listOffsets: [Int32] = [0]
        listOffsets.reserveCapacity(original.count + 1)
        switch strategy {
        case .byteClass(let cls):
            let s = try UTF8Repair.repaired(original)
            // Tokens are pieces of the input: their bytes fit in the input's size, and there are at most
            // (bytes + rows) of them. Write through pointers into buffers of those sizes, then trim.
            let maxTokens = s.bytes.count + s.count + 1
            var tokenCount = 0
            var byteCount = 0
            var offsetsOut: [Int32] = []
            let bytesOut = [UInt8](unsafeUninitializedCapacity: Swift.max(1, s.bytes.count)) { tb, bytesInitialized in
                offsetsOut = [Int32](unsafeUninitializedCapacity: maxTokens + 1) { to, offsetsInitialized in
                    to[0] = 0
                    s.bytes.withUnsafeBufferPointer { p in
                        s.offsets.withUnsafeBufferPointer { so in
                            cls.member.withUnsafeBufferPointer { member in
                                for i in 0..<s.count {
                                    if c.isNull(i) { listOffsets.append(Int32(tokenCount)); continue }
                                    Self.tokens(p, from: Int(so[i]), to: Int(so[i + 1]), member: member, repeated: cls.repeated) { a, b in
                                        let n = b - a
                                        if n > 0 { (tb.baseAddress! + byteCount).initialize(from: p.baseAddress! + a, count: n) }
                                        byteCount += n
                                        tokenCount += 1
                                        to[tokenCount] = Int32(truncatingIfNeeded: byteCount)
                                    }
                                    listOffsets.append(Int32(tokenCount))
                                }
                            }
                        }
                    }
                    offsetsInitialized = tokenCount + 1
                }
                bytesInitialized = byteCount
            }
            let child = ColumnVector(.string(StringArray(offsets: offsetsOut, bytes: bytesOut)))
            return ColumnVector(.list(offsets: listOffsets, child: child), validity: c.validity)
        case .regex(let pattern):
            // Text is decoded as Spark decodes it (an invalid subpart becomes U+FFFD); matches fall
            // on code points, so tokens are cut from the UTF-8 view, never rounded to a Character.
            let regex = try JavaRegex.compile(pattern)
            let s = try UTF8Repair.repaired(original)   // as Java decodes it; Swift's decoding differs on surrogates
            var child = StringArray()
            for i in 0..<s.count {
                if c.isNull(i) { listOffsets.append(Int32(child.count)); continue }
                let text = s[i]
                var start = text.startIndex
                for m in text.matches(of: regex) where !m.range.isEmpty || m.range.lowerBound != text.startIndex {
                    // Only the empty pattern ends without a trailing empty string (Spark's own case);
                    // Java's split keeps the one after any other zero-width match at the end.
                    if pattern.isEmpty && m.range.lowerBound == text.endIndex { break }
                    child.append(utf8: text.utf8[start..<m.range.lowerBound])
                    start = m.range.upperBound
                }
                child.append(utf8: text.utf8[start...])
                listOffsets.append(Int32(child.count))
            }
            return ColumnVector(.list(offsets: listOffsets, child: ColumnVector(.string(child))), validity: c.validity)
        }
    }

    // MARK: pattern parsing

    static let metaCharacters = Set("\\^$.|?*+()[]{}".utf8)

    /// Parses `X` or `X+` where X is a literal character, an escape (`\s`, `\d`, `\w`, `\S`, `\D`,
    /// `\W`, `\.`, `\t`…) or a bracketed class (`[^a-zA-Z]`, `[,;]`). Returns nil for anything else.
    static func parseByteClass(_ p: [UInt8]) -> ByteClass? {
        var i = 0
        guard let (set, next) = parseAtom(p, &i) else { return nil }
        i = next
        var repeated = false
        if i < p.count && p[i] == UInt8(ascii: "+") { repeated = true; i += 1 }
        guard i == p.count else { return nil }
        return ByteClass(member: set, repeated: repeated)
    }

    static func escapeClass(_ c: UInt8) -> [Bool]? {
        var set = [Bool](repeating: false, count: 256)
        func mark(_ f: (UInt8) -> Bool) { for b in 0..<128 where f(UInt8(b)) { set[b] = true } }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        let isWord: (UInt8) -> Bool = { isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F }
        switch c {
        case UInt8(ascii: "s"): mark(isSpace)
        case UInt8(ascii: "d"): mark(isDigit)
        case UInt8(ascii: "w"): mark(isWord)
        case UInt8(ascii: "S"): mark { !isSpace($0) }; for b in 128..<256 { set[b] = true }
        case UInt8(ascii: "D"): mark { !isDigit($0) }; for b in 128..<256 { set[b] = true }
        case UInt8(ascii: "W"): mark { !isWord($0) }; for b in 128..<256 { set[b] = true }
        case UInt8(ascii: "t"): set[0x09] = true
        case UInt8(ascii: "n"): set[0x0A] = true
        case UInt8(ascii: "r"): set[0x0D] = true
        default:
            guard c < 0x80, !isWord(c) else { return nil }   // \. \| \\ … literal punctuation
            set[Int(c)] = true
        }
        return set
    }

    static func parseAtom(_ p: [UInt8], _ i: inout Int) -> ([Bool], Int)? {
        guard i < p.count else { return nil }
        let c = p[i]
        if c == UInt8(ascii: "\\") {
            guard i + 1 < p.count, let set = escapeClass(p[i + 1]) else { return nil }
            return (set, i + 2)
        }
        if c == UInt8(ascii: "[") {
            var k = i + 1
            var negate = false
            if k < p.count && p[k] == UInt8(ascii: "^") { negate = true; k += 1 }
            var set = [Bool](repeating: false, count: 256)
            var first = true
            while k < p.count && (p[k] != UInt8(ascii: "]") || first) {
                first = false
                var lo: UInt8
                if p[k] == UInt8(ascii: "\\") {
                    guard k + 1 < p.count, let esc = escapeClass(p[k + 1]) else { return nil }
                    for b in 0..<256 where esc[b] { set[b] = true }
                    k += 2
                    continue
                }
                if p[k] == UInt8(ascii: "[") || p[k] >= 0x80 { return nil }   // nested classes, non-ASCII: use Regex
                lo = p[k]
                k += 1
                if k + 1 < p.count && p[k] == UInt8(ascii: "-") && p[k + 1] != UInt8(ascii: "]") {
                    let hi = p[k + 1]
                    guard hi >= lo, hi < 0x80, hi != UInt8(ascii: "\\") else { return nil }
                    for b in lo...hi { set[Int(b)] = true }
                    k += 2
                } else {
                    set[Int(lo)] = true
                }
            }
            guard k < p.count else { return nil }
            if negate { for b in 0..<256 { set[b].toggle() } }
            return (set, k + 1)
        }
        if metaCharacters.contains(c) || c >= 0x80 { return nil }
        var set = [Bool](repeating: false, count: 256)
        set[Int(c)] = true
        return (set, i + 1)
    }
}
