// Casts to and from dates and timestamps, as Spark's non-ANSI Cast (a value that does not
// convert is null):
//   - string → date: Spark's stringToDate after trimming whitespace and control characters:
//     `[+-]yyyy[y…]`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally followed by ' ' or 'T' and anything
//     (the time is ignored); a year has 4 to 7 digits, month and day 1 or 2; impossible dates
//     (2023-02-30) are null;
//   - string → timestamp: the date forms above, then optionally [ T]HH:mm[:ss[.f…]] and a 'Z';
//     seconds fractions keep microseconds;
//   - timestamp → date: the UTC day; date → timestamp: its midnight UTC;
//   - bigint → timestamp: seconds since the epoch; double → timestamp: seconds, NaN/±Inf → null;
//     timestamp → bigint: whole seconds (floor); timestamp → double: seconds with fraction;
//   - date → string and timestamp → string: their text (Cast's general path).

@_spi(EmberInternal) public enum DateCasts {
    static let microsPerDay: Int64 = 86_400_000_000

    /// The cast, or nil when this file does not handle the pair of types.
    static func evaluate(_ c: ColumnVector, to t: DataType) -> ColumnVector? {
        switch (c.values, t) {
        case (.string(let s), .date):
            return Cast.parse(s, c.validity, zero: Int32(0), as: ColumnValues.date) { parseDate($0) }
        case (.string(let s), .timestamp):
            return Cast.parse(s, c.validity, zero: Int64(0), as: ColumnValues.timestamp) { parseTimestamp($0) }
        case (.timestamp(let v), .date):
            return ColumnVector(.date(v.map { Int32(truncatingIfNeeded: floorDivide($0, microsPerDay)) }), validity: c.validity)
        case (.date(let v), .timestamp):
            return ColumnVector(.timestamp(v.map { Int64($0) &* microsPerDay }), validity: c.validity)
        case (.long(let v), .timestamp):
            return ColumnVector(.timestamp(v.map { $0 &* 1_000_000 }), validity: c.validity)
        case (.double(let v), .timestamp):
            var valid = c.validity ?? Bitmap(count: v.count, value: true)
            var out = [Int64](repeating: 0, count: v.count)
            for i in 0..<v.count where valid[i] {
                if v[i].isFinite { out[i] = Cast.javaLong(v[i] * 1_000_000) } else { valid[i] = false }
            }
            return ColumnVector(.timestamp(out), validity: valid)
        case (.timestamp(let v), .long):
            return ColumnVector(.long(v.map { floorDivide($0, 1_000_000) }), validity: c.validity)
        case (.timestamp(let v), .double):
            return ColumnVector(.double(v.map { Double($0) / 1_000_000 }), validity: c.validity)
        default:
            return nil
        }
    }

    @inline(__always) static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Whitespace and control characters Spark's trimAll removes (ASCII ones).
    @inline(__always) static func isTrimmed(_ b: UInt8) -> Bool { b <= 0x20 || b == 0x7F }

    /// Days since the epoch of a date text as Spark casts it (nil: not a date).
    @_spi(EmberInternal) public static func days(_ text: String) -> Int32? {
        Array(text.utf8).withUnsafeBufferPointer { parseDate($0) }
    }

    /// Spark's stringToDate; nil when the text is not a date.
    static func parseDate(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        parseDatePrefix(text)?.0
    }

    /// Parses the date part; returns the day and where the text after it starts (at ' ' or 'T',
    /// or the end). A text with only a year or a year and month must end there.
    static func parseDatePrefix(_ text: UnsafeBufferPointer<UInt8>) -> (Int32, Int)? {
        var a = 0, b = text.count
        while a < b && isTrimmed(text[a]) { a += 1 }
        while b > a && isTrimmed(text[b - 1]) { b -= 1 }
        guard a < b else { return nil }
        var sign: Int64 = 1
        if text[a] == UInt8(ascii: "-") || text[a] == UInt8(ascii: "+") {
            sign = text[a] == UInt8(ascii: "-") ? -1 : 1
            a += 1
        }
        var segments: [Int64] = [1, 1, 1]
        var segment = 0, value: Int64 = 0, digits = 0
        var j = a
        func validDigits(_ segment: Int, _ digits: Int) -> Bool {
            segment == 0 ? (digits >= 4 && digits <= 7) : (digits > 0 && digits <= 2)
        }
        while j < b && !(text[j] == UInt8(ascii: " ") || text[j] == UInt8(ascii: "T")) {
            let c = text[j]
            if segment < 2 && c == UInt8(ascii: "-") {
                guard validDigits(segment, digits) else { return nil }
                segments[segment] = value
                value = 0; digits = 0; segment += 1
            } else {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int64(c - 0x30)
                digits += 1
            }
            j += 1
        }
        guard validDigits(segment, digits) else { return nil }
        if segment < 2 && j < b { return nil }
        segments[segment] = value
        let year = sign * segments[0], month = segments[1], day = segments[2]
        guard month >= 1 && month <= 12 && day >= 1 && day <= DateFunctions.daysInMonth(year, month),
              let days = Int32(exactly: daysFromCivil(year, month, day)) else { return nil }
        return (days, j == b ? text.count : j)
    }

    /// A timestamp: a date, then optionally [ T]HH:mm[:ss[.fraction]][Z].
    static func parseTimestamp(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var b = text.count
        while b > 0 && isTrimmed(text[b - 1]) { b -= 1 }
        guard let (days, start) = parseDatePrefix(UnsafeBufferPointer(rebasing: text[0..<b])) else { return nil }
        var micros = Int64(days) * microsPerDay
        var j = start
        if j >= b { return micros }
        j += 1   // the ' ' or 'T'
        if j >= b { return micros }
        func number(_ maxDigits: Int) -> Int64? {
            var v: Int64 = 0, n = 0
            while j < b && n < maxDigits && text[j] >= 0x30 && text[j] <= 0x39 { v = v * 10 + Int64(text[j] - 0x30); j += 1; n += 1 }
            return n == 0 ? nil : v
        }
        guard let hour = number(2), hour < 24, j < b, text[j] == UInt8(ascii: ":") else { return nil }
        j += 1
        guard let minute = number(2), minute < 60 else { return nil }
        var second: Int64 = 0, fraction: Int64 = 0
        if j < b && text[j] == UInt8(ascii: ":") {
            j += 1
            guard let s = number(2), s < 60 else { return nil }
            second = s
            if j < b && text[j] == UInt8(ascii: ".") {
                j += 1
                var scale: Int64 = 100_000, n = 0
                while j < b && text[j] >= 0x30 && text[j] <= 0x39 {
                    if n < 6 { fraction += Int64(text[j] - 0x30) * scale; scale /= 10 }
                    n += 1; j += 1
                }
                guard n > 0 else { return nil }
            }
        }
        if j < b && text[j] == UInt8(ascii: "Z") { j += 1 }
        guard j == b else { return nil }
        micros += ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
        return micros
    }
}
