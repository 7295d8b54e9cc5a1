// The expression part of the SQL syntax tree (overview in SQLSyntaxTree.swift): column references,
// literals, operators, predicates, subqueries, CASE, CAST, function calls and their windows.
// Precedence is already applied: `a + b * c` is binary(+, a, binary(*, b, c)).

@_spi(EmberInternal) public struct SQLExpression: Sendable {
    @_spi(EmberInternal) public indirect enum Kind: Sendable {
        /// `c`, `t.c`, `db.t.c`: which parts name the table is for the translator to decide.
        case column(SQLName)
        /// `*` (qualifier nil) or `t.*`; `count(*)` is a call with a star argument.
        case star(qualifier: SQLName?)
        case literal(SQLLiteral)
        case unary(SQLUnaryOperator, SQLExpression)
        case binary(SQLBinaryOperator, SQLExpression, SQLExpression)
        /// `e IS [NOT] NULL`.
        case isNull(SQLExpression, negated: Bool)
        /// `e IS [NOT] TRUE | FALSE | UNKNOWN` (UNKNOWN: value nil, the same as IS NULL).
        case isBoolean(SQLExpression, value: Bool?, negated: Bool)
        /// `a IS [NOT] DISTINCT FROM b` (IS NOT DISTINCT FROM is `<=>`).
        case isDistinctFrom(SQLExpression, SQLExpression, negated: Bool)
        case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool)
        case inList(SQLExpression, [SQLExpression], negated: Bool)
        /// `e [NOT] IN (SELECT …)`; `(a, b) IN (SELECT x, y …)` has a tuple on the left.
        case inSubquery(SQLExpression, SQLQuery, negated: Bool)
        /// `e [NOT] LIKE|ILIKE pattern [ESCAPE 'c']` (default escape `\`).
        case like(SQLExpression, pattern: SQLExpression, escape: Character?, negated: Bool, caseInsensitive: Bool)
        /// `e [NOT] RLIKE|REGEXP pattern`: a Java regular expression found anywhere in e.
        case rlike(SQLExpression, pattern: SQLExpression, negated: Bool)
        /// `EXISTS (SELECT …)`; NOT EXISTS is `.unary(.not, .exists)`.
        case exists(SQLQuery)
        /// `(SELECT …)` used as a value.
        case scalarSubquery(SQLQuery)
        /// `CASE [operand] WHEN … THEN … [ELSE …] END`: with an operand, each WHEN value is compared
        /// to it with `=`; without, each WHEN is a condition.
        case caseWhen(operand: SQLExpression?, branches: [SQLWhenBranch], otherwise: SQLExpression?)
        /// `CAST(e AS type)`, `e::type` (isTry false) or `TRY_CAST(e AS type)` (isTry true).
        case cast(SQLExpression, SQLDataType, isTry: Bool)
        case function(SQLFunctionCall)
        /// `EXTRACT(field FROM e)`: field is YEAR, MONTH, DAY, HOUR, … as written.
        case extract(field: SQLIdentifier, SQLExpression)
        /// `TRIM([BOTH|LEADING|TRAILING] [characters] FROM e)` and `TRIM(e)`.
        case trim(SQLTrimSide, characters: SQLExpression?, SQLExpression)
        /// `(a, b)`: a row of values, as on the left of a multi-column IN.
        case tuple([SQLExpression])
        /// `e[index]`: an array element (0-based, as Spark's `[]`).
        case element(SQLExpression, index: SQLExpression)
    }
    @_spi(EmberInternal) public var kind: Kind
    @_spi(EmberInternal) public var position: SQLPosition

    @_spi(EmberInternal) public init(_ kind: Kind, at position: SQLPosition) {
        self.kind = kind
        self.position = position
    }
}

@_spi(EmberInternal) public enum SQLUnaryOperator: String, Sendable, Hashable {
    case minus = "-", plus = "+", bitwiseNot = "~", not = "NOT"
}

/// Binary operators; `==` is `.equal` and `<>` is `.notEqual`, as in Spark.
@_spi(EmberInternal) public enum SQLBinaryOperator: String, Sendable, Hashable {
    case or = "OR", and = "AND"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case nullSafeEqual = "<=>"
    case bitwiseOr = "|", bitwiseXor = "^", bitwiseAnd = "&"
    case add = "+", subtract = "-", concat = "||"
    case multiply = "*", divide = "/", remainder = "%", integerDivide = "DIV"
}

@_spi(EmberInternal) public struct SQLWhenBranch: Sendable {
    @_spi(EmberInternal) public var condition: SQLExpression
    @_spi(EmberInternal) public var result: SQLExpression
}

@_spi(EmberInternal) public enum SQLTrimSide: String, Sendable, Hashable {
    case both = "BOTH", leading = "LEADING", trailing = "TRAILING"
}

/// `name([DISTINCT] args) [FILTER (WHERE cond)] [IGNORE|RESPECT NULLS] [OVER window]`.
/// `SUBSTRING(s FROM a FOR b)` is the call `substring(s, a, b)`, `POSITION(a IN b)` is
/// `position(a, b)`, and `CURRENT_DATE`/`CURRENT_TIMESTAMP` without parentheses are calls too.
@_spi(EmberInternal) public struct SQLFunctionCall: Sendable {
    @_spi(EmberInternal) public var name: SQLName
    @_spi(EmberInternal) public var arguments: [SQLExpression]
    @_spi(EmberInternal) public var distinct: Bool
    @_spi(EmberInternal) public var filter: SQLExpression?
    /// `IGNORE NULLS` (true) or `RESPECT NULLS` (false), after the parentheses or inside them.
    @_spi(EmberInternal) public var ignoreNulls: Bool?
    /// `OVER (…)` or `OVER w`: a window function call.
    @_spi(EmberInternal) public var window: SQLWindowSpec?

    @_spi(EmberInternal) public init(_ name: SQLName, _ arguments: [SQLExpression], distinct: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.distinct = distinct
    }
}

/// `(PARTITION BY … ORDER BY … frame)`, or a reference to a named window (`OVER w`, `OVER (w)`,
/// `WINDOW w2 AS w1`): then `reference` is set and the rest is empty.
@_spi(EmberInternal) public struct SQLWindowSpec: Sendable {
    @_spi(EmberInternal) public var reference: SQLIdentifier?
    @_spi(EmberInternal) public var partitionBy: [SQLExpression]
    @_spi(EmberInternal) public var orderBy: [SQLSortItem]
    /// nil: Spark's default frame (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW with ORDER BY,
    /// the whole partition without).
    @_spi(EmberInternal) public var frame: SQLWindowFrame?
    @_spi(EmberInternal) public var position: SQLPosition
}

/// `ROWS|RANGE BETWEEN start AND end`, or `ROWS|RANGE start` (end: CURRENT ROW).
@_spi(EmberInternal) public struct SQLWindowFrame: Sendable {
    @_spi(EmberInternal) public enum Unit: String, Sendable, Hashable { case rows = "ROWS", range = "RANGE" }
    @_spi(EmberInternal) public var unit: Unit
    @_spi(EmberInternal) public var start: SQLFrameBound
    @_spi(EmberInternal) public var end: SQLFrameBound
    @_spi(EmberInternal) public var position: SQLPosition
}

@_spi(EmberInternal) public enum SQLFrameBound: Sendable {
    case unboundedPreceding, unboundedFollowing, currentRow
    /// `n PRECEDING` / `n FOLLOWING` (for RANGE, n may be an interval).
    case preceding(SQLExpression), following(SQLExpression)
}
