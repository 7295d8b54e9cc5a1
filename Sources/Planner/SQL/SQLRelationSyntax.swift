// The FROM part of the SQL syntax tree (overview in SQLSyntaxTree.swift): tables, direct file
// queries, subqueries, table functions and inline tables, each with an optional alias, and joins.

@_spi(EmberInternal) public struct SQLRelation: Sendable {
    @_spi(EmberInternal) public indirect enum Kind: Sendable {
        /// A table, view or CTE: `t`, `db.t`.
        case table(SQLName)
        /// A direct file query: ``csv.`/data/people.csv` `` (format csv, json, parquet, text, orc,
        /// avro; Spark also tries `db.`name`` as a file when no such table exists: the translator may
        /// do the same with a two-part `.table` name).
        case file(format: SQLIdentifier, path: SQLIdentifier)
        /// `(SELECT …)`, which Spark requires to have an alias only in ANSI mode.
        case subquery(SQLQuery)
        case join(SQLJoin)
        /// `range(10)`, `range(0, 100, 5, 4)`: a table-valued function.
        case tableFunction(SQLName, [SQLExpression])
        /// `VALUES (1, 'a'), (2, 'b') AS t(x, y)`.
        case values([[SQLExpression]])
    }
    @_spi(EmberInternal) public var kind: Kind
    /// `AS name (c1, c2)`; for a join in parentheses, an alias of the whole join.
    @_spi(EmberInternal) public var alias: SQLTableAlias?
    @_spi(EmberInternal) public var position: SQLPosition
}

/// `[AS] name [(c1, c2, …)]` after a relation: names the relation and optionally its columns.
@_spi(EmberInternal) public struct SQLTableAlias: Sendable {
    @_spi(EmberInternal) public var name: SQLIdentifier
    @_spi(EmberInternal) public var columns: [SQLIdentifier]
}

/// `left [NATURAL] type JOIN right [ON cond | USING (cols)]`. Joins are left-deep:
/// `a JOIN b JOIN c` is (a JOIN b) JOIN c.
@_spi(EmberInternal) public struct SQLJoin: Sendable {
    @_spi(EmberInternal) public enum Criteria: Sendable {
        /// No condition: CROSS JOIN, a NATURAL join (the translator finds the common columns), or a
        /// join Spark allows without one (`a JOIN b` is a cross join).
        case none
        case on(SQLExpression)
        case using([SQLIdentifier])
    }
    @_spi(EmberInternal) public var left: SQLRelation
    @_spi(EmberInternal) public var right: SQLRelation
    /// Planner's join type: `JOIN`/`INNER JOIN` inner, `CROSS JOIN` cross, `LEFT [OUTER]`,
    /// `RIGHT [OUTER]`, `FULL [OUTER]`, `[LEFT] SEMI`, `[LEFT] ANTI`.
    @_spi(EmberInternal) public var type: JoinType
    @_spi(EmberInternal) public var natural: Bool
    @_spi(EmberInternal) public var criteria: Criteria
    /// Where the join's keywords start (`LEFT` of `LEFT JOIN`).
    @_spi(EmberInternal) public var position: SQLPosition
}
