// DateFormatPattern: `to_date(str, format)` with Spark's datetime patterns (java.time's
// DateTimeFormatter letters, parsed case-insensitively and strictly: the whole text must match,
// and impossible dates such as 2023-02-30 give null, as in Spark with ANSI off).
//
//   y yyy yyyy…   year, at least that many digits (yy: two digits, 2000–2099)
//   M / MM        month, 1–2 digits / exactly 2;  MMM Jan…Dec;  MMMM January…December
//   d / dd        day of month;  H/HH hour;  m/mm minute;  s/ss second (checked, then dropped)
//   S…            fraction of a second, exactly that many digits (dropped)
//   'text'        literal text ('' is a quote); other non-letters are literal
//
// A variable-width number directly followed by fixed-width numbers leaves them their digits
// (java.time's adjacent value parsing), so `yyyyMMdd` reads 20240131. Fields that are absent
// default to 1970-01-01.

@_spi(EmberInternal) public struct DateFormatPattern: Sendable {
    enum Field { case year, month, day, hour, minute, second, fraction }
    enum Item {
        case number(Field, minDigits: Int, maxDigits: Int)
        case twoDigitYear
        case monthName(full: Bool)
        case literal([UInt8])
    }
    let items: [Item]

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december"]

    @_spi(EmberInternal) public init(_ pattern: String) throws {
        var items: [Item] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                var j = i + 1, text = ""
                if j < chars.count && chars[j] == "'" { items.append(.literal(Array("'".utf8))); i += 2; continue }
                while j < chars.count {
                    if chars[j] == "'" {
                        if j + 1 < chars.count && chars[j + 1] == "'" { text.append("'"); j += 2; continue }
                        break
                    }
                    text.append(chars[j]); j += 1
                }
                guard j < chars.count else {
                    throw EmberError(.analysis, "unterminated quote in the datetime pattern '\(pattern)'")
                }
                items.append(.literal(Array(text.utf8)))
                i = j + 1
                continue
            }
            guard c.isASCII && c.isLetter else { items.append(.literal(Array(String(c).utf8))); i += 1; continue }
            var n = 1
            while i + n < chars.count && chars[i + n] == c { n += 1 }
            switch (c, n) {
            case ("y", 2): items.append(.twoDigitYear)
            case ("y", _): items.append(.number(.year, minDigits: n, maxDigits: Swift.max(n, 10)))
            case ("M", 1...2), ("L", 1...2): items.append(.number(.month, minDigits: n, maxDigits: 2))
            case ("M", 3), ("L", 3): items.append(.monthName(full: false))
            case ("M", 4), ("L", 4): items.append(.monthName(full: true))
            case ("d", 1...2): items.append(.number(.day, minDigits: n, maxDigits: 2))
            case ("H", 1...2): items.append(.number(.hour, minDigits: n, maxDigits: 2))
            case ("m", 1...2): items.append(.number(.minute, minDigits: n, maxDigits: 2))
            case ("s", 1...2): items.append(.number(.second, minDigits: n, maxDigits: 2))
            case ("S", 1...9): items.append(.number(.fraction, minDigits: n, maxDigits: n))
            default:
                throw EmberError(.analysis, "the datetime pattern letter '\(String(repeating: c, count: n))' in '\(pattern)' is not supported",
                                 hint: "use y, M, d, H, m, s, S and literal text, e.g. 'yyyy-MM-dd' or 'dd/MM/yyyy HH:mm:ss'")
            }
            i += n
        }
        self.items = items
    }

    /// Parses every non-null string of a column into a date (null where it does not match).
    func parseDates(_ c: ColumnVector) throws -> ColumnVector {
        let s = try StringFunctions.strings(c, "to_date")
        return Cast.parse(s, c.validity, zero: Int32(0), as: ColumnValues.date) { parse($0) }
    }

    /// Digits a fixed-width number item needs (nil: not fixed-width numeric).
    static func fixedWidth(_ item: Item) -> Int? {
        switch item {
        case .number(_, let lo, let hi) where lo == hi: return lo
        case .twoDigitYear: return 2
        default: return nil
        }
    }

    func parse(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1
        var at = 0
        for (k, item) in items.enumerated() {
            switch item {
            case .literal(let bytes):
                guard at + bytes.count <= text.count else { return nil }
                for (o, b) in bytes.enumerated() where Self.lower(text[at + o]) != Self.lower(b) { return nil }
                at += bytes.count
            case .monthName(let full):
                var matched = false
                for (index, name) in Self.monthNames.enumerated() {
                    let candidate = Array((full ? name : String(name.prefix(3))).utf8)
                    guard at + candidate.count <= text.count else { continue }
                    if candidate.indices.allSatisfy({ Self.lower(text[at + $0]) == candidate[$0] }) {
                        month = Int64(index + 1); at += candidate.count; matched = true; break
                    }
                }
                if !matched { return nil }
            case .twoDigitYear:
                guard let v = number(text, &at, min: 2, max: 2) else { return nil }
                year = 2000 + v
            case .number(let field, let lo, let hi):
                var limit = hi
                if lo != hi {
                    // Adjacent value parsing: leave the following fixed-width numbers their digits.
                    var reserved = 0, next = k + 1
                    while next < items.count, let w = Self.fixedWidth(items[next]) { reserved += w; next += 1 }
                    if reserved > 0 {
                        var available = 0
                        while at + available < text.count && Self.isDigit(text[at + available]) { available += 1 }
                        limit = Swift.min(hi, available - reserved)
                    }
                }
                guard let v = number(text, &at, min: lo, max: limit) else { return nil }
                switch field {
                case .year: year = v
                case .month: month = v
                case .day: day = v
                case .hour: guard v < 24 else { return nil }
                case .minute, .second: guard v < 60 else { return nil }
                case .fraction: break
                }
            }
        }
        guard at == text.count, month >= 1, month <= 12, day >= 1, day <= DateFunctions.daysInMonth(year, month) else { return nil }
        return Int32(exactly: daysFromCivil(year, month, day))
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Reads min…max digits at `at`.
    func number(_ text: UnsafeBufferPointer<UInt8>, _ at: inout Int, min lo: Int, max hi: Int) -> Int64? {
        var v: Int64 = 0, n = 0
        while n < hi && at + n < text.count && Self.isDigit(text[at + n]) {
            v = v &* 10 &+ Int64(text[at + n] - 0x30)
            n += 1
        }
        guard n >= lo, n > 0 else { return nil }
        at += n
        return v
    }
}
