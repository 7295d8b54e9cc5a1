// Naive references for split(): Java's `String.split(regex, -1)` as Spark runs it, written as a
// walk over units (bytes, or code points) where a separator match is found by a small hand-written
// matcher per pattern. Used by the tokenizer and fused word-count tests.

import Foundation

/// Splits `units` at separator matches: `separatorLength(units, i)` is how many units a match
/// starting at i covers (0: no match). Positive-width matches only, as all the tested patterns are:
/// a match at the start gives a leading empty token, trailing empty tokens are kept (limit -1).
func referenceSplit<Unit>(_ units: [Unit], bytes: (Unit) -> [UInt8], separatorLength: ([Unit], Int) -> Int) -> [[UInt8]] {
    var tokens: [[UInt8]] = []
    var current: [UInt8] = []
    var i = 0
    while i < units.count {
        let n = separatorLength(units, i)
        if n > 0 {
            tokens.append(current)
            current = []
            i += n
        } else {
            current += bytes(units[i])
            i += 1
        }
    }
    tokens.append(current)
    return tokens
}

/// One byte per unit, separators are single member bytes, or maximal runs of them (`+`).
func referenceByteSplit(_ line: [UInt8], repeated: Bool, isSeparator: (UInt8) -> Bool) -> [[UInt8]] {
    referenceSplit(line, bytes: { [$0] }) { units, i in
        guard isSeparator(units[i]) else { return 0 }
        guard repeated else { return 1 }
        var k = i
        while k < units.count && isSeparator(units[k]) { k += 1 }
        return k - i
    }
}

/// The code points of bytes as Java decodes them (a valid sequence, or one maximal invalid
/// subpart), each with its bytes; nil scalar for an invalid subpart.
func codePointUnits(_ bytes: [UInt8]) -> [(scalar: Unicode.Scalar?, bytes: [UInt8])] {
    var units: [(Unicode.Scalar?, [UInt8])] = []
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var at = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            let n = encoded.count
            units.append((Unicode.UTF8.decode(encoded), Array(bytes[at..<(at + n)])))
            at += n
        case .error(let length):
            units.append((nil, Array(bytes[at..<(at + length)])))
            at += length
        case .emptyInput:
            return units
        }
    }
}

/// Bytes as Spark's split() sees them: decoded to a Java String as JDK 17's `new String(bytes,
/// UTF_8)` does (malformed input becomes U+FFFD), and encoded again. Written after the JDK's
/// decoder, case by case: it differs from Swift's on encoded surrogates.
func sparkDecoded(_ b: [UInt8]) -> [UInt8] {
    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    func isContinuation(_ x: UInt8) -> Bool { x & 0xC0 == 0x80 }
    var out: [UInt8] = []
    var i = 0
    while i < b.count {
        let b1 = b[i]
        switch b1 {
        case 0..<0x80:
            out.append(b1)
            i += 1
        case 0xC2...0xDF:
            if i + 1 < b.count && isContinuation(b[i + 1]) { out += b[i...(i + 1)]; i += 2 } else { out += replacement; i += 1 }
        case 0xE0...0xEF:
            let badSecond = { (b2: UInt8) in (b1 == 0xE0 && b2 & 0xE0 == 0x80) || !isContinuation(b2) }
            if i + 2 < b.count {
                let b2 = b[i + 1], b3 = b[i + 2]
                if badSecond(b2) || !isContinuation(b3) {
                    out += replacement
                    i += badSecond(b2) ? 1 : 2
                } else {
                    out += (b1 == 0xED && b2 >= 0xA0) ? replacement : Array(b[i...(i + 2)])   // a surrogate
                    i += 3
                }
            } else if i + 1 < b.count && badSecond(b[i + 1]) {
                out += replacement
                i += 1
            } else {
                out += replacement   // truncated at the end: one replacement for the rest
                i = b.count
            }
        case 0xF0...0xF7:
            let badSecond = { (b2: UInt8) in
                b1 > 0xF4 || (b1 == 0xF0 && !(0x90...0xBF).contains(b2)) || (b1 == 0xF4 && b2 & 0xF0 != 0x80) || !isContinuation(b2)
            }
            if i + 3 < b.count {
                let b2 = b[i + 1], b3 = b[i + 2], b4 = b[i + 3]
                if badSecond(b2) || !isContinuation(b3) || !isContinuation(b4) {
                    out += replacement
                    i += badSecond(b2) ? 1 : (!isContinuation(b3) ? 2 : 3)
                } else {
                    out += b[i...(i + 3)]
                    i += 4
                }
            } else if i + 1 < b.count && badSecond(b[i + 1]) || b1 > 0xF4 {
                out += replacement
                i += 1
            } else if i + 2 < b.count && !isContinuation(b[i + 2]) {
                out += replacement
                i += 2
            } else {
                out += replacement
                i = b.count
            }
        default:
            out += replacement
            i += 1
        }
    }
    return out
}

/// Lines as the text scanner reads them: split at \n, a trailing \r dropped, no line after a final \n.
func textLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines.map { $0.last == 13 ? Array($0.dropLast()) : $0 }
}

/// Counts of every token of every line.
func tokenCounts(_ lines: [[UInt8]], _ split: ([UInt8]) -> [[UInt8]]) -> [[UInt8]: Int64] {
    var counts: [[UInt8]: Int64] = [:]
    for line in lines { for token in split(line) { counts[token, default: 0] += 1 } }
    return counts
}

/// Java's predefined classes (ASCII only, as Spark's regexes have them).
enum JavaClass {
    static func isSpace(_ c: UInt32) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isWord(_ c: UInt32) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }
    static func isLetter(_ c: UInt32) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    /// What `.` does not match: Java's line terminators.
    static func isLineTerminator(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D || c == 0x85 || c == 0x2028 || c == 0x2029 }
}
