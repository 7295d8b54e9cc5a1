// DataFrame+Join: joins and set operations with Spark's names.
//
//   orders.join(customers, on: ["custkey"])                      inner join on same-named columns
//   orders.join(customers, on: orders["cust"] === customers["id"], how: "left")
//   a.alias("a").join(b.alias("b"), on: col("a.id") === col("b.id"), how: "left_anti")
//   big.join(broadcast(small), on: ["k"])                         broadcast hint
//   a.union(b)  a.unionByName(b)  a.intersect(b)  a.subtract(b)  a.distinct()
//
// `how` takes Spark's spellings: inner, cross, outer/full/full_outer, left/left_outer,
// right/right_outer, left_semi/semi, left_anti/anti. An unknown name fails when the query is
// analyzed, with the list of names.

@_spi(EmberInternal) import Planner

extension DataFrame {
    /// A column of this DataFrame, told apart from a same-named column of another input of a join.
    public subscript(_ name: String) -> Column { Column(.qualifiedColumn("#\(id)", name)) }

    /// Same as `df[name]` (Spark's `df.col("x")`).
    public func col(_ name: String) -> Column { self[name] }

    /// Names this DataFrame, so that its columns can be referred to as `col("alias.name")`.
    public func alias(_ name: String) -> DataFrame { with(.subqueryAlias(name, plan)) }

    /// Registers this DataFrame as a temporary view of its session, replacing one of the same name.
    public func createOrReplaceTempView(_ name: String) throws { try session.catalog.register(name, plan, replace: true) }

    /// Registers this DataFrame as a temporary view; throws if one of that name exists.
    public func createTempView(_ name: String) throws { try session.catalog.register(name, plan, replace: false) }

    /// Inner join on the columns both sides have under these names (each appears once in the output).
    public func join(_ other: DataFrame, on columns: [String], how: String = "inner") -> DataFrame {
        join(other, .using(columns), how: how)
    }

    /// Join on one same-named column.
    public func join(_ other: DataFrame, on column: String, how: String = "inner") -> DataFrame {
        join(other, .using([column]), how: how)
    }

    /// Join on any boolean condition over both sides' columns.
    public func join(_ other: DataFrame, on condition: Column, how: String = "inner") -> DataFrame {
        join(other, .on(condition.expression), how: how)
    }

    /// A join without a condition: every pair of rows (for `inner`, the Cartesian product).
    public func join(_ other: DataFrame) -> DataFrame { join(other, .none, how: "inner") }

    /// The Cartesian product of the two DataFrames.
    public func crossJoin(_ other: DataFrame) -> DataFrame { join(other, .none, how: "cross") }

    private func join(_ other: DataFrame, _ criteria: JoinCriteria, how: String) -> DataFrame {
        guard let type = JoinType.parse(how) else {
            return with(.invalid(EmberError(.analysis, "unsupported join type '\(how)'", context: [.init("how", how)],
                                            hint: "supported join types: \(JoinType.supportedNames)")))
        }
        return with(.join(.dataFrameTag(id, plan), .dataFrameTag(other.id, other.plan), type, criteria))
    }

    /// The rows of both DataFrames, matched by column position (duplicates kept; Spark's `union`).
    public func union(_ other: DataFrame) -> DataFrame {
        with(.union(plan, other.plan, byName: false, allowMissingColumns: false))
    }

    /// Same as `union` (Spark's `unionAll`).
    public func unionAll(_ other: DataFrame) -> DataFrame { union(other) }

    /// The rows of both DataFrames, matched by column name.
    public func unionByName(_ other: DataFrame, allowMissingColumns: Bool = false) -> DataFrame {
        with(.union(plan, other.plan, byName: true, allowMissingColumns: allowMissingColumns))
    }

    /// Distinct rows that are in both DataFrames (nulls compare equal).
    public func intersect(_ other: DataFrame) -> DataFrame { with(.intersect(plan, other.plan)) }

    /// Distinct rows of this DataFrame that are not in the other (nulls compare equal).
    public func subtract(_ other: DataFrame) -> DataFrame { with(.except(plan, other.plan)) }

    /// Same as `subtract` (Spark's `except`).
    public func except(_ other: DataFrame) -> DataFrame { subtract(other) }

    /// The distinct rows.
    public func distinct() -> DataFrame { with(.distinct(plan)) }

    /// One row per distinct value of the columns (all columns: `distinct()`), Spark's
    /// `dropDuplicates`: which of the duplicate rows stays is not defined, but it stays whole.
    public func dropDuplicates(_ columns: [String] = []) -> DataFrame { with(.dropDuplicates(columns, plan)) }
    public func dropDuplicates(_ first: String, _ rest: String...) -> DataFrame { dropDuplicates([first] + rest) }
}

/// Marks a DataFrame to be broadcast to every task of the joins it takes part in.
public func broadcast(_ df: DataFrame) -> DataFrame { df.with(.broadcastHint(df.plan)) }
