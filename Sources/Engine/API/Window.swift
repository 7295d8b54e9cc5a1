// Window functions in the DataFrame API, with Spark's names: a WindowSpec built from `Window`
// (partitionBy, orderBy, rowsBetween, rangeBetween), `column.over(spec)`, and the window functions
// (row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead). Every aggregate
// (count, sum, avg, min, max, first, last, stddev, variance) works over a window too:
//
//   let w = Window.partitionBy("dept").orderBy(col("salary").desc())
//   df.select(col("name"), rank().over(w).alias("rank"),
//             (sum(col("salary")).over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)) / 2).alias("half"))
//
// Without a frame, an aggregate sees RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW when the
// window is ordered (the current row's peers included) and the whole partition when it is not.

@_spi(EmberInternal) import Planner

/// A window specification (Spark's WindowSpec): immutable, each method returns a new one.
public struct WindowSpec: Sendable {
    package let definition: WindowSpecDefinition
    package init(_ definition: WindowSpecDefinition) { self.definition = definition }

    public func partitionBy(_ columns: Column...) -> WindowSpec { partitionBy(columns) }
    public func partitionBy(_ columns: [Column]) -> WindowSpec {
        var d = definition
        d.partitionBy = columns.map(\.unaliased)
        return WindowSpec(d)
    }
    public func partitionBy(_ names: String...) -> WindowSpec { partitionBy(names.map { col($0) }) }

    public func orderBy(_ orders: SortColumn...) -> WindowSpec { orderBy(orders) }
    public func orderBy(_ orders: [SortColumn]) -> WindowSpec {
        var d = definition
        d.orderBy = orders.map(\.order)
        return WindowSpec(d)
    }
    /// Ascending by these columns.
    public func orderBy(_ columns: Column...) -> WindowSpec { orderBy(columns.map { $0.asc() }) }
    public func orderBy(_ names: String...) -> WindowSpec { orderBy(names.map { col($0).asc() }) }

    /// A frame of rows around the current one: negative is before it, 0 is the current row;
    /// `Window.unboundedPreceding` / `Window.unboundedFollowing` reach the partition's ends.
    public func rowsBetween(_ start: Int64, _ end: Int64) -> WindowSpec { framed(.rows, start, end) }
    public func rowsBetween(_ start: Int, _ end: Int) -> WindowSpec { rowsBetween(Int64(start), Int64(end)) }

    /// A frame of ORDER BY values around the current row's: [value + start, value + end] (days for a
    /// date key); 0 is the current row's peers. Offsets need exactly one numeric or date ORDER BY key.
    public func rangeBetween(_ start: Int64, _ end: Int64) -> WindowSpec { framed(.range, start, end) }
    public func rangeBetween(_ start: Int, _ end: Int) -> WindowSpec { rangeBetween(Int64(start), Int64(end)) }

    private func framed(_ type: WindowFrameType, _ start: Int64, _ end: Int64) -> WindowSpec {
        var d = definition
        d.frame = WindowFrame(type, .fromLong(start), .fromLong(end))
        return WindowSpec(d)
    }
}

/// Builds window specifications (Spark's `Window` object).
public enum Window {
    public static let unboundedPreceding: Int64 = .min
    public static let unboundedFollowing: Int64 = .max
    public static let currentRow: Int64 = 0

    public static func partitionBy(_ columns: Column...) -> WindowSpec { partitionBy(columns) }
    public static func partitionBy(_ columns: [Column]) -> WindowSpec { WindowSpec(WindowSpecDefinition()).partitionBy(columns) }
    public static func partitionBy(_ names: String...) -> WindowSpec { WindowSpec(WindowSpecDefinition()).partitionBy(names.map { col($0) }) }
    public static func orderBy(_ orders: SortColumn...) -> WindowSpec { orderBy(orders) }
    public static func orderBy(_ orders: [SortColumn]) -> WindowSpec { WindowSpec(WindowSpecDefinition()).orderBy(orders) }
    public static func orderBy(_ columns: Column...) -> WindowSpec { WindowSpec(WindowSpecDefinition()).orderBy(columns.map { $0.asc() }) }
    public static func orderBy(_ names: String...) -> WindowSpec { WindowSpec(WindowSpecDefinition()).orderBy(names.map { col($0).asc() }) }
    public static func rowsBetween(_ start: Int64, _ end: Int64) -> WindowSpec { WindowSpec(WindowSpecDefinition()).rowsBetween(start, end) }
    public static func rangeBetween(_ start: Int64, _ end: Int64) -> WindowSpec { WindowSpec(WindowSpecDefinition()).rangeBetween(start, end) }
}

extension Column {
    /// This window function or aggregate over a window (`OVER (…)`).
    public func over(_ spec: WindowSpec) -> Column { Column(.window(unaliased, spec.definition)) }
    /// Over the whole input as one partition (`OVER ()`).
    public func over() -> Column { over(WindowSpec(WindowSpecDefinition())) }
}

/// 1, 2, 3, … in the window's order.
public func row_number() -> Column { Column(.windowFunction(.rowNumber, [])) }
/// The row's rank in the window's order, with gaps after ties.
public func rank() -> Column { Column(.windowFunction(.rank, [])) }
/// The row's rank in the window's order, without gaps.
public func dense_rank() -> Column { Column(.windowFunction(.denseRank, [])) }
/// (rank - 1) / (rows in the partition - 1), 0 for a partition of one row.
public func percent_rank() -> Column { Column(.windowFunction(.percentRank, [])) }
/// Rows up to and including the current row's peers, over the rows in the partition.
public func cume_dist() -> Column { Column(.windowFunction(.cumeDist, [])) }
/// The bucket (1…n) of the row when the partition is cut into n buckets in order.
public func ntile(_ n: Int) -> Column { Column(.windowFunction(.ntile(n), [])) }

/// The value `offset` rows before the current row in the window, or `defaultValue` (null when
/// nil) when there is no such row; with `ignoreNulls`, only rows where the value is not null count.
public func lag(_ c: Column, _ offset: Int = 1, _ defaultValue: Column? = nil, ignoreNulls: Bool = false) -> Column {
    Column(.windowFunction(.lag(offset: offset, ignoreNulls: ignoreNulls), [c.expression] + (defaultValue.map { [$0.expression] } ?? [])))
}
public func lag(_ c: Column, _ offset: Int, _ defaultValue: some LiteralConvertible, ignoreNulls: Bool = false) -> Column {
    lag(c, offset, lit(defaultValue), ignoreNulls: ignoreNulls)
}
public func lag(_ name: String, _ offset: Int = 1) -> Column { lag(col(name), offset) }

/// The value `offset` rows after the current row in the window, or `defaultValue` (null when nil)
/// when there is no such row; with `ignoreNulls`, only rows where the value is not null count.
public func lead(_ c: Column, _ offset: Int = 1, _ defaultValue: Column? = nil, ignoreNulls: Bool = false) -> Column {
    Column(.windowFunction(.lead(offset: offset, ignoreNulls: ignoreNulls), [c.expression] + (defaultValue.map { [$0.expression] } ?? [])))
}
public func lead(_ c: Column, _ offset: Int, _ defaultValue: some LiteralConvertible, ignoreNulls: Bool = false) -> Column {
    lead(c, offset, lit(defaultValue), ignoreNulls: ignoreNulls)
}
public func lead(_ name: String, _ offset: Int = 1) -> Column { lead(col(name), offset) }
