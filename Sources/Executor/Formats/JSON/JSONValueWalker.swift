// JSONValueWalker: consumes one whole JSON value (of any depth) at a JSONCursor, validating it,
// and optionally writes it back as compact JSON text the way Spark's Jackson generator would
// (the text a nested value or a number gets in a string column).

@_spi(EmberInternal) import Planner

/// Scratch state a walk reuses from line to line (no allocation per value once warm).
struct JSONWalkScratch {
    /// Open containers, innermost last: true for an object, false for an array.
    var containers: [Bool] = []
    /// Unescaped string bytes.
    var bytes: [UInt8] = []
}

extension JSONCursor {
    /// Consumes the value at the cursor (after whitespace) and everything nested in it. With
    /// `out`, appends it as compact JSON: no whitespace, strings re-escaped as Jackson writes them
    /// (see ``OutputBuffer/appendJSONString(_:)``), integers as written (`-0` as `0`), other
    /// numbers as Java's `Double.toString` of their value (non-finite ones as the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`).
    /// Iterative, so deep nesting cannot overflow the stack; deeper than ``maxDepth`` is an error.
    mutating func walkValue(_ scratch: inout JSONWalkScratch, into out: OutputBuffer?) throws(JSONSyntaxError) {
        scratch.containers.removeAll(keepingCapacity: true)
        while true {
            // A value starts here.
            switch try peekValue() {
            case .object:
                position += 1
                out?.append(UInt8(ascii: "{"))
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    position += 1
                    out?.append(UInt8(ascii: "}"))
                } else {
                    guard scratch.containers.count < Self.maxDepth else { throw error(.tooDeep) }
                    scratch.containers.append(true)
                    try walkKey(&scratch, into: out)
                    continue
                }
            case .array:
                position += 1
                out?.append(UInt8(ascii: "["))
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    position += 1
                    out?.append(UInt8(ascii: "]"))
                } else {
                    guard scratch.containers.count < Self.maxDepth else { throw error(.tooDeep) }
                    scratch.containers.append(false)
                    continue
                }
            case .string:
                let span = try scanString()
                if let out { appendString(span, &scratch.bytes, to: out) }
            case .number:
                let number = try scanNumber()
                if let out { appendNumber(number, to: out) }
            case let literal:
                let start = position
                try consumeLiteral(literal)
                out?.append(bytes(start, position))
            }
            // After a value: close containers, or go on to the next element.
            while true {
                guard let inObject = scratch.containers.last else { return }
                skipWhitespace()
                let b = current
                if b == UInt8(ascii: ",") {
                    position += 1
                    out?.append(UInt8(ascii: ","))
                    if inObject { try walkKey(&scratch, into: out) }
                    break
                }
                guard b == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw error(.unexpectedByte) }
                position += 1
                out?.append(b)
                scratch.containers.removeLast()
            }
        }
    }

    /// Consumes `"name":` inside an object.
    private mutating func walkKey(_ scratch: inout JSONWalkScratch, into out: OutputBuffer?) throws(JSONSyntaxError) {
        skipWhitespace()
        guard isQuote(current) else { throw error(.expectedKey) }
        let span = try scanString()
        if let out { appendString(span, &scratch.bytes, to: out) }
        try expect(UInt8(ascii: ":"), .expectedColon)
        out?.append(UInt8(ascii: ":"))
    }

    /// Appends a scanned string, quoted and escaped.
    func appendString(_ span: StringSpan, _ scratch: inout [UInt8], to out: OutputBuffer) {
        if !span.escaped && base[span.start - 1] == UInt8(ascii: "\"") {
            out.appendJSONString(bytes(span.start, span.end))   // nothing to re-escape but control characters (refused already)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        unescape(span, into: &scratch)
        scratch.withUnsafeBytes { out.appendJSONString($0) }
    }

    /// Appends a number as Jackson re-generates it.
    func appendNumber(_ number: NumberSpan, to out: OutputBuffer) {
        if number.isInteger {
            if number.end - number.start == 2 && base[number.start] == UInt8(ascii: "-") && base[number.start + 1] == UInt8(ascii: "0") {
                out.append(UInt8(ascii: "0"))
            } else {
                out.append(bytes(number.start, number.end))
            }
            return
        }
        let value = doubleValue(number)
        if value.isFinite {
            out.appendDouble(value)
        } else {
            out.append(UInt8(ascii: "\""))
            out.appendDouble(value)
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension OutputBuffer {
    /// Appends `bytes` (UTF-8) as a JSON string in double quotes, escaped as Jackson (Spark's JSON
    /// generator) escapes: `\"`, `\\`, the short escapes `\b \t \n \f \r`, other bytes below 0x20
    /// as `\u00XX` (upper-case hex); everything else, non-ASCII included, as it is.
    func appendJSONString(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count + 2)
        appendUnchecked(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            if i > runStart { append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            reserve(6)
            appendUnchecked(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): appendUnchecked(b)
            case 0x08: appendUnchecked(UInt8(ascii: "b"))
            case 0x09: appendUnchecked(UInt8(ascii: "t"))
            case 0x0A: appendUnchecked(UInt8(ascii: "n"))
            case 0x0C: appendUnchecked(UInt8(ascii: "f"))
            case 0x0D: appendUnchecked(UInt8(ascii: "r"))
            default:
                let hex: StaticString = "0123456789ABCDEF"
                appendUnchecked(UInt8(ascii: "u"))
                appendUnchecked(UInt8(ascii: "0"))
                appendUnchecked(UInt8(ascii: "0"))
                appendUnchecked(hex.utf8Start[Int(b >> 4)])
                appendUnchecked(hex.utf8Start[Int(b & 0xF)])
            }
        }
        if bytes.count > runStart { append(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        append(UInt8(ascii: "\""))
    }
}
