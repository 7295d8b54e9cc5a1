// StringSplitter: Spark's `split(str, regex)` with limit -1 (trailing empty strings kept).
// Patterns that are one character class with an optional `+` (`[^a-z]+`, `\s+`, `,`, `[;|]`) run
// on bytes with a 256-entry membership table; any other pattern falls back to Swift Regex.

public struct StringSplitter: Sendable {
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
    public var isByteClass: Bool { if case .byteClass = strategy { return true } else { return false } }

    /// Calls `body` with each token of `bytes` (including empty ones), as split() would produce them.
    @inlinable
    public func forEachToken(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard case .byteClass(let cls) = strategy else { return }
        let p = bytes.bindMemory(to: UInt8.self)
        cls.member.withUnsafeBufferPointer { member in
            Self.tokens(p, from: 0, to: p.count, member: member, repeated: cls.repeated) { a, b in
                body(UnsafeRawBufferPointer(rebasing: bytes[a..<b]))
            }
        }
    }

    /// The byte-class tokenizer both paths share: calls `emit(start, end)` for each token of
    /// `p[from..<end]`, empty ones included. A separator byte ≥ 0x80 skips its whole UTF-8 sequence.
    @inlinable @inline(__always)
    static func tokens(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, member: UnsafeBufferPointer<Bool>, repeated: Bool,
                       _ emit: (Int, Int) -> Void) {
        var k = from
        var tokenStart = from
        while k < end {
            let b = p[k]
            if member[Int(b)] {
                emit(tokenStart, k)
                k += b < 0x80 ? 1 : utf8Length(b)
                if repeated {
                    while k < end && member[Int(p[k])] { k += p[k] < 0x80 ? 1 : utf8Length(p[k]) }
                }
                tokenStart = Swift.min(k, end)
            } else {
                k += 1
            }
        }
        emit(tokenStart, end)
    }

    public static func compile(_ pattern: String) throws -> StringSplitter {
        if let cls = parseByteClass(Array(pattern.utf8)) { return StringSplitter(strategy: .byteClass(cls)) }
        do {
            _ = try Regex(pattern)
        } catch {
            throw EmberError(.analysis, "invalid regular expression '\(pattern)' in split",
                             hint: "split takes a Java-style regular expression, e.g. \"[^a-z]+\" or \"\\\\s+\"", cause: error)
        }
        return StringSplitter(strategy: .regex(pattern))
    }

    /// Splits every string of a column into an array column.
    public func split(_ c: ColumnVector) throws -> ColumnVector {
        guard case .string(let s) = c.values else { throw typeError("split", c) }
        var listOffsets: [Int32] = [0]
        listOffsets.reserveCapacity(s.count + 1)
        switch strategy {
        case .byteClass(let cls):
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
            let regex = try Regex(pattern)
            var child = StringArray()
            for i in 0..<s.count {
                if c.isNull(i) { listOffsets.append(Int32(child.count)); continue }
                let text = s[i]
                var start = text.startIndex
                for m in text.matches(of: regex) where !m.range.isEmpty || m.range.lowerBound != text.startIndex {
                    if m.range.isEmpty && m.range.lowerBound == text.endIndex { break }
                    child.append(String(text[start..<m.range.lowerBound]))
                    start = m.range.upperBound
                }
                child.append(String(text[start...]))
                listOffsets.append(Int32(child.count))
            }
            return ColumnVector(.list(offsets: listOffsets, child: ColumnVector(.string(child))), validity: c.validity)
        }
    }

    @inlinable @inline(__always) static func utf8Length(_ lead: UInt8) -> Int {
        lead >= 0xF0 ? 4 : (lead >= 0xE0 ? 3 : (lead >= 0xC0 ? 2 : 1))
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
