// Date functions with Spark's semantics (dates are days since 1970-01-01, proleptic Gregorian;
// timestamps are UTC, the engine's only time zone):
//   - year, month, dayofmonth: fields of a date (bigint here, Spark's int);
//   - date_add(d, n), date_sub(d, n): d ± n days; n is an int in Spark, so a bigint is truncated
//     to 32 bits and the sum wraps as Java's int arithmetic does;
//   - add_months(d, n): LocalDate.plusMonths — the day is clamped to the last day of the target
//     month (Jan 31 + 1 month = Feb 28/29), and since Spark 3 a month end stays that day
//     (Feb 28 + 1 month = Mar 28);
//   - datediff(end, start): end - start in days.
// Any null argument gives null; a result outside the date range gives null.

enum DateFunctions {
    static func dates(_ c: ColumnVector, _ what: String) throws -> [Int32] {
        guard case .date(let v) = c.values else { throw typeError(what, c) }
        return v
    }

    static func longs(_ c: ColumnVector, _ what: String) throws -> [Int64] {
        guard case .long(let v) = c.values else { throw typeError(what, c) }
        return v
    }

    static func field(_ c: ColumnVector, _ pick: (Int64, Int64, Int64) -> Int64) throws -> ColumnVector {
        let d = try dates(c, "a date field")
        var out = [Int64](repeating: 0, count: d.count)
        for i in 0..<d.count where !c.isNull(i) {
            let (y, m, day) = civilFromDays(Int64(d[i]))
            out[i] = pick(y, m, day)
        }
        return ColumnVector(.long(out), validity: c.validity)
    }

    static func addDays(_ c: ColumnVector, _ days: ColumnVector, negate: Bool) throws -> ColumnVector {
        let d = try dates(c, "date_add"), n = try longs(days, "date_add's days")
        var out = [Int32](repeating: 0, count: d.count)
        for i in 0..<d.count {
            let k = Int32(truncatingIfNeeded: n[i])
            out[i] = negate ? d[i] &- k : d[i] &+ k
        }
        return ColumnVector(.date(out), validity: mergeValidity(c.validity, days.validity))
    }

    static func addMonths(_ c: ColumnVector, _ months: ColumnVector) throws -> ColumnVector {
        let d = try dates(c, "add_months"), n = try longs(months, "add_months's months")
        var validity = mergeValidity(c.validity, months.validity) ?? Bitmap(count: d.count, value: true)
        var out = [Int32](repeating: 0, count: d.count)
        for i in 0..<d.count where validity[i] {
            if let r = plusMonths(d[i], Int64(Int32(truncatingIfNeeded: n[i]))) { out[i] = r } else { validity[i] = false }
        }
        return ColumnVector(.date(out), validity: validity)
    }

    /// LocalDate.plusMonths: the day of month clamped to the target month's length.
    @_spi(EmberInternal) public static func plusMonths(_ days: Int32, _ months: Int64) -> Int32? {
        let (y, m, d) = civilFromDays(Int64(days))
        let total = y * 12 + (m - 1) + months
        let year = total >= 0 ? total / 12 : (total - 11) / 12
        let month = total - year * 12 + 1
        let day = Swift.min(d, daysInMonth(year, month))
        return Int32(exactly: daysFromCivil(year, month, day))
    }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func dateDiff(_ end: ColumnVector, _ start: ColumnVector) throws -> ColumnVector {
        let e = try dates(end, "datediff"), s = try dates(start, "datediff")
        var out = [Int64](repeating: 0, count: e.count)
        for i in 0..<e.count { out[i] = Int64(e[i]) - Int64(s[i]) }
        return ColumnVector(.long(out), validity: mergeValidity(end.validity, start.validity))
    }
}
