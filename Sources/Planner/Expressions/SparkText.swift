// SparkText: how Spark (non-ANSI) reads numbers and booleans out of strings, byte by byte, for
// casts. Text that is not a number gives nil (the cast's null).

enum SparkText {
    /// Spark's UTF8String.trimAll and toLong trim bytes that are whitespace or ISO control
    /// characters in Java (0x00–0x20 and 0x7F); Java's String.trim only 0x00–0x20.
    @inline(__always) static func isSparkBlank(_ b: UInt8) -> Bool { b <= 0x20 || b == 0x7F }

    static func trimmed(_ text: UnsafeBufferPointer<UInt8>, _ blank: (UInt8) -> Bool) -> Slice<UnsafeBufferPointer<UInt8>> {
        var lo = 0, hi = text.count
        while lo < hi && blank(text[lo]) { lo += 1 }
        while hi > lo && blank(text[hi - 1]) { hi -= 1 }
        return text[lo..<hi]
    }

    /// Spark's UTF8String.toLong: trimmed, an optional sign, decimal digits, then optionally a
    /// '.' and more digits, which are dropped ("1.9" → 1, "-.5" → 0, "." → 0). Anything else,
    /// a lone sign, or a value outside bigint gives nil; so do exponents ("1e3").
    static func parseLong(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var digits = trimmed(text, isSparkBlank)
        guard let first = digits.first else { return nil }
        let negative = first == UInt8(ascii: "-")
        if negative || first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
            if digits.isEmpty { return nil }
        }
        // Accumulate negatively: bigint's minimum has no positive counterpart.
        var result: Int64 = 0
        var fraction = false
        for b in digits {
            if b == UInt8(ascii: ".") && !fraction { fraction = true; continue }
            guard b &- UInt8(ascii: "0") < 10 else { return nil }
            if fraction { continue }
            let (times10, o1) = result.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(b &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            result = next
        }
        if negative { return result }
        return result == .min ? nil : -result
    }

    /// Spark's cast of a string to double: Java's Double.parseDouble (trimmed; an optional sign;
    /// decimal digits with an optional '.' and exponent, or a hexadecimal significand with a
    /// binary exponent `0x1.8p3`; an optional d/D/f/F suffix; `NaN` and `Infinity` spelt so), and
    /// when that fails, "inf", "+inf", "infinity", "+infinity", "-inf", "-infinity" and "nan" in
    /// any case.
    static func parseDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        let t = trimmed(text, { $0 <= 0x20 })
        if let v = javaDouble(t) { return v }
        guard t.count <= 9 else { return nil }
        switch String(decoding: t, as: UTF8.self).lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }

    /// Java's grammar for Double.parseDouble on trimmed text; the value is rounded correctly
    /// (Swift's parser, given only text that grammar accepts).
    static func javaDouble(_ t: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        var body = t
        var sign = ""
        if let f = body.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            sign = f == UInt8(ascii: "-") ? "-" : ""
            body = body.dropFirst()
        }
        if body.elementsEqual("NaN".utf8) { return .nan }
        if body.elementsEqual("Infinity".utf8) { return sign == "-" ? -.infinity : .infinity }
        if let l = body.last, "dDfF".utf8.contains(l) { body = body.dropLast() }
        let isHex = body.count > 2 && body.first == UInt8(ascii: "0") && (body.dropFirst().first.map { $0 | 0x20 } == UInt8(ascii: "x"))
        guard isHex ? isJavaHex(body.dropFirst(2)) : isJavaDecimal(body) else { return nil }
        return Double(sign + String(decoding: body, as: UTF8.self))
    }

    /// digits [. digits] [(e|E) [sign] digits], with at least one significand digit.
    static func isJavaDecimal(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var i = s.startIndex
        var significandDigits = 0
        func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
        while i < s.endIndex && isDigit(s[i]) { i += 1; significandDigits += 1 }
        if i < s.endIndex && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.endIndex && isDigit(s[i]) { i += 1; significandDigits += 1 }
        }
        guard significandDigits > 0 else { return false }
        if i == s.endIndex { return true }
        guard s[i] | 0x20 == UInt8(ascii: "e") else { return false }
        i += 1
        if i < s.endIndex && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        let exponentStart = i
        while i < s.endIndex && isDigit(s[i]) { i += 1 }
        return i > exponentStart && i == s.endIndex
    }

    /// After "0x": hex digits [. hex digits] (p|P) [sign] decimal digits (the exponent is required).
    static func isJavaHex(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var i = s.startIndex
        var significandDigits = 0
        func isHexDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 || (b | 0x20) &- UInt8(ascii: "a") < 6 }
        while i < s.endIndex && isHexDigit(s[i]) { i += 1; significandDigits += 1 }
        if i < s.endIndex && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.endIndex && isHexDigit(s[i]) { i += 1; significandDigits += 1 }
        }
        guard significandDigits > 0, i < s.endIndex, s[i] | 0x20 == UInt8(ascii: "p") else { return false }
        i += 1
        if i < s.endIndex && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        let exponentStart = i
        while i < s.endIndex && s[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i > exponentStart && i == s.endIndex
    }

    /// Spark's StringUtils.isTrueString / isFalseString: trimmed (as trimAll), any case.
    static func parseBoolean(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        let t = trimmed(text, isSparkBlank)
        guard t.count <= 5 else { return nil }
        switch String(decoding: t, as: UTF8.self).lowercased() {
        case "t", "true", "y", "yes", "1": return true
        case "f", "false", "n", "no", "0": return false
        default: return nil
        }
    }
}
