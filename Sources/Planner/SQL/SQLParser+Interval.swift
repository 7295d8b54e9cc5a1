// Interval literals: `INTERVAL '3' MONTH`, `INTERVAL 3 DAYS`, `INTERVAL -1 YEAR`, several units
// (`INTERVAL 1 DAY 2 HOURS 30 MINUTES`), a string of them (`INTERVAL '1 day 2 hours'`), and the
// unit-to-unit strings (`INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '3 04:05:06.5' DAY TO SECOND`).
// Year-month and day-time units cannot be mixed (Spark 3.2+ without the legacy interval mode).

extension SQLParser {
    /// A unit word and what it adds: its field and how many of the field's base units it is
    /// (months for YEAR/MONTH, days for WEEK/DAY, microseconds below).
    static let intervalUnits: [String: (field: SQLIntervalField, factor: Int64)] = {
        let units: [(String, SQLIntervalField, Int64)] = [
            ("YEAR", .year, 12), ("MONTH", .month, 1), ("WEEK", .day, 7), ("DAY", .day, 1),
            ("HOUR", .hour, 3_600_000_000), ("MINUTE", .minute, 60_000_000), ("SECOND", .second, 1_000_000),
            ("MILLISECOND", .second, 1_000), ("MICROSECOND", .second, 1),
        ]
        var table: [String: (field: SQLIntervalField, factor: Int64)] = [:]
        for (name, field, factor) in units {
            table[name] = (field, factor)
            table[name + "S"] = (field, factor)
        }
        return table
    }()

    static let unitNames = "YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND"

    static func intervalUnit(_ token: SQLToken) -> (field: SQLIntervalField, factor: Int64)? {
        token.kind == .word ? intervalUnits[token.text.uppercased()] : nil
    }

    /// At INTERVAL: whether a literal follows (`'…'`, `n …`, or `+|- n unit`), rather than INTERVAL
    /// being a column's name (`interval - 1`).
    func startsIntervalLiteral() -> Bool {
        if peek().kind == .string || peek().kind == .number { return true }
        guard peek().symbol == .minus || peek().symbol == .plus else { return false }
        return (peek(2).kind == .number || peek(2).kind == .string) && Self.intervalUnit(peek(3)) != nil
    }

    mutating func parseInterval() throws -> SQLExpression {
        let start = advance().position
        var interval = IntervalBuilder()
        if current.kind == .string && Self.intervalUnit(peek()) == nil {
            // `INTERVAL '1 day 2 hours'`: the units are inside the string.
            let t = advance()
            let words = t.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty, words.count % 2 == 0 else { throw badIntervalString(t) }
            for k in stride(from: 0, to: words.count, by: 2) {
                guard let unit = Self.intervalUnits[words[k + 1].uppercased()] else { throw badIntervalString(t) }
                if let problem = interval.add(words[k], unit) { throw syntaxError(problem, at: t) }
            }
            return SQLExpression(.literal(.interval(interval.result)), at: start)
        }
        repeat {
            var sign = ""
            if current.symbol == .minus || current.symbol == .plus { sign = advance().symbol == .minus ? "-" : "" }
            expecting("an interval value such as 3 or '3'")
            let valueToken = current
            guard valueToken.kind == .number || valueToken.kind == .string else { throw unexpected() }
            advance()
            expecting("an interval unit (\(Self.unitNames))")
            guard let unit = Self.intervalUnit(current) else { throw unexpected() }
            let unitToken = advance()
            if current.keyword == .TO {
                advance()
                expecting("an interval unit (\(Self.unitNames))")
                guard valueToken.kind == .string, interval.isEmpty, let end = Self.intervalUnit(current) else { throw unexpected() }
                advance()
                guard let parsed = IntervalBuilder.unitToUnit(sign + valueToken.text, from: unit.field, to: end.field) else {
                    throw syntaxError("'\(Self.clip(valueToken.text))' is not an interval \(unit.field.name) TO \(end.field.name)", at: valueToken,
                                      hint: Self.unitToUnitExample(unit.field, end.field))
                }
                return SQLExpression(.literal(.interval(parsed)), at: start)
            }
            if let problem = interval.add(sign + valueToken.text.trimmingSpaces, unit) { throw syntaxError(problem, at: unitToken) }
        } while Self.intervalUnit(peek(current.symbol == .minus || current.symbol == .plus ? 2 : 1)) != nil
            && (current.kind == .number || current.kind == .string || current.symbol == .minus || current.symbol == .plus)
        return SQLExpression(.literal(.interval(interval.result)), at: start)
    }

    func badIntervalString(_ token: SQLToken) -> EmberError {
        syntaxError("'\(Self.clip(token.text))' is not an interval", at: token,
                    hint: "write numbers each followed by a unit (\(Self.unitNames)), e.g. INTERVAL '1 day 2 hours'")
    }

    static func unitToUnitExample(_ from: SQLIntervalField, _ to: SQLIntervalField) -> String {
        switch (from, to) {
        case (.year, .month): return "e.g. INTERVAL '1-2' YEAR TO MONTH"
        case (.day, .hour): return "e.g. INTERVAL '3 04' DAY TO HOUR"
        case (.day, .minute): return "e.g. INTERVAL '3 04:05' DAY TO MINUTE"
        case (.day, .second): return "e.g. INTERVAL '3 04:05:06.5' DAY TO SECOND"
        case (.hour, .minute): return "e.g. INTERVAL '04:05' HOUR TO MINUTE"
        case (.hour, .second): return "e.g. INTERVAL '04:05:06.5' HOUR TO SECOND"
        case (.minute, .second): return "e.g. INTERVAL '05:06.5' MINUTE TO SECOND"
        default: return "the forms are YEAR TO MONTH, DAY TO HOUR|MINUTE|SECOND, HOUR TO MINUTE|SECOND and MINUTE TO SECOND"
        }
    }
}

/// Adds up an interval's parts with overflow checks.
struct IntervalBuilder {
    var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
    var startField: SQLIntervalField?, endField: SQLIntervalField?

    var isEmpty: Bool { startField == nil }

    var result: SQLInterval {
        SQLInterval(months: months, days: days, microseconds: micros, startField: startField ?? .day, endField: endField ?? .day)
    }

    /// Adds `value` of a unit; the problem, if any.
    mutating func add(_ value: String, _ unit: (field: SQLIntervalField, factor: Int64)) -> String? {
        if let start = startField, (start <= .month) != (unit.field <= .month) {
            return "an interval cannot mix YEAR or MONTH with DAY, HOUR, MINUTE or SECOND; add two intervals instead"
        }
        startField = min(startField ?? unit.field, unit.field)
        endField = max(endField ?? unit.field, unit.field)
        // Fractions only where they still make whole microseconds: seconds and milliseconds.
        guard let amount = Self.fixedPoint(value, fractionDigits: unit.factor == 1_000_000 ? 6 : unit.factor == 1_000 ? 3 : 0) else {
            return "'\(SQLParser.clip(value))' is not a valid amount of \(unit.field.name.lowercased())s"
                + (unit.field >= .second ? "" : " (it must be a whole number)")
        }
        // Second-field amounts are already microseconds (the fraction digits did the scaling).
        let scaled = unit.field == .second ? (amount, false) : amount.multipliedReportingOverflow(by: unit.factor)
        let (sum, overflow): (Int64, Bool)
        switch unit.field {
        case .year, .month: (sum, overflow) = months.addingReportingOverflow(scaled.0)
        case .day: (sum, overflow) = days.addingReportingOverflow(scaled.0)
        default: (sum, overflow) = micros.addingReportingOverflow(scaled.0)
        }
        if scaled.1 || overflow { return "the interval is too large" }
        switch unit.field {
        case .year, .month: months = sum
        case .day: days = sum
        default: micros = sum
        }
        return nil
    }

    /// `text` × 10^fractionDigits as an integer: "1.5" with 6 digits is 1_500_000; nil when the text
    /// is not a number or has more fraction digits.
    static func fixedPoint(_ text: String, fractionDigits: Int) -> Int64? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty || parts.count == 2,
              whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }), fraction.count <= fractionDigits else { return nil }
        fraction += String(repeating: "0", count: fractionDigits - fraction.count)
        guard let value = Int64((whole.isEmpty ? "0" : String(whole)) + fraction) else { return nil }
        return negative ? -value : value
    }

    /// The unit-to-unit forms: '[-]y-m' YEAR TO MONTH, '[-]d h[:m[:s[.f]]]' DAY TO …, '[-]h:m[:s[.f]]'
    /// HOUR TO …, '[-]m:s[.f]' MINUTE TO SECOND.
    static func unitToUnit(_ text: String, from: SQLIntervalField, to: SQLIntervalField) -> SQLInterval? {
        var s = Substring(text.trimmingSpaces)
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        let sign: Int64 = negative ? -1 : 1
        if from == .year && to == .month {
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let y = Int64(parts[0]), let m = Int64(parts[1]), y >= 0, (0..<12).contains(m),
                  y <= Int64(Int32.max) / 12 else { return nil }
            return SQLInterval(months: sign * (y * 12 + m), days: 0, microseconds: 0, startField: .year, endField: .month)
        }
        guard from >= .day, to > from, to <= .second else { return nil }
        var days: Int64 = 0
        if from == .day {
            let parts = s.split(separator: " ", maxSplits: 1)
            guard let d = parts.first.flatMap({ Int64($0) }), d >= 0, d <= 106_751_991 else { return nil }
            days = d
            s = parts.count == 2 ? parts[1] : ""
        }
        let fields = s.split(separator: ":", omittingEmptySubsequences: false)
        let first = from == .day ? SQLIntervalField.hour : from
        guard fields.count == to.rawValue - first.rawValue + 1 else { return nil }
        var micros: Int64 = 0
        for (k, field) in fields.enumerated() {
            let unit = SQLIntervalField(rawValue: first.rawValue + k) ?? .second
            let isLeading = k == 0 && from != .day
            let amount: Int64
            if unit == .second {
                guard let v = fixedPoint(String(field), fractionDigits: 6), v >= 0, isLeading || v < 60_000_000 else { return nil }
                amount = v
            } else {
                guard let v = Int64(field), v >= 0, isLeading || v < (unit == .hour ? 24 : 60) else { return nil }
                let (product, overflow) = v.multipliedReportingOverflow(by: unit == .hour ? 3_600_000_000 : 60_000_000)
                guard !overflow else { return nil }
                amount = product
            }
            let (sum, overflow) = micros.addingReportingOverflow(amount)
            guard !overflow else { return nil }
            micros = sum
        }
        return SQLInterval(months: 0, days: sign * days, microseconds: sign * micros, startField: from, endField: to)
    }
}
