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

/// Bytes as Spark's split() sees them: decoded to a Java String (each maximal invalid subpart
/// becomes U+FFFD) and encoded again.
func sparkDecoded(_ bytes: [UInt8]) -> [UInt8] { Array(String(decoding: bytes, as: UTF8.self).utf8) }

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
