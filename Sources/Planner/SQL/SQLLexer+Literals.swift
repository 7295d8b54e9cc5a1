// The literals of Spark SQL's lexer. Strings in '…' or "…" with Spark's backslash escapes (`\n`,
// `\t`, `\'`, `\\`, `\uXXXX`, octal `\ooo`, `\%` and `\_` kept for LIKE; any other `\c` is `c`), and
// raw strings r'…' without escapes. Numbers: digits with an optional fraction and exponent and one of
// Spark's suffixes (L, S, Y, D, F, BD); digits followed by other letters are a word, as in Spark
// (`1st` names a column).

extension SQLLexer {
    mutating func lexString(raw: Bool) -> SQLToken {
        let start = here
        if raw { advance() }
        let quote = bytes[i]
        advance()
        let contentStart = i
        while let b = byte(at: i) {
            if b == quote {
                let content = bytes[contentStart..<i]
                advance()
                let value = raw ? String(decoding: content, as: UTF8.self) : Self.unescape(content)
                return SQLToken(.string, value, at: start, end: i)
            }
            if b == UInt8(ascii: "\\") && !raw { advance() }
            advance()
        }
        let q = String(UnicodeScalar(quote))
        return invalid("the string literal opened here is never closed", at: start,
                       hint: "close it with \(q) (a \(q) inside the string is written \\\(q))")
    }

    /// Spark's unescapeSQLString.
    static func unescape(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(UInt8(ascii: "\\")) else { return String(decoding: s, as: UTF8.self) }
        let b = Array(s)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        func appendScalar(_ value: UInt32) {
            out.append(contentsOf: String(Unicode.Scalar(value).map(Character.init) ?? "\u{FFFD}").utf8)
        }
        func hexValue(_ from: Int, _ count: Int) -> UInt32? {
            guard from + count <= b.count else { return nil }
            var v: UInt32 = 0
            for k in from..<(from + count) {
                guard let d = hexDigit(b[k]) else { return nil }
                v = v << 4 | d
            }
            return v
        }
        func isOctal(_ k: Int, max: UInt8 = UInt8(ascii: "7")) -> Bool {
            k < b.count && b[k] >= UInt8(ascii: "0") && b[k] <= max
        }
        var k = 0
        while k < b.count {
            let c = b[k]
            guard c == UInt8(ascii: "\\"), k + 1 < b.count else { out.append(c); k += 1; continue }
            let n = b[k + 1]
            if n == UInt8(ascii: "u"), let v = hexValue(k + 2, 4) {
                appendScalar(v); k += 6; continue
            }
            if n == UInt8(ascii: "U"), let v = hexValue(k + 2, 8) {
                appendScalar(v); k += 10; continue
            }
            if isOctal(k + 1, max: UInt8(ascii: "3")) && isOctal(k + 2) && isOctal(k + 3) {
                appendScalar(UInt32(b[k + 1] - 48) << 6 | UInt32(b[k + 2] - 48) << 3 | UInt32(b[k + 3] - 48))
                k += 4
                continue
            }
            switch n {
            case UInt8(ascii: "0"): out.append(0)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "Z"): out.append(26)
            case UInt8(ascii: "%"), UInt8(ascii: "_"): out.append(c); out.append(n)
            default: out.append(n)
            }
            k += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - 55)
        default: return nil
        }
    }

    /// A number (`42`, `1.5`, `.5`, `5.`, `1e-3`, `10L`, `2.5BD`), or a word that starts with digits.
    mutating func lexNumberOrWord() -> SQLToken {
        let start = here
        var j = i
        func digits() { while j < end && Self.isDigit(bytes[j]) { j += 1 } }
        digits()
        var hasFraction = false, hasExponent = false
        if j < end && bytes[j] == UInt8(ascii: ".") && !(j + 1 < end && bytes[j + 1] == UInt8(ascii: ".")) {
            hasFraction = true
            j += 1
            digits()
        }
        if j < end && (bytes[j] | 0x20) == UInt8(ascii: "e") {
            var k = j + 1
            if k < end && (bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-")) { k += 1 }
            if k < end && Self.isDigit(bytes[k]) {
                j = k
                digits()
                hasExponent = true
            }
        }
        if j + 1 < end && (bytes[j] | 0x20) == UInt8(ascii: "b") && (bytes[j + 1] | 0x20) == UInt8(ascii: "d") {
            j += 2
        } else if j < end {
            let s = bytes[j] | 0x20
            if s == UInt8(ascii: "d") || s == UInt8(ascii: "f") {
                j += 1
            } else if !hasFraction && !hasExponent && (s == UInt8(ascii: "l") || s == UInt8(ascii: "s") || s == UInt8(ascii: "y")) {
                j += 1
            }
        }
        if j < end && Self.isWordByte(bytes[j]) {
            // Not a number after all: `1st`, `2x`, `1e5x` are words in Spark; `1.5x` is nothing.
            guard hasFraction else { return lexWord() }
            while j < end && Self.isWordByte(bytes[j]) { j += 1 }
            let text = String(decoding: bytes[start.offset..<j], as: UTF8.self)
            return invalid("'\(SQLParser.clip(text))' is not a number", at: start,
                           hint: "a number is digits with an optional fraction, exponent and type suffix (L, S, Y, D, F, BD)")
        }
        advance(j - i)
        return SQLToken(.number, String(decoding: bytes[start.offset..<j], as: UTF8.self), at: start, end: j)
    }
}
