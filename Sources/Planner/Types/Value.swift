// Value: one scalar of any DataType (or null). Used for literals, collected rows and tests;
// never on the per-row hot path, which works on typed column buffers.

public indirect enum Value: Sendable, Codable, Hashable, CustomStringConvertible {
    case null
    case long(Int64)
    case double(Double)
    case boolean(Bool)
    case string(String)
    case date(Int32)
    case timestamp(Int64)
    case array([Value])

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The type of a non-null value (nil for null).
    public var dataType: DataType? {
        switch self {
        case .null: return nil
        case .long: return .long
        case .double: return .double
        case .boolean: return .boolean
        case .string: return .string
        case .date: return .date
        case .timestamp: return .timestamp
        case .array(let xs): return .array(xs.lazy.compactMap(\.dataType).first ?? .string)
        }
    }

    public var longValue: Int64? { if case .long(let v) = self { return v } else { return nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): return v
        case .long(let v): return Double(v)
        default: return nil
        }
    }
    public var stringValue: String? { if case .string(let v) = self { return v } else { return nil } }
    public var boolValue: Bool? { if case .boolean(let v) = self { return v } else { return nil } }

    /// Text as Spark prints it in `show()` and CSV output (null → "null").
    public var description: String {
        switch self {
        case .null: return "null"
        case .long(let v): return String(v)
        case .double(let v): return formatDouble(v)
        case .boolean(let v): return v ? "true" : "false"
        case .string(let v): return v
        case .date(let d): return formatDate(d)
        case .timestamp(let t): return formatTimestamp(t)
        case .array(let xs): return "[" + xs.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// Formats a double the way Java's `Double.toString` does (Spark's text output): shortest round-trip
/// digits, plain notation for 1e-3 ≤ |x| < 1e7, otherwise `d.dddE±n`.
@_spi(EmberInternal) public func formatDouble(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
    if v == 0 { return v.sign == .minus ? "-0.0" : "0.0" }
    let mag = abs(v)
    if mag >= 1e-3 && mag < 1e7 {
        let s = "\(v)"
        if s.contains("e") { return javaScientific(v) }
        return s.contains(".") ? s : s + ".0"
    }
    return javaScientific(v)
}

private func javaScientific(_ v: Double) -> String {
    // Swift prints shortest digits as e.g. "1.234e+20" or "1e-05"; rewrite to Java's "1.234E20" / "1.0E-5".
    var s = "\(v)"
    if !s.contains("e") {
        // Plain notation from Swift (e.g. 12345678.0): derive the exponent by hand.
        let negative = s.hasPrefix("-")
        if negative { s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        var intPart = String(parts[0])
        var frac = parts.count > 1 ? String(parts[1]) : ""
        var exp = 0
        if intPart == "0" {
            // 0.000123 → 1.23E-4
            var i = frac.startIndex
            while i < frac.endIndex && frac[i] == "0" { exp -= 1; i = frac.index(after: i) }
            exp -= 1
            let digits = String(frac[i...])
            intPart = String(digits.prefix(1))
            frac = String(digits.dropFirst())
        } else {
            exp = intPart.count - 1
            frac = String(intPart.dropFirst()) + frac
            intPart = String(intPart.prefix(1))
        }
        while frac.hasSuffix("0") { frac.removeLast() }
        if frac.isEmpty { frac = "0" }
        return (negative ? "-" : "") + intPart + "." + frac + "E" + String(exp)
    }
    let halves = s.split(separator: "e")
    var mantissa = String(halves[0])
    var exponent = String(halves[1])
    if !mantissa.contains(".") { mantissa += ".0" }
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    if let e = Int(exponent) { exponent = String(e) }
    return mantissa + "E" + exponent
}

/// Days since 1970-01-01 → "yyyy-MM-dd" (proleptic Gregorian, as Spark 3+).
@_spi(EmberInternal) public func formatDate(_ days: Int32) -> String {
    let (y, m, d) = civilFromDays(Int64(days))
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
}

/// Microseconds since the epoch (UTC) → "yyyy-MM-dd HH:mm:ss[.ffffff]".
@_spi(EmberInternal) public func formatTimestamp(_ micros: Int64) -> String {
    let secondsTotal = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    let fraction = micros - secondsTotal * 1_000_000
    let days = secondsTotal >= 0 ? secondsTotal / 86_400 : (secondsTotal - 86_399) / 86_400
    let secondOfDay = secondsTotal - days * 86_400
    var text = formatDate(Int32(days)) + " \(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
    if fraction != 0 {
        var f = pad(fraction, 6)
        while f.hasSuffix("0") { f.removeLast() }
        text += "." + f
    }
    return text
}

private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(abs(v))
    return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
}

/// Howard Hinnant's civil-from-days algorithm: (year, month, day) of days since 1970-01-01.
@inlinable @_spi(EmberInternal) public func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
}

/// Days since the epoch for a civil date.
@inlinable @_spi(EmberInternal) public func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}
