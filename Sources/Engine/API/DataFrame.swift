// DataFrame: an immutable, lazy query (Spark's DataFrame). Transformations return new DataFrames
// and run nothing; actions (collect, count, show, write) plan the query into stages and run them
// on the session's executor processes.

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization

public struct DataFrame: Sendable {
    public let session: Session
    package let plan: LogicalPlan
    /// Tells this DataFrame's columns (`df["x"]`) apart from same-named columns of other inputs.
    public let id: Int
    private static let ids = Atomic<Int>(0)

    init(session: Session, plan: LogicalPlan) {
        self.session = session
        self.plan = plan
        self.id = Self.ids.add(1, ordering: .relaxed).newValue
    }

    func with(_ plan: LogicalPlan) -> DataFrame { DataFrame(session: session, plan: plan) }

    // MARK: schema

    /// The result schema (resolving names and types; throws on an invalid query).
    public func schema() throws -> StructType { try Analyzer.resolve(plan).schema }
    public var columns: [String] { (try? schema().names) ?? [] }
    public func printSchema() throws { print(try schema().treeString, terminator: "") }

    // MARK: transformations

    public func select(_ columns: Column...) -> DataFrame { select(columns) }
    public func select(_ columns: [Column]) -> DataFrame {
        let exprs = columns.map(\.expression)
        return with(.project(exprs, exprs.contains(where: \.containsSubquery) ? tagged : plan))
    }
    public func select(_ first: String, _ rest: String...) -> DataFrame { select(([first] + rest).map { col($0) }) }

    public func filter(_ condition: Column) -> DataFrame {
        with(.filter(condition.expression, condition.expression.containsSubquery ? tagged : plan))
    }

    /// The plan under this DataFrame's tag, so that `df["x"]` inside a subquery of its filter or
    /// select names this DataFrame's column even where the subquery has an `x` of its own.
    var tagged: LogicalPlan { .dataFrameTag(id, plan) }
    /// Same as `filter`.
    public func `where`(_ condition: Column) -> DataFrame { filter(condition) }

    /// Adds a column, or replaces the column of the same name (Spark's `withColumn`).
    public func withColumn(_ name: String, _ column: Column) throws -> DataFrame {
        let names = try schema().names
        let lower = name.lowercased()
        var list: [Planner.Expression] = names.map { .column($0) }
        if let i = names.firstIndex(where: { $0.lowercased() == lower }) {
            list[i] = .alias(column.unaliased, name)
        } else {
            list.append(.alias(column.unaliased, name))
        }
        return with(.project(list, plan))
    }

    /// Renames a column; a no-op if it does not exist (as in Spark).
    public func withColumnRenamed(_ existing: String, _ newName: String) throws -> DataFrame {
        let names = try schema().names
        return with(.project(names.map { $0 == existing ? .alias(.column($0), newName) : .column($0) }, plan))
    }

    public func groupBy(_ columns: Column...) -> GroupedData { GroupedData(df: self, keys: columns.map(\.expression)) }
    public func groupBy(_ columns: [Column]) -> GroupedData { GroupedData(df: self, keys: columns.map(\.expression)) }
    public func groupBy(_ names: String...) -> GroupedData { GroupedData(df: self, keys: names.map { .column($0) }) }

    /// A global aggregate (no grouping keys).
    public func agg(_ first: Column, _ rest: Column...) -> DataFrame { GroupedData(df: self, keys: []).agg([first] + rest) }

    public func orderBy(_ orders: SortColumn...) -> DataFrame { with(.sort(orders.map(\.order), plan)) }
    public func orderBy(_ orders: [SortColumn]) -> DataFrame { with(.sort(orders.map(\.order), plan)) }
    public func orderBy(_ names: String...) -> DataFrame { with(.sort(names.map { SortOrder(.column($0)) }, plan)) }
    public func sort(_ orders: SortColumn...) -> DataFrame { orderBy(orders) }

    /// Sorts each partition on its own, without a shuffle (Spark's `sortWithinPartitions`).
    public func sortWithinPartitions(_ orders: SortColumn...) -> DataFrame { sortWithinPartitions(orders) }
    public func sortWithinPartitions(_ orders: [SortColumn]) -> DataFrame { with(.sortWithinPartitions(orders.map(\.order), plan)) }
    public func sortWithinPartitions(_ names: String...) -> DataFrame {
        with(.sortWithinPartitions(names.map { SortOrder(.column($0)) }, plan))
    }

    public func limit(_ n: Int) -> DataFrame { with(.limit(n, plan)) }

    /// Keeps this DataFrame's partitions once an action computed them: Spark's `cache()`, which is
    /// `persist(.memoryAndDisk)` for DataFrames.
    public func cache() -> DataFrame { persist(.memoryAndDisk) }

    /// Keeps this DataFrame's partitions at `level` once an action computed them; later actions read
    /// them PROCESS_LOCAL on the executors that hold them instead of recomputing.
    public func persist(_ level: StorageLevel = .memoryAndDisk) -> DataFrame {
        if case .cache = plan { return self }
        return with(.cache(id: session.nextCacheID(), level, plan))
    }

    /// Drops the cached partitions (a no-op if this DataFrame is not cached).
    public func unpersist() {
        if case .cache(let id, _, _) = plan { session.unpersist(id) }
    }

    /// Redistributes the rows into `numPartitions` partitions by the hash of the columns (a shuffle),
    /// or round robin when no columns are given (Spark's `repartition`).
    public func repartition(_ numPartitions: Int, _ columns: Column...) -> DataFrame {
        with(.repartition(numPartitions, columns.map(\.unaliased), plan))
    }

    /// At most `numPartitions` partitions, merging neighbouring ones without a shuffle (Spark's
    /// `coalesce`): `coalesce(1).write` writes one part file.
    public func coalesce(_ numPartitions: Int) -> DataFrame { with(.coalesce(numPartitions, plan)) }

    // MARK: actions

    /// Runs the query and returns every row to the driver.
    public func collect() throws -> [Row] {
        let (schema, batches) = try session.execute(plan)
        return batches.flatMap { b in (0..<b.numRows).map { Row(schema: schema, values: b.row($0)) } }
    }

    /// Runs the query and returns the result batches (columnar, without building rows).
    package func collectBatches() throws -> (StructType, [ColumnarBatch]) { try session.execute(plan) }

    /// Number of rows (a two-phase global count).
    public func count() throws -> Int64 {
        let counted = GroupedData(df: self, keys: []).agg([Column(.alias(.aggregate(.count, nil), "count"))])
        let rows = try counted.collect()
        return rows.first?.getLong(0) ?? 0
    }

    /// The first n rows.
    public func take(_ n: Int) throws -> [Row] { try limit(n).collect() }

    /// Prints the first `numRows` rows as a table, like Spark.
    public func show(_ numRows: Int = 20, truncate: Bool = true) throws {
        print(try showString(numRows, truncate: truncate), terminator: "")
    }

    public func showString(_ numRows: Int = 20, truncate: Bool = true) throws -> String {
        let rows = try limit(numRows + 1).collect()
        let schema = try self.schema()
        return ShowFormatter.render(schema: schema, rows: rows.prefix(numRows).map(\.values), truncate: truncate,
                                    moreRows: rows.count > numRows, limit: numRows)
    }

    /// Prints the parsed, analyzed, optimized and physical plans and the stages.
    public func explain(_ extended: Bool = true) throws { print(try explainString(extended), terminator: "") }

    public func explainString(_ extended: Bool = true) throws -> String {
        let q = try session.planQuery(plan)
        var s = ""
        if extended {
            s += "== Parsed Logical Plan ==\n" + plan.treeString() + "\n"
            s += "== Analyzed Logical Plan ==\n" + q.analyzed.treeString() + "\n"
            s += "== Optimized Logical Plan ==\n" + q.optimized.treeString() + "\n"
        }
        s += "== Physical Plan ==\n" + q.physical.plan.treeString() + "\n"
        var stageCounter = 0, shuffleCounter = 0
        let stages = StageGraph.build(q.physical.plan, nextStageID: &stageCounter, nextShuffleID: &shuffleCounter)
        s += "== Stages ==\n" + stages.treeString
        return s
    }

    public var write: DataFrameWriter { DataFrameWriter(df: self) }
}
