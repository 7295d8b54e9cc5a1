// round and abs with Spark's semantics (non-ANSI):
//   - round(x, scale) rounds HALF_UP (ties away from zero). On a double it rounds the decimal
//     number Java's Double.toString prints, as Spark's `BigDecimal(x).setScale(scale, HALF_UP)`
//     does, so round(2.675, 2) is 2.68 (not 2.67 as binary rounding gives); NaN and infinities are
//     returned as they are and a zero result is +0.0. On a bigint a scale ≥ 0 changes nothing and a
//     negative scale rounds to a multiple of 10^-scale, wrapping to 64 bits like BigDecimal.toLong.
//   - abs(bigint) wraps (abs(Long.MIN_VALUE) is Long.MIN_VALUE); abs(-0.0) is 0.0.

enum NumericFunctions {
    static func round(_ c: ColumnVector, scale: Int) throws -> ColumnVector {
        switch c.values {
        case .long(let v): return ColumnVector(.long(v.map { roundLong($0, scale: scale) }), validity: c.validity)
        case .double(let v): return ColumnVector(.double(v.map { roundDouble($0, scale: scale) }), validity: c.validity)
        default: throw typeError("round", c)
        }
    }

    static func abs(_ c: ColumnVector) throws -> ColumnVector {
        switch c.values {
        case .long(let v): return ColumnVector(.long(v.map { $0 < 0 ? 0 &- $0 : $0 }), validity: c.validity)
        case .double(let v): return ColumnVector(.double(v.map { Swift.abs($0) }), validity: c.validity)
        default: throw typeError("abs", c)
        }
    }

    @_spi(EmberInternal) public static func roundLong(_ x: Int64, scale: Int) -> Int64 {
        if scale >= 0 { return x }
        if scale < -19 { return 0 }
        var factor: UInt64 = 1
        for _ in 0..<(-scale) { factor &*= 10 }
        let magnitude = x.magnitude
        var q = magnitude / factor
        let r = magnitude % factor
        if r >= factor - r { q += 1 }
        let rounded = Int64(truncatingIfNeeded: q &* factor)
        return x < 0 ? 0 &- rounded : rounded
    }

    @_spi(EmberInternal) public static func roundDouble(_ x: Double, scale: Int) -> Double {
        if x.isNaN || x.isInfinite || x == 0 { return x == 0 ? 0 : x }
        let (digits, point) = decimalDigits(Swift.abs(x))
        let keep = point + scale
        if keep >= digits.count { return x }
        if keep < 0 { return 0 }
        var kept = Array(digits[0..<keep])
        if digits[keep] >= 5 {
            var k = kept.count - 1
            while k >= 0 && kept[k] == 9 { kept[k] = 0; k -= 1 }
            if k >= 0 { kept[k] += 1 } else { kept.insert(1, at: 0) }
        }
        if kept.allSatisfy({ $0 == 0 }) { return 0 }
        let text = (x < 0 ? "-" : "") + kept.map { String($0) }.joined() + "e" + String(-scale)
        return Double(text) ?? x
    }

    /// The shortest round-trip decimal digits of a positive finite double, and how many of them
    /// stand before the decimal point (negative: zeros after the point first).
    static func decimalDigits(_ x: Double) -> ([Int], Int) {
        let text = "\(x)"   // shortest round-trip digits, e.g. "2.675", "1e-05", "1.5e+20"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacingPlus()) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        var digits = (integer + fraction).compactMap { $0.wholeNumberValue }
        var point = integer.count + exponent
        while digits.first == 0 && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.last == 0 && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }
}

private extension Substring {
    func replacingPlus() -> Substring { first == "+" ? dropFirst() : self }
}
