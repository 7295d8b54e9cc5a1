// Expression: the unresolved expression tree users build through `Column` (names, not indices).
// The analyzer turns it into a BoundExpression against a concrete input schema.

public enum BinaryOperator: String, Sendable, Codable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR"
    /// Null-safe equality: true when both sides are null, false when one is (never null).
    case equalNullSafe = "<=>"

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .equalNullSafe: return true
        default: return false
        }
    }
    public var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: return true
        default: return false
        }
    }
    public var isLogical: Bool { self == .and || self == .or }
}

/// Scalar functions (Spark's `functions` names).
public enum ScalarFunction: Sendable, Codable, Hashable {
    case lower, upper, length, trim
    /// `split(str, pattern)`: Java-regex split keeping trailing empty strings (limit -1).
    case split(pattern: String)
    case coalesce
    /// `randstr(length, seed)`: `length` pseudo-random alphanumeric characters, a pure function of the
    /// seed column's value (Spark 4's randstr, made deterministic so recomputed tasks agree).
    case randstr(length: Int)
}

/// Aggregate functions with Spark's null semantics.
public enum AggregateFunction: String, Sendable, Codable, Hashable {
    case count, sum, avg, min, max

    /// Result type for an input type (nil input = `count(*)`).
    public func resultType(input: DataType?) -> DataType {
        switch self {
        case .count: return .long
        case .avg: return .double
        case .sum: return input == .double ? .double : .long
        case .min, .max: return input ?? .long
        }
    }

    /// Types of the partial-aggregation buffer columns (what crosses the shuffle).
    ///
    ///   count     → [count: long]
    ///   sum       → [sum: long | double, nullable: null until a non-null input is seen]
    ///   avg       → [sum: double, count: long]
    ///   min / max → [value: input type, nullable]
    public func bufferTypes(input: DataType?) -> [DataType] {
        switch self {
        case .count: return [.long]
        case .sum: return [resultType(input: input)]
        case .avg: return [.double, .long]
        case .min, .max: return [input ?? .long]
        }
    }
}

public indirect enum Expression: Sendable, Codable, Hashable {
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

    /// The column name Spark would give this expression in a result schema.
    public var displayName: String {
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
            }
        case .cast(let e, let t): return "CAST(\(e.displayName) AS \(t.simpleString.uppercased()))"
        case .explode: return "col"
        case .aggregate(let f, let arg):
            guard let arg else { return "count(1)" }
            return "\(f.rawValue)(\(arg.displayName))"
        }
    }

    /// True if the tree contains an aggregate function.
    public var containsAggregate: Bool {
        switch self {
        case .aggregate: return true
        case .column, .qualifiedColumn, .star, .literal: return false
        case .alias(let e, _), .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _), .explode(let e):
            return e.containsAggregate
        case .binary(_, let l, let r): return l.containsAggregate || r.containsAggregate
        case .function(_, let args): return args.contains { $0.containsAggregate }
        }
    }

    /// True if the tree contains a generator (explode).
    public var containsGenerator: Bool {
        switch self {
        case .explode: return true
        case .column, .qualifiedColumn, .star, .literal, .aggregate: return false
        case .alias(let e, _), .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _):
            return e.containsGenerator
        case .binary(_, let l, let r): return l.containsGenerator || r.containsGenerator
        case .function(_, let args): return args.contains { $0.containsGenerator }
        }
    }
}

/// Sort direction and null placement (Spark: ascending puts nulls first, descending puts them last).
public struct SortOrder: Sendable, Codable, Hashable {
    public var expression: Expression
    public var ascending: Bool
    public var nullsFirst: Bool
    public init(_ expression: Expression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst ?? ascending
    }
}
