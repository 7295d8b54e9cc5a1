// Functions of the DataFrame API, with Spark's names (org.apache.spark.sql.functions).

@_spi(EmberInternal) import Planner

/// A column by name.
public func col(_ name: String) -> Column { name == "*" ? Column(.star) : Column(.column(name)) }
/// A literal value.
public func lit(_ value: some LiteralConvertible) -> Column { Column(.literal(value.literalValue)) }
/// The null literal.
public func litNull() -> Column { Column(.literal(.null)) }

public func lower(_ c: Column) -> Column { Column(.function(.lower, [c.expression])) }
public func upper(_ c: Column) -> Column { Column(.function(.upper, [c.expression])) }
public func length(_ c: Column) -> Column { Column(.function(.length, [c.expression])) }
public func trim(_ c: Column) -> Column { Column(.function(.trim, [c.expression])) }
public func coalesce(_ cs: Column...) -> Column { Column(.function(.coalesce, cs.map(\.expression))) }
/// Splits a string around matches of a Java-style regular expression; trailing empty strings are kept.
public func split(_ c: Column, _ pattern: String) -> Column { Column(.function(.split(pattern: pattern), [c.expression])) }
/// `length` pseudo-random alphanumeric characters per row, a pure function of `seed`'s value
/// (Spark 4's `randstr`, deterministic so that recomputed tasks produce the same rows).
public func randstr(_ length: Int, seed: Column) -> Column { Column(.function(.randstr(length: length), [seed.expression])) }
/// One output row per element of an array column.
public func explode(_ c: Column) -> Column { Column(.explode(c.expression)) }

/// count(column): non-null values. `count("*")` or `count(lit(1))` counts rows.
public func count(_ c: Column) -> Column {
    if case .star = c.expression { return Column(.aggregate(.count, nil)) }
    return Column(.aggregate(.count, c.expression))
}
public func count(_ name: String) -> Column { count(col(name)) }
public func sum(_ c: Column) -> Column { Column(.aggregate(.sum, c.expression)) }
public func sum(_ name: String) -> Column { sum(col(name)) }
public func avg(_ c: Column) -> Column { Column(.aggregate(.avg, c.expression)) }
public func avg(_ name: String) -> Column { avg(col(name)) }
public func mean(_ c: Column) -> Column { avg(c) }
public func min(_ c: Column) -> Column { Column(.aggregate(.min, c.expression)) }
public func min(_ name: String) -> Column { min(col(name)) }
public func max(_ c: Column) -> Column { Column(.aggregate(.max, c.expression)) }
public func max(_ name: String) -> Column { max(col(name)) }

public func asc(_ name: String) -> SortColumn { col(name).asc() }
public func desc(_ name: String) -> SortColumn { col(name).desc() }
