// JSONCursor: the tokenizer under the JSON lines reader. Reads one line's bytes in place: strings
// validated (escapes, UTF-8) and unescaped only on demand, numbers classified and converted
// exactly, literals; every problem is a JSONSyntaxError with its offset in the line.

@_spi(EmberInternal) import Planner

/// Why a line is not JSON, and where (0-based byte offset in the line).
struct JSONSyntaxError: Error {
    enum Problem: UInt8 {
        case unexpectedEnd, unexpectedByte, badEscape, badUnicodeEscape, loneSurrogate, controlCharacter,
             invalidUTF8, badNumber, badLiteral, expectedKey, expectedColon, tooDeep, notAnObject, notAnObjectInArray
    }
    let problem: Problem
    let offset: Int

    var message: String {
        switch problem {
        case .unexpectedEnd: return "the line ends inside a JSON value"
        case .unexpectedByte: return "unexpected character at byte \(offset + 1)"
        case .badEscape: return "invalid escape sequence in a string at byte \(offset + 1)"
        case .badUnicodeEscape: return "invalid \\u escape (four hex digits expected) at byte \(offset + 1)"
        case .loneSurrogate: return "\\u escape of an unpaired UTF-16 surrogate at byte \(offset + 1)"
        case .controlCharacter: return "unescaped control character in a string at byte \(offset + 1)"
        case .invalidUTF8: return "invalid UTF-8 in a string at byte \(offset + 1)"
        case .badNumber: return "malformed number at byte \(offset + 1)"
        case .badLiteral: return "unknown literal at byte \(offset + 1) (expected true, false, null or a number)"
        case .expectedKey: return "a field name in quotes expected at byte \(offset + 1)"
        case .expectedColon: return "':' expected after a field name at byte \(offset + 1)"
        case .tooDeep: return "values nested more than \(JSONCursor.maxDepth) deep"
        case .notAnObject: return "the line is not a JSON object (or an array of objects)"
        case .notAnObjectInArray: return "an element of the line's top-level array is not a JSON object"
        }
    }
}

/// The kind of value that starts at the cursor.
enum JSONValueKind: UInt8 {
    case object, array, string, number, trueLiteral, falseLiteral, null
}

/// A position in one line of JSON. Grammar (RFC 8259, with Spark's default leniencies):
/// strings in `"` (or `'` with `allowSingleQuotes`), escapes `\" \\ \/ \b \f \n \r \t \uXXXX`
/// (a surrogate pair as two escapes); raw bytes < 0x20 are refused in strings, other bytes must
/// be well-formed UTF-8. Numbers `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, plus the
/// tokens `NaN`, `Infinity`, `+Infinity`, `-Infinity`, `+INF`, `-INF` (Spark's
/// `allowNonNumericNumbers`, on by default). Whitespace: space, tab, `\r`, `\n`.
struct JSONCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0
    let allowSingleQuotes: Bool

    /// Nesting limit (Jackson's default `maxNestingDepth`).
    static let maxDepth = 1000

    /// Where an empty line (no base address) points: never read, since `count` is 0.
    private static let nothing: StaticString = " "

    init(_ line: UnsafeRawBufferPointer, allowSingleQuotes: Bool) {
        base = line.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? Self.nothing.utf8Start
        count = line.count
        self.allowSingleQuotes = allowSingleQuotes
    }

    /// The byte at the cursor, 0 at the end (0 can only appear inside strings, where it is refused).
    @inline(__always) var current: UInt8 { position < count ? base[position] : 0 }

    @inline(__always) func error(_ problem: JSONSyntaxError.Problem) -> JSONSyntaxError {
        JSONSyntaxError(problem: position >= count ? .unexpectedEnd : problem, offset: position)
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < count {
            let b = base[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    @inline(__always) var atEnd: Bool { position >= count }

    /// Consumes `byte` (after whitespace) or fails.
    @inline(__always) mutating func expect(_ byte: UInt8, _ problem: JSONSyntaxError.Problem = .unexpectedByte) throws(JSONSyntaxError) {
        skipWhitespace()
        guard current == byte else { throw error(problem) }
        position += 1
    }

    @inline(__always) func isQuote(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || (b == UInt8(ascii: "'") && allowSingleQuotes)
    }

    /// What the value at the cursor (after whitespace) is; nothing is consumed.
    @inline(__always) mutating func peekValue() throws(JSONSyntaxError) -> JSONValueKind {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "t"): return .trueLiteral
        case UInt8(ascii: "f"): return .falseLiteral
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"):
            return .number
        case let b where isQuote(b): return .string
        default: throw error(.unexpectedByte)
        }
    }

    /// Consumes `true`, `false` or `null` (the kind ``peekValue()`` said).
    @inline(__always) mutating func consumeLiteral(_ kind: JSONValueKind) throws(JSONSyntaxError) {
        let word: StaticString = kind == .trueLiteral ? "true" : kind == .falseLiteral ? "false" : "null"
        let n = word.utf8CodeUnitCount
        guard count - position >= n else { throw JSONSyntaxError(problem: .unexpectedEnd, offset: position) }
        for k in 0..<n where base[position + k] != word.utf8Start[k] { throw error(.badLiteral) }
        position += n
    }

    /// Calls `body` with the cursor on each object the line's root value holds (Spark's rule: the
    /// root is an object, or an array of objects: one row each); `body` consumes the object.
    /// Returns whether the root was an array. Whitespace before the root is skipped; what follows
    /// it is not read.
    mutating func forEachRootObject(_ body: (inout JSONCursor) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"):
            try body(&self)
            return false
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") { return true }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "{") else { throw error(.notAnObjectInArray) }
                try body(&self)
                skipWhitespace()
                if current == UInt8(ascii: "]") { return true }
                try expect(UInt8(ascii: ","))
            }
        default:
            throw JSONSyntaxError(problem: .notAnObject, offset: position)
        }
    }

    /// Consumes the object at the cursor (on its `{`), calling `body` for each field with the
    /// cursor on its value, the field name's span and the field's position in the object; `body`
    /// consumes the value.
    @inline(__always)
    mutating func forEachField(_ body: (inout JSONCursor, StringSpan, Int) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return
        }
        var ordinal = 0
        while true {
            skipWhitespace()
            guard isQuote(current) else { throw error(.expectedKey) }
            let name = try scanString()
            try expect(UInt8(ascii: ":"), .expectedColon)
            try body(&self, name, ordinal)
            ordinal += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return
            }
            try expect(UInt8(ascii: ","))
        }
    }

    // MARK: strings

    /// A string's content (between its quotes) and whether it has escapes.
    struct StringSpan {
        var start: Int
        var end: Int
        var escaped: Bool
        var count: Int { end - start }
    }

    /// Consumes a string at the cursor (which is on its opening quote), validating its escapes
    /// and UTF-8.
    mutating func scanString() throws(JSONSyntaxError) -> StringSpan {
        let quote = base[position]
        position += 1
        let start = position
        var escaped = false
        while position < count {
            let b = base[position]
            if b == quote {
                position += 1
                return StringSpan(start: start, end: position - 1, escaped: escaped)
            }
            if b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\\") {
                position += 1
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if b < 0x20 {
                throw error(.controlCharacter)
            } else {
                try scanUTF8()
            }
        }
        throw JSONSyntaxError(problem: .unexpectedEnd, offset: position)
    }

    /// Validates one escape sequence at the cursor (on the backslash) and consumes it.
    private mutating func scanEscape() throws(JSONSyntaxError) {
        guard position + 1 < count else { throw JSONSyntaxError(problem: .unexpectedEnd, offset: position) }
        switch base[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "'") where allowSingleQuotes:
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: position + 2)
            if unit >= 0xDC00 && unit <= 0xDFFF { throw error(.loneSurrogate) }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard position + 12 <= count, base[position + 6] == UInt8(ascii: "\\"), base[position + 7] == UInt8(ascii: "u"),
                      let low = try? hex4(at: position + 8), low >= 0xDC00 && low <= 0xDFFF else { throw error(.loneSurrogate) }
                position += 12
            } else {
                position += 6
            }
        default:
            throw error(.badEscape)
        }
    }

    /// The value of four hex digits at `at`.
    private func hex4(at: Int) throws(JSONSyntaxError) -> UInt32 {
        guard at + 4 <= count else { throw JSONSyntaxError(problem: .unexpectedEnd, offset: position) }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let d = Self.hexValue(base[at + k]) else { throw JSONSyntaxError(problem: .badUnicodeEscape, offset: position) }
            v = v << 4 | d
        }
        return v
    }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Validates and consumes one multi-byte UTF-8 sequence (no overlong forms, surrogates or
    /// code points above U+10FFFF).
    private mutating func scanUTF8() throws(JSONSyntaxError) {
        let b0 = base[position]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF   // allowed range of the second byte
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error(.invalidUTF8)
        }
        guard position + length <= count else { throw error(.invalidUTF8) }
        let b1 = base[position + 1]
        guard b1 >= low && b1 <= high else { throw error(.invalidUTF8) }
        for k in 2..<max(2, length) where base[position + k] & 0xC0 != 0x80 { throw error(.invalidUTF8) }
        position += length
    }

    /// Appends the unescaped content of a string scanned by ``scanString()`` to `out`.
    func unescape(_ span: StringSpan, into out: inout [UInt8]) {
        var i = span.start
        while i < span.end {
            let b = base[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = base[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hexAt(i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {   // validated: a low surrogate escape follows
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hexAt(i + 2) - 0xDC00)
                    i += 6
                }
                Self.appendUTF8(scalar, to: &out)
            default: out.append(e)   // " \ / '
            }
        }
    }

    private func hexAt(_ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v = v << 4 | (Self.hexValue(base[at + k]) ?? 0) }
        return v
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80: out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The bytes `start ..< end` of the line.
    @inline(__always) func bytes(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    // MARK: numbers

    /// A scanned number: its text, and whether it is an integer (no fraction, no exponent). The
    /// non-numeric tokens (NaN, Infinity…) are floats with `special` set.
    struct NumberSpan {
        var start: Int
        var end: Int
        var isInteger: Bool
        var special: Double?
    }

    /// Consumes a number at the cursor.
    mutating func scanNumber() throws(JSONSyntaxError) -> NumberSpan {
        let start = position
        if let special = try scanNonNumeric() { return NumberSpan(start: start, end: position, isInteger: false, special: special) }
        if current == UInt8(ascii: "-") { position += 1 }
        let first = current
        guard first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") else { throw error(.badNumber) }
        position += 1
        if first == UInt8(ascii: "0") {
            if isDigit(current) { throw error(.badNumber) }   // no leading zeros
        } else {
            while isDigit(current) { position += 1 }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(current) else { throw error(.badNumber) }
            while isDigit(current) { position += 1 }
        }
        if current | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard isDigit(current) else { throw error(.badNumber) }
            while isDigit(current) { position += 1 }
        }
        return NumberSpan(start: start, end: position, isInteger: isInteger, special: nil)
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    private static let nonNumericWords: [(StaticString, Double)] = [
        ("NaN", .nan), ("Infinity", .infinity), ("+Infinity", .infinity), ("+INF", .infinity), ("-Infinity", -.infinity), ("-INF", -.infinity),
    ]

    /// NaN, Infinity, +Infinity, -Infinity, +INF, -INF at the cursor, consumed; nil otherwise.
    private mutating func scanNonNumeric() throws(JSONSyntaxError) -> Double? {
        let b = current
        guard b == UInt8(ascii: "N") || b == UInt8(ascii: "I") || b == UInt8(ascii: "+")
              || (b == UInt8(ascii: "-") && position + 1 < count && base[position + 1] == UInt8(ascii: "I")) else { return nil }
        for (word, value) in Self.nonNumericWords where matches(word) {
            position += word.utf8CodeUnitCount
            return value
        }
        throw error(.badNumber)
    }

    private func matches(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard count - position >= n else { return false }
        for k in 0..<n where base[position + k] != word.utf8Start[k] { return false }
        // The word must end there (so "-INFinity" is not "-INF" followed by garbage).
        let next = position + n < count ? base[position + n] : 0
        return !(next >= UInt8(ascii: "A") && next <= UInt8(ascii: "z"))
    }

    /// The value of an integer number, nil when it does not fit an Int64.
    @inline(__always) func integerValue(_ n: NumberSpan) -> Int64? {
        ValueParsers.parseLong(bytes(n.start, n.end))
    }

    /// The correctly rounded double value of a number.
    @inline(__always) func doubleValue(_ n: NumberSpan) -> Double {
        if let special = n.special { return special }
        if n.isInteger, n.end - n.start <= 15, let v = integerValue(n) { return Double(v) }   // exact
        return ValueParsers.parseDouble(bytes(n.start, n.end)) ?? .nan
    }
}
