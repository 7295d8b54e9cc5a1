// Expression: the unresolved expression tree users build through `Column` (names, not indices).
// The analyzer turns it into a BoundExpression against a concrete input schema.

@_spi(EmberInternal) public enum BinaryOperator: String, Sendable, Codable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR"
    /// Null-safe equality: true when both sides are null, false when one is (never null).
    case equalNullSafe = "<=>"

    @_spi(EmberInternal) public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .equalNullSafe: return true
        default: return false
        }
    }
    @_spi(EmberInternal) public var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: return true
        default: return false
        }
    }
    @_spi(EmberInternal) public var isLogical: Bool { self == .and || self == .or }
}

/// Scalar functions (Spark's `functions` names).
@_spi(EmberInternal) public enum ScalarFunction: Sendable, Codable, Hashable {
    case lower, upper, length, trim
    /// `split(str, pattern)`: Java-regex split keeping trailing empty strings (limit -1).
    case split(pattern: String)
    case coalesce
    /// `randstr(length, seed)`: `length` pseudo-random alphanumeric characters, a pure function of the
    /// seed column's value (Spark 4's randstr, made deterministic so recomputed tasks agree).
    case randstr(length: Int)
    /// `CASE WHEN c1 THEN v1 … [ELSE e] END`: arguments c1, v1, c2, v2, …, then e if `hasElse`.
    case caseWhen(hasElse: Bool)
    /// `value IN (list…)`: arguments value, then the list.
    case inList
    /// `str LIKE pattern` with `%`, `_` and `\` as the escape character.
    case like(pattern: String)
    /// `str RLIKE regex`: a Java regular expression found anywhere in the string.
    case rlike(pattern: String)
    case startsWith, endsWith, contains
    /// `substring(str, pos, len)`: 1-based position (0 acts as 1, negative counts from the end), in characters.
    case substring
    case concat
    /// `round(x, scale)`: HALF_UP, as Spark.
    case round(scale: Int)
    case abs
    case year, month, dayOfMonth
    case dateAdd, dateSub, addMonths, dateDiff
    /// `to_date(str)` (nil format: Spark's cast) or `to_date(str, format)` with a datetime pattern.
    case toDate(format: String?)
    /// The arguments of `count(DISTINCT …)`; only valid as that aggregate's argument.
    case distinct
    /// Arguments: a row count and a value; the value, or an error when the count is above 1 (a
    /// scalar subquery that returned several rows).
    case assertAtMostOneRow
    /// A misuse of the API that can only be reported when the plan is analyzed (e.g. `.when` on a
    /// column that is not a CASE WHEN); the analyzer throws with this message.
    case misuse(String)
}

/// Aggregate functions with Spark's null semantics.
@_spi(EmberInternal) public enum AggregateFunction: String, Sendable, Codable, Hashable {
    case count, sum, avg, min, max
    /// The first / last value seen in a group (nulls included unless the IgnoreNulls variant).
    case first, last
    case firstIgnoreNulls = "first_ignore_nulls", lastIgnoreNulls = "last_ignore_nulls"
    /// Sample and population standard deviation and variance (Spark's stddev_samp, stddev_pop,
    /// var_samp, var_pop), from mergeable (n, mean, m2) buffers.
    case stddevSamp = "stddev_samp", stddevPop = "stddev_pop", varSamp = "var_samp", varPop = "var_pop"

    /// True for first/last and their IgnoreNulls variants.
    @_spi(EmberInternal) public var isFirstOrLast: Bool { [.first, .last, .firstIgnoreNulls, .lastIgnoreNulls].contains(self) }
    /// True for the standard deviations and variances.
    @_spi(EmberInternal) public var isCentralMoment: Bool { [.stddevSamp, .stddevPop, .varSamp, .varPop].contains(self) }

    /// Result type for an input type (nil input = `count(*)`).
    @_spi(EmberInternal) public func resultType(input: DataType?) -> DataType {
        switch self {
        case .count: return .long
        case .avg, .stddevSamp, .stddevPop, .varSamp, .varPop: return .double
        case .sum: return input == .double ? .double : .long
        case .min, .max, .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return input ?? .long
        }
    }

    /// Types of the partial-aggregation buffer columns (what crosses the shuffle).
    ///
    ///   count     → [count: long]
    ///   sum       → [sum: long | double, nullable: null until a non-null input is seen]
    ///   avg       → [sum: double, count: long]
    ///   min / max → [value: input type, nullable]
    ///   first / last (and IgnoreNulls) → [value: input type, nullable; valueSet: boolean]
    ///   stddev / variance → [n: double, mean: double, m2: double] (Spark's CentralMomentAgg)
    @_spi(EmberInternal) public func bufferTypes(input: DataType?) -> [DataType] {
        switch self {
        case .count: return [.long]
        case .sum: return [resultType(input: input)]
        case .avg: return [.double, .long]
        case .min, .max: return [input ?? .long]
        case .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return [input ?? .long, .boolean]
        case .stddevSamp, .stddevPop, .varSamp, .varPop: return [.double, .double, .double]
        }
    }
}

@_spi(EmberInternal) public indirect enum Expression: Sendable, Hashable {
    case column(String)
    /// A column of one particular input: `df["name"]` (qualifier "#<DataFrame id>") or
    /// `col("a.name")` after `df.alias("a")` (qualifier "a").
    case qualifiedColumn(String, String)
    /// `*` in a select list (all columns of the input).
    case star
    case literal(Value)
    case alias(Expression, String)
    case binary(BinaryOperator, Expression, Expression)
    case not(Expression)
    case negate(Expression)
    case isNull(Expression)
    case isNotNull(Expression)
    case function(ScalarFunction, [Expression])
    case cast(Expression, DataType)
    /// A generator: one output row per array element (Spark's `explode`).
    case explode(Expression)
    /// An aggregate; `nil` argument means `count(*)`.
    case aggregate(AggregateFunction, Expression?)
    /// A query used as a value (scalar), a test (EXISTS) or a list (IN); see Subquery.
    case subquery(Subquery)
    /// A column of the query that encloses a subquery (Spark's `outer()`); a name that the
    /// subquery's own inputs do not have resolves there without it.
    case outerReference(Expression)
    /// A window function proper (row_number, rank, lag…); valid only as the function of `.window`.
    case windowFunction(WindowFunctionKind, [Expression])
    /// `function OVER (spec)`: the function is a `.windowFunction` or an `.aggregate` (see WindowExpression).
    case window(Expression, WindowSpecDefinition)

    /// The column name Spark would give this expression in a result schema.
    @_spi(EmberInternal) public var displayName: String {
        switch self {
        case .column(let n), .qualifiedColumn(_, let n): return n
        case .star: return "*"
        case .literal(let v): return v.isNull ? "NULL" : v.description
        case .alias(_, let n): return n
        case .binary(let op, let l, let r): return "(\(l.displayName) \(op.rawValue) \(r.displayName))"
        case .not(let e): return "(NOT \(e.displayName))"
        case .negate(let e): return "(- \(e.displayName))"
        case .isNull(let e): return "(\(e.displayName) IS NULL)"
        case .isNotNull(let e): return "(\(e.displayName) IS NOT NULL)"
        case .function(let f, let args):
            let a = args.map(\.displayName).joined(separator: ", ")
            switch f {
            case .lower: return "lower(\(a))"
            case .upper: return "upper(\(a))"
            case .length: return "length(\(a))"
            case .trim: return "trim(\(a))"
            case .coalesce: return "coalesce(\(a))"
            case .split(let p): return "split(\(a), \(p), -1)"
            case .randstr(let n): return "randstr(\(n), \(a))"
            default: return f.displayName(args)
            }
        case .cast(let e, let t): return "CAST(\(e.displayName) AS \(t.simpleString.uppercased()))"
        case .explode: return "col"
        case .subquery(let q): return q.displayName
        case .outerReference(let e): return "outer(\(e.displayName))"
        case .aggregate(let f, let arg):
            guard let arg else { return "count(1)" }
            switch f {
            case .firstIgnoreNulls: return "first(\(arg.displayName)) ignore nulls"
            case .lastIgnoreNulls: return "last(\(arg.displayName)) ignore nulls"
            default: return "\(f.rawValue)(\(arg.displayName))"
            }
        case .windowFunction(let kind, let args): return kind.displayName(args)
        case .window(let function, let spec): return "\(function.displayName) OVER (\(spec.sql))"
        }
    }

    /// True if the tree contains an aggregate function.
    @_spi(EmberInternal) public var containsAggregate: Bool {
        switch self {
        case .aggregate: return true
        // An aggregate over a window is computed by the window operator, not by a groupBy.
        case .column, .qualifiedColumn, .star, .literal, .subquery, .window, .windowFunction: return false
        case .alias(let e, _), .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _), .explode(let e),
             .outerReference(let e):
            return e.containsAggregate
        case .binary(_, let l, let r): return l.containsAggregate || r.containsAggregate
        case .function(_, let args): return args.contains { $0.containsAggregate }
        }
    }

    /// True if the tree contains a generator (explode).
    @_spi(EmberInternal) public var containsGenerator: Bool {
        switch self {
        case .explode: return true
        case .column, .qualifiedColumn, .star, .literal, .aggregate, .subquery, .window, .windowFunction: return false
        case .alias(let e, _), .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _), .outerReference(let e):
            return e.containsGenerator
        case .binary(_, let l, let r): return l.containsGenerator || r.containsGenerator
        case .function(_, let args): return args.contains { $0.containsGenerator }
        }
    }
}

extension Expression {
    /// True if the tree contains a window expression (`… OVER (…)`) or a bare window function.
    @_spi(EmberInternal) public var containsWindow: Bool {
        switch self {
        case .window, .windowFunction: return true
        default: return children.contains { $0.containsWindow }
        }
    }
}

/// Sort direction and null placement (Spark: ascending puts nulls first, descending puts them last).
@_spi(EmberInternal) public struct SortOrder: Sendable, Hashable {
    @_spi(EmberInternal) public var expression: Expression
    @_spi(EmberInternal) public var ascending: Bool
    @_spi(EmberInternal) public var nullsFirst: Bool
    @_spi(EmberInternal) public init(_ expression: Expression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst ?? ascending
    }
}
