// GroupedData: the result of `groupBy`, turned back into a DataFrame by an aggregation
// (`agg`, `count`, `sum`, `avg`, `min`, `max`), as in Spark.

@_spi(EmberInternal) import Planner

public struct GroupedData: Sendable {
    let df: DataFrame
    let keys: [Expression]

    public func agg(_ first: Column, _ rest: Column...) -> DataFrame { agg([first] + rest) }

    public func agg(_ columns: [Column]) -> DataFrame {
        df.with(.aggregate(keys: keys, aggregates: columns.map(\.expression), df.plan))
    }

    /// Number of rows per group, in a column named `count`.
    public func count() -> DataFrame { agg([Column(.alias(.aggregate(.count, nil), "count"))]) }
    public func sum(_ names: String...) -> DataFrame { agg(names.map { Engine.sum(col($0)) }) }
    public func avg(_ names: String...) -> DataFrame { agg(names.map { Engine.avg(col($0)) }) }
    public func mean(_ names: String...) -> DataFrame { agg(names.map { Engine.avg(col($0)) }) }
    public func min(_ names: String...) -> DataFrame { agg(names.map { Engine.min(col($0)) }) }
    public func max(_ names: String...) -> DataFrame { agg(names.map { Engine.max(col($0)) }) }
}
