// ValueParsers: bigint, double, boolean, date and timestamp values parsed straight from UTF-8
// bytes, with the text rules of Spark's CSV reader (Java's Long.parseLong, Double.parseDouble…).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// Parsers from bytes to values; each returns nil when the text is not a value of its type.
///
/// | type      | accepted text                                                                  |
/// |-----------|--------------------------------------------------------------------------------|
/// | bigint    | `[+-]digits`, no spaces, within Int64 (Java `Long.parseLong`)                   |
/// | double    | spaces trimmed; `[+-]` then `digits[.digits]` or `.digits`, optional `e[+-]digits`, optional `d`/`f` suffix; `NaN`, `Inf`, `Infinity` with optional sign (Java `Double.parseDouble` plus Spark's `nanValue`/`positiveInf`/`negativeInf` defaults) |
/// | boolean   | `true` / `false`, any case                                                      |
/// | date      | `yyyy-[M]M-[d]d` (4-digit year), a valid calendar day                           |
/// | timestamp | a date, optionally followed by ` ` or `T`, `[H]H:[m]m[:[s]s[.fraction]]` (fraction up to 9 digits, kept to microseconds), and a zone `Z` or `±HH[:mm]`; no zone means UTC |
///
/// Doubles are correctly rounded (same result as Swift's `Double(String)`): a fast exact path
/// for at most 15 significant digits and a power of ten ≤ 22, otherwise the validated text is
/// copied to a stack buffer for `strtod`, which rounds correctly.
enum ValueParsers {
    @inline(__always)
    static func digit(_ byte: UInt8) -> UInt64? {
        let d = byte &- 0x30
        return d < 10 ? UInt64(d) : nil
    }

    static func parseLong(_ text: UnsafeRawBufferPointer) -> Int64? {
        let n = text.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if text[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return nil }
        var value: UInt64 = 0
        if n - i <= 18 {
            // At most 18 digits cannot overflow.
            while i < n {
                let d = text[i] &- 0x30
                if d > 9 { return nil }
                value = value &* 10 &+ UInt64(d)
                i += 1
            }
            return negative ? -Int64(value) : Int64(value)
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        while i < n {
            let d = text[i] &- 0x30
            if d > 9 { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            if o1 || o2 || sum > limit { return nil }
            value = sum
            i += 1
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- value) : Int64(value)
    }

    /// The common case in one tight loop: `-`? digits with at most one `.`, at most 15 digits in
    /// all (so the digits are an exact integer and 10^fraction digits an exact power: one
    /// correctly rounded division, Clinger's fast path). Anything else is nil, for the full parser.
    @inline(__always)
    static func parsePlainDecimal(_ raw: UnsafeRawBufferPointer) -> Double? {
        let n = raw.count
        guard n > 0 && n <= 17, let base = raw.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let negative = p[0] == UInt8(ascii: "-")
        var i = negative ? 1 : 0
        var mantissa: UInt64 = 0
        var digits = 0
        var point = -1
        while i < n {
            let d = p[i] &- UInt8(ascii: "0")
            if d < 10 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            } else if p[i] == UInt8(ascii: ".") && point < 0 {
                point = digits
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 && digits <= 15 else { return nil }
        let fraction = point < 0 ? 0 : digits - point
        let v = Double(mantissa) / smallPowerOfTen(fraction)
        return negative ? -v : v
    }

    /// 10^e for 0 ≤ e ≤ 15, exact, without an array access in the per-value path.
    @inline(__always)
    static func smallPowerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
    }

    /// Exact powers of ten (all representable in a Double).
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    static func parseDouble(_ raw: UnsafeRawBufferPointer) -> Double? {
        if let v = parsePlainDecimal(raw) { return v }
        var lo = 0, hi = raw.count
        while lo < hi && raw[lo] <= 0x20 { lo += 1 }
        while hi > lo && raw[hi - 1] <= 0x20 { hi -= 1 }
        guard lo < hi else { return nil }
        var i = lo
        var negative = false
        if raw[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if raw[i] == UInt8(ascii: "+") { i += 1 }
        guard i < hi else { return nil }
        if raw[i] >= UInt8(ascii: "A") { return special(UnsafeRawBufferPointer(rebasing: raw[i..<hi]), negative: negative) }
        // Java accepts a type suffix: 1.5d, 2f.
        let last = raw[hi - 1] | 0x20
        if last == UInt8(ascii: "d") || last == UInt8(ascii: "f") { hi -= 1 }

        var mantissa: UInt64 = 0
        var significant = 0        // significant digits seen (leading zeros excluded)
        var dropped = 0            // digits beyond 19 not kept in `mantissa` (integer part)
        var exponent = 0           // decimal exponent applied to `mantissa`
        var digits = 0
        while i < hi, let d = digit(raw[i]) {
            if significant < 19 {
                mantissa = mantissa * 10 + d
                if mantissa != 0 { significant += 1 }
            } else { dropped += 1 }
            digits += 1
            i += 1
        }
        if i < hi && raw[i] == UInt8(ascii: ".") {
            i += 1
            while i < hi, let d = digit(raw[i]) {
                if significant < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else { significant += 1 }   // mark as inexact: more than 19 digits
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < hi && (raw[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < hi && raw[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < hi && raw[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            var expDigits = 0
            while i < hi, let d = digit(raw[i]) {
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == hi else { return nil }
        exponent += dropped
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if significant <= 15 && dropped == 0 && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * exactPowers[exponent] : m / exactPowers[-exponent]
            return negative ? -v : v
        }
        return slowParse(UnsafeRawBufferPointer(rebasing: raw[lo..<hi]))
    }

    /// `NaN`, `Inf`, `Infinity` (the sign is already consumed).
    private static func special(_ word: UnsafeRawBufferPointer, negative: Bool) -> Double? {
        if equalsASCII(word, "NaN") { return .nan }
        if equalsASCII(word, "Inf") || equalsASCII(word, "Infinity") { return negative ? -.infinity : .infinity }
        return nil
    }

    /// Correctly rounded conversion of already validated text by the C library.
    private static func slowParse(_ text: UnsafeRawBufferPointer) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buf -> Double? in
            let n = text.count
            for k in 0..<n { buf[k] = CChar(bitPattern: text[k]) }
            buf[n] = 0
            guard let base = buf.baseAddress else { return nil }
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(base, &end)
            return end == base + n ? v : nil
        }
    }

    @inline(__always)
    static func equalsASCII(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<bytes.count where bytes[k] != w[k] { return false }
        return true
    }

    static func parseBoolean(_ text: UnsafeRawBufferPointer) -> Bool? {
        if text.count == 4 {
            if text[0] | 0x20 == 0x74, text[1] | 0x20 == 0x72, text[2] | 0x20 == 0x75, text[3] | 0x20 == 0x65 { return true }
        } else if text.count == 5 {
            if text[0] | 0x20 == 0x66, text[1] | 0x20 == 0x61, text[2] | 0x20 == 0x6C, text[3] | 0x20 == 0x73,
               text[4] | 0x20 == 0x65 { return false }
        }
        return nil
    }

    /// Reads 1 or 2 digits (or exactly `exactly` digits) at `i`.
    @inline(__always)
    private static func number(_ t: UnsafeRawBufferPointer, _ i: inout Int, min: Int, max: Int) -> Int? {
        var v = 0
        var count = 0
        while count < max && i < t.count, let d = digit(t[i]) {
            v = v * 10 + Int(d)
            count += 1
            i += 1
        }
        return count >= min ? v : nil
    }

    /// Parses `yyyy-[M]M-[d]d` at the start of `t`; `i` ends after the day.
    private static func datePrefix(_ t: UnsafeRawBufferPointer, _ i: inout Int) -> Int64? {
        guard let y = number(t, &i, min: 4, max: 4), i < t.count, t[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let m = number(t, &i, min: 1, max: 2), i < t.count, t[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let d = number(t, &i, min: 1, max: 2), m >= 1, m <= 12, d >= 1, d <= daysInMonth(y, m) else { return nil }
        return daysFromCivil(Int64(y), Int64(m), Int64(d))
    }


    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since the epoch.
    static func parseDate(_ text: UnsafeRawBufferPointer) -> Int32? {
        var i = 0
        guard let days = datePrefix(text, &i), i == text.count else { return nil }
        return Int32(days)
    }

    /// Microseconds since the epoch (UTC unless the text has a zone).
    static func parseTimestamp(_ t: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        guard let days = datePrefix(t, &i) else { return nil }
        var seconds = days * 86_400
        var micros: Int64 = 0
        let n = t.count
        if i < n && (t[i] == UInt8(ascii: " ") || t[i] == UInt8(ascii: "T")) {
            i += 1
            guard let h = number(t, &i, min: 1, max: 2), h < 24, i < n, t[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let mi = number(t, &i, min: 1, max: 2), mi < 60 else { return nil }
            var s = 0
            if i < n && t[i] == UInt8(ascii: ":") {
                i += 1
                guard let v = number(t, &i, min: 1, max: 2), v < 60 else { return nil }
                s = v
                if i < n && t[i] == UInt8(ascii: ".") {
                    i += 1
                    var scale: Int64 = 100_000
                    var count = 0
                    while i < n, let d = digit(t[i]), count < 9 {
                        micros += Int64(d) * scale
                        scale /= 10
                        count += 1
                        i += 1
                    }
                    guard count > 0 else { return nil }
                }
            }
            seconds += Int64(h * 3600 + mi * 60 + s)
            if i < n {
                if t[i] == UInt8(ascii: "Z") {
                    i += 1
                } else if t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") {
                    let sign: Int64 = t[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = number(t, &i, min: 2, max: 2), oh <= 18 else { return nil }
                    var om = 0
                    if i < n && t[i] == UInt8(ascii: ":") { i += 1 }
                    if i < n { guard let v = number(t, &i, min: 2, max: 2), v < 60 else { return nil }; om = v }
                    seconds -= sign * Int64(oh * 3600 + om * 60)
                }
            }
        }
        guard i == n else { return nil }
        return seconds * 1_000_000 + micros
    }
}
