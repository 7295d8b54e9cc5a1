// BoundExpression: a resolved expression. Column references are indices into the input batch,
// every node knows its result type. This is what tasks carry to executors and evaluate per batch.

@_spi(EmberInternal) public indirect enum BoundExpression: Sendable, Codable, Hashable {
    case column(Int, DataType)
    case literal(Value, DataType)
    case arithmetic(BinaryOperator, BoundExpression, BoundExpression, DataType)
    /// Comparison; operands already coerced to a common type.
    case comparison(BinaryOperator, BoundExpression, BoundExpression)
    /// `<=>`: equal, or both null; never null itself. Operands coerced to a common type.
    case equalNullSafe(BoundExpression, BoundExpression)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case not(BoundExpression)
    case negate(BoundExpression)
    case isNull(BoundExpression)
    case isNotNull(BoundExpression)
    case lower(BoundExpression)
    case upper(BoundExpression)
    case length(BoundExpression)
    case trim(BoundExpression)
    case split(BoundExpression, pattern: String)
    case coalesce([BoundExpression], DataType)
    case cast(BoundExpression, DataType)
    case randstr(BoundExpression, length: Int)
    /// A function of several arguments (CASE WHEN, LIKE, substring, dates…; see BoundFunction).
    case call(BoundFunction, [BoundExpression], DataType)

    @_spi(EmberInternal) public var dataType: DataType {
        switch self {
        case .column(_, let t), .literal(_, let t), .arithmetic(_, _, _, let t), .coalesce(_, let t), .cast(_, let t), .call(_, _, let t): return t
        case .comparison, .equalNullSafe, .and, .or, .not, .isNull, .isNotNull: return .boolean
        case .negate(let e): return e.dataType
        case .lower, .upper, .trim, .randstr: return .string
        case .length: return .long
        case .split: return .array(.string)
        }
    }

    /// Input column indices this expression reads.
    @_spi(EmberInternal) public var referencedColumns: Set<Int> {
        var out = Set<Int>()
        collectColumns(into: &out)
        return out
    }

    /// Input column indices any of `expressions` reads.
    @_spi(EmberInternal) public static func referencedColumns(_ expressions: some Sequence<BoundExpression>) -> Set<Int> {
        var out = Set<Int>()
        for e in expressions { e.collectColumns(into: &out) }
        return out
    }

    func collectColumns(into out: inout Set<Int>) {
        if case .column(let i, _) = self { out.insert(i) }
        for c in children { c.collectColumns(into: &out) }
    }

    /// Rewrites column indices through `mapping` (old index → new index).
    @_spi(EmberInternal) public func remapColumns(_ mapping: [Int: Int]) -> BoundExpression {
        substitutingColumns { i, t in .column(mapping[i] ?? i, t) }
    }

    /// Compact text for `explain()`, e.g. `lower(#0)`.
    @_spi(EmberInternal) public func describe(_ schema: StructType? = nil) -> String {
        func name(_ i: Int) -> String {
            if let schema, i < schema.count { return "\(schema.fields[i].name)#\(i)" }
            return "#\(i)"
        }
        switch self {
        case .column(let i, _): return name(i)
        case .literal(let v, _): return v.isNull ? "null" : (v.stringValue.map { "'\($0)'" } ?? v.description)
        case .arithmetic(let op, let l, let r, _), .comparison(let op, let l, let r):
            return "(\(l.describe(schema)) \(op.rawValue) \(r.describe(schema)))"
        case .equalNullSafe(let l, let r): return "(\(l.describe(schema)) <=> \(r.describe(schema)))"
        case .and(let l, let r): return "(\(l.describe(schema)) AND \(r.describe(schema)))"
        case .or(let l, let r): return "(\(l.describe(schema)) OR \(r.describe(schema)))"
        case .not(let e): return "NOT \(e.describe(schema))"
        case .negate(let e): return "-\(e.describe(schema))"
        case .isNull(let e): return "isnull(\(e.describe(schema)))"
        case .isNotNull(let e): return "isnotnull(\(e.describe(schema)))"
        case .lower(let e): return "lower(\(e.describe(schema)))"
        case .upper(let e): return "upper(\(e.describe(schema)))"
        case .length(let e): return "length(\(e.describe(schema)))"
        case .trim(let e): return "trim(\(e.describe(schema)))"
        case .split(let e, let p): return "split(\(e.describe(schema)), \(p))"
        case .coalesce(let es, _): return "coalesce(\(es.map { $0.describe(schema) }.joined(separator: ", ")))"
        case .cast(let e, let t): return "cast(\(e.describe(schema)) as \(t.simpleString))"
        case .randstr(let e, let n): return "randstr(\(n), \(e.describe(schema)))"
        case .call(let f, let es, _): return f.describe(es.map { $0.describe(schema) })
        }
    }
}

/// A resolved aggregate: function, input expression (nil = `count(*)`), output name.
@_spi(EmberInternal) public struct BoundAggregate: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var function: AggregateFunction
    @_spi(EmberInternal) public var input: BoundExpression?
    @_spi(EmberInternal) public var name: String
    @_spi(EmberInternal) public init(function: AggregateFunction, input: BoundExpression?, name: String) {
        self.function = function
        self.input = input
        self.name = name
    }
    @_spi(EmberInternal) public var inputType: DataType? { input?.dataType }
    @_spi(EmberInternal) public var resultType: DataType { function.resultType(input: inputType) }
    @_spi(EmberInternal) public var bufferTypes: [DataType] { function.bufferTypes(input: inputType) }
}

/// A resolved sort key.
@_spi(EmberInternal) public struct BoundSortOrder: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var expression: BoundExpression
    @_spi(EmberInternal) public var ascending: Bool
    @_spi(EmberInternal) public var nullsFirst: Bool
    @_spi(EmberInternal) public init(expression: BoundExpression, ascending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}
