// More of Spark's `functions`: strings (substring, concat), numbers (round, abs), dates (year,
// month, dayofmonth, date_add, date_sub, add_months, datediff, to_date, date literals) and
// aggregates (countDistinct, first, last, stddev, variance).
//
// Date literals: `lit(date: "1994-01-01")` (yyyy-MM-dd, as Spark's DATE '1994-01-01'). A string
// compared with a date column is cast to a date, so `col("d") < "1994-01-01"` works too.

@_spi(EmberInternal) import Planner

/// `substring(str, pos, len)`: `len` characters from the 1-based `pos` (0 acts as 1; negative
/// counts from the end).
public func substring(_ str: Column, _ pos: Int, _ len: Int) -> Column { substring(str, lit(pos), lit(len)) }
public func substring(_ str: Column, _ pos: Column, _ len: Column) -> Column {
    Column(.function(.substring, [str.expression, pos.expression, len.expression]))
}
/// The strings one after another; null if any is null.
public func concat(_ columns: Column...) -> Column { Column(.function(.concat, columns.map(\.expression))) }

/// Rounds HALF_UP to `scale` decimal places (negative: to tens, hundreds…).
public func round(_ c: Column, _ scale: Int = 0) -> Column { Column(.function(.round(scale: scale), [c.expression])) }
public func abs(_ c: Column) -> Column { Column(.function(.abs, [c.expression])) }

/// A date literal from `yyyy-MM-dd` text (an invalid date is reported when the plan is analyzed).
public func lit(date text: String) -> Column {
    guard let days = DateCasts.days(text) else { return Column(.function(.misuse("'\(text)' is not a date; write dates as yyyy-MM-dd"), [])) }
    return Column(.literal(.date(days)))
}

public func year(_ c: Column) -> Column { Column(.function(.year, [c.expression])) }
public func month(_ c: Column) -> Column { Column(.function(.month, [c.expression])) }
public func dayofmonth(_ c: Column) -> Column { Column(.function(.dayOfMonth, [c.expression])) }
public func date_add(_ start: Column, _ days: Int) -> Column { date_add(start, lit(days)) }
public func date_add(_ start: Column, _ days: Column) -> Column { Column(.function(.dateAdd, [start.expression, days.expression])) }
public func date_sub(_ start: Column, _ days: Int) -> Column { date_sub(start, lit(days)) }
public func date_sub(_ start: Column, _ days: Column) -> Column { Column(.function(.dateSub, [start.expression, days.expression])) }
/// The date `months` months later; the day is clamped to the target month's last day.
public func add_months(_ start: Column, _ months: Int) -> Column { add_months(start, lit(months)) }
public func add_months(_ start: Column, _ months: Column) -> Column { Column(.function(.addMonths, [start.expression, months.expression])) }
/// Days from `start` to `end`.
public func datediff(_ end: Column, _ start: Column) -> Column { Column(.function(.dateDiff, [end.expression, start.expression])) }
/// A date from text as Spark casts it (yyyy-MM-dd and shorter forms; anything else is null).
public func to_date(_ c: Column) -> Column { Column(.function(.toDate(format: nil), [c.expression])) }
/// A date parsed with a datetime pattern such as "dd/MM/yyyy" (text that does not match is null).
public func to_date(_ c: Column, _ format: String) -> Column { Column(.function(.toDate(format: format), [c.expression])) }

/// Number of distinct non-null values (tuples with no null member, for several columns).
public func countDistinct(_ first: Column, _ rest: Column...) -> Column {
    Column(.aggregate(.count, .function(.distinct, ([first] + rest).map(\.expression))))
}
public func countDistinct(_ first: String, _ rest: String...) -> Column {
    Column(.aggregate(.count, .function(.distinct, ([first] + rest).map { col($0).expression })))
}
/// The first value of a group (the first non-null one with `ignoreNulls`); which row is first
/// depends on the order rows arrive, as in Spark.
public func first(_ c: Column, ignoreNulls: Bool = false) -> Column {
    Column(.aggregate(ignoreNulls ? .firstIgnoreNulls : .first, c.expression))
}
public func first(_ name: String, ignoreNulls: Bool = false) -> Column { first(col(name), ignoreNulls: ignoreNulls) }
public func last(_ c: Column, ignoreNulls: Bool = false) -> Column {
    Column(.aggregate(ignoreNulls ? .lastIgnoreNulls : .last, c.expression))
}
public func last(_ name: String, ignoreNulls: Bool = false) -> Column { last(col(name), ignoreNulls: ignoreNulls) }

/// Sample standard deviation (null for fewer than two values).
public func stddev(_ c: Column) -> Column { named(.stddevSamp, c, "stddev") }
public func stddev_samp(_ c: Column) -> Column { Column(.aggregate(.stddevSamp, c.expression)) }
public func stddev_pop(_ c: Column) -> Column { Column(.aggregate(.stddevPop, c.expression)) }
/// Sample variance (null for fewer than two values).
public func variance(_ c: Column) -> Column { named(.varSamp, c, "variance") }
public func var_samp(_ c: Column) -> Column { Column(.aggregate(.varSamp, c.expression)) }
public func var_pop(_ c: Column) -> Column { Column(.aggregate(.varPop, c.expression)) }

/// An aggregate shown under the name the user called it by (`stddev(x)`, not `stddev_samp(x)`).
private func named(_ f: AggregateFunction, _ c: Column, _ name: String) -> Column {
    Column(.alias(.aggregate(f, c.expression), "\(name)(\(c.expression.displayName))"))
}
