// The query part of the SQL syntax tree (overview in SQLSyntaxTree.swift): a query with its CTEs
// and the clauses that apply to its whole body (ORDER BY, SORT BY, DISTRIBUTE BY, LIMIT, OFFSET);
// the body's SELECTs and set operations; a SELECT's items, FROM, WHERE, GROUP BY, HAVING, WINDOW.

@_spi(EmberInternal) public struct SQLQuery: Sendable {
    /// `WITH a AS (…), b (x, y) AS (…)`: visible to the body and to the CTEs after each one.
    @_spi(EmberInternal) public var ctes: [SQLCommonTableExpression]
    @_spi(EmberInternal) public var body: SQLQueryBody
    /// `ORDER BY`: a global sort of the body's result (`CLUSTER BY x` gives SORT BY x plus DISTRIBUTE BY x).
    @_spi(EmberInternal) public var orderBy: [SQLSortItem]
    /// `SORT BY`: a sort within each partition (Spark's sortWithinPartitions).
    @_spi(EmberInternal) public var sortBy: [SQLSortItem]
    /// `DISTRIBUTE BY`: repartition by these expressions' hash.
    @_spi(EmberInternal) public var distributeBy: [SQLExpression]
    /// `LIMIT n` (nil: none, or `LIMIT ALL`).
    @_spi(EmberInternal) public var limit: SQLExpression?
    @_spi(EmberInternal) public var offset: SQLExpression?
    @_spi(EmberInternal) public var position: SQLPosition

    @_spi(EmberInternal) public init(body: SQLQueryBody, at position: SQLPosition) {
        self.ctes = []
        self.body = body
        self.orderBy = []
        self.sortBy = []
        self.distributeBy = []
        self.position = position
    }

    /// True when nothing but the body is set: the query is the body itself.
    var isBare: Bool {
        ctes.isEmpty && orderBy.isEmpty && sortBy.isEmpty && distributeBy.isEmpty && limit == nil && offset == nil
    }
}

@_spi(EmberInternal) public struct SQLCommonTableExpression: Sendable {
    @_spi(EmberInternal) public var name: SQLIdentifier
    /// `name (a, b) AS (…)`: renames the query's columns.
    @_spi(EmberInternal) public var columns: [SQLIdentifier]
    @_spi(EmberInternal) public var query: SQLQuery
}

@_spi(EmberInternal) public enum SQLSetOperator: String, Sendable, Hashable {
    case union = "UNION", intersect = "INTERSECT", except = "EXCEPT"
}

@_spi(EmberInternal) public indirect enum SQLQueryBody: Sendable {
    case select(SQLSelect)
    /// `left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right`: `all` is true for ALL; UNION, INTERSECT
    /// and EXCEPT alone mean DISTINCT. `MINUS` is EXCEPT. INTERSECT binds tighter than UNION and
    /// EXCEPT, which are left-associative: `a UNION b EXCEPT c INTERSECT d` is
    /// `(a UNION b) EXCEPT (c INTERSECT d)`.
    case setOperation(SQLSetOperator, all: Bool, SQLQueryBody, SQLQueryBody, at: SQLPosition)
    /// `(query)`: a query in parentheses, with its own WITH, ORDER BY or LIMIT.
    case nested(SQLQuery)
    /// `VALUES (1, 'a'), (2, 'b')`: an inline table with columns `col1`, `col2`, … as in Spark.
    case values([[SQLExpression]], at: SQLPosition)
    /// `TABLE t`: all of t.
    case table(SQLName)
}

@_spi(EmberInternal) public struct SQLSelect: Sendable {
    /// `/*+ BROADCAST(t) */` right after SELECT.
    @_spi(EmberInternal) public var hints: [SQLHint]
    /// `SELECT DISTINCT` (`SELECT ALL` is the default, false).
    @_spi(EmberInternal) public var distinct: Bool
    @_spi(EmberInternal) public var items: [SQLSelectItem]
    /// The FROM clause's comma-separated relations (empty without FROM): a cross join of them, left
    /// to right, as Spark plans `FROM a, b` (the WHERE clause usually turns it into an inner join).
    @_spi(EmberInternal) public var from: [SQLRelation]
    @_spi(EmberInternal) public var whereClause: SQLExpression?
    @_spi(EmberInternal) public var groupBy: SQLGroupBy?
    @_spi(EmberInternal) public var having: SQLExpression?
    /// `WINDOW w AS (PARTITION BY …)`: specs that `OVER w` in the items refers to.
    @_spi(EmberInternal) public var windows: [SQLWindowDefinition]
    @_spi(EmberInternal) public var position: SQLPosition
}

/// An item of a select list: an expression (possibly `*` or `t.*`) and its alias.
@_spi(EmberInternal) public struct SQLSelectItem: Sendable {
    @_spi(EmberInternal) public var expression: SQLExpression
    /// `expr AS name` or `expr name`.
    @_spi(EmberInternal) public var alias: SQLIdentifier?
}

@_spi(EmberInternal) public struct SQLGroupBy: Sendable {
    @_spi(EmberInternal) public enum Kind: Sendable {
        /// `GROUP BY e1, e2`; an integer literal is a 1-based position in the select list.
        case expressions([SQLExpression])
        /// `GROUP BY ALL`: every select item without an aggregate.
        case all
    }
    @_spi(EmberInternal) public var kind: Kind
    @_spi(EmberInternal) public var position: SQLPosition
}

/// `expr [ASC|DESC] [NULLS FIRST|LAST]`. nullsFirst is nil when not written: Spark puts nulls first
/// ascending and last descending (Planner's SortOrder applies that default).
@_spi(EmberInternal) public struct SQLSortItem: Sendable {
    @_spi(EmberInternal) public var expression: SQLExpression
    @_spi(EmberInternal) public var ascending: Bool
    @_spi(EmberInternal) public var nullsFirst: Bool?
}

@_spi(EmberInternal) public struct SQLWindowDefinition: Sendable {
    @_spi(EmberInternal) public var name: SQLIdentifier
    @_spi(EmberInternal) public var spec: SQLWindowSpec
}

/// A hint: `BROADCAST(t)`, `REPARTITION(8)`, `COALESCE(2)`; the parameters are expressions (names
/// of tables as columns, numbers as literals).
@_spi(EmberInternal) public struct SQLHint: Sendable {
    @_spi(EmberInternal) public var name: SQLIdentifier
    @_spi(EmberInternal) public var parameters: [SQLExpression]
}
