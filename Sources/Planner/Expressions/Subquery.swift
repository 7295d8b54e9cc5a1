// Subquery: a query inside an expression, as Spark has them: a scalar subquery (one value per row,
// `(SELECT max(x) FROM t)`), EXISTS, and IN (`a IN (SELECT b …)`). The query may refer to columns
// of the enclosing query (correlation); the analyzer rewrites every subquery into a join
// (Analyzer+Subquery), so none reaches a physical plan.

@_spi(EmberInternal) public struct Subquery: Sendable, Hashable {
    @_spi(EmberInternal) public enum Kind: Sendable, Hashable {
        case scalar
        case exists
        /// The values compared with the subquery's columns, one per column.
        case isIn([Expression])
    }

    /// Holds the plan by reference: a plan is not Hashable, and two subqueries are the same
    /// expression only when they are the same subquery.
    final class PlanBox: Sendable {
        let plan: LogicalPlan
        init(_ plan: LogicalPlan) { self.plan = plan }
    }

    @_spi(EmberInternal) public let kind: Kind
    private let box: PlanBox
    @_spi(EmberInternal) public var plan: LogicalPlan { box.plan }

    @_spi(EmberInternal) public init(_ kind: Kind, _ plan: LogicalPlan) {
        self.kind = kind
        box = PlanBox(plan)
    }

    @_spi(EmberInternal) public static func == (a: Subquery, b: Subquery) -> Bool { a.box === b.box && a.kind == b.kind }
    @_spi(EmberInternal) public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(box)) }

    /// Spark's column name for the expression.
    var displayName: String {
        switch kind {
        case .scalar: return "scalarsubquery()"
        case .exists: return "exists()"
        case .isIn(let values):
            let list = values.map(\.displayName).joined(separator: ", ")
            return values.count == 1 ? "(\(list) IN (listquery()))" : "(named_struct(\(list)) IN (listquery()))"
        }
    }
}

extension Expression {
    /// True if the tree contains a subquery (not looking inside the subqueries themselves).
    @_spi(EmberInternal) public var containsSubquery: Bool {
        if case .subquery = self { return true }
        return children.contains { $0.containsSubquery }
    }

    /// The direct sub-expressions (not inside subqueries).
    @_spi(EmberInternal) public var children: [Expression] {
        switch self {
        case .column, .qualifiedColumn, .star, .literal, .subquery: return []
        case .alias(let e, _), .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _), .explode(let e),
             .outerReference(let e):
            return [e]
        case .aggregate(_, let e): return e.map { [$0] } ?? []
        case .binary(_, let l, let r): return [l, r]
        case .function(_, let args), .windowFunction(_, let args): return args
        case .window(let f, let spec): return [f] + spec.partitionBy + spec.orderBy.map(\.expression)
        }
    }

    /// The expression with each direct sub-expression replaced by `f` of it.
    @_spi(EmberInternal) public func mapChildren(_ f: (Expression) throws -> Expression) rethrows -> Expression {
        switch self {
        case .column, .qualifiedColumn, .star, .literal, .subquery: return self
        case .alias(let e, let n): return .alias(try f(e), n)
        case .binary(let op, let l, let r): return .binary(op, try f(l), try f(r))
        case .not(let e): return .not(try f(e))
        case .negate(let e): return .negate(try f(e))
        case .isNull(let e): return .isNull(try f(e))
        case .isNotNull(let e): return .isNotNull(try f(e))
        case .function(let fn, let args): return .function(fn, try args.map(f))
        case .cast(let e, let t): return .cast(try f(e), t)
        case .explode(let e): return .explode(try f(e))
        case .aggregate(let fn, let e): return .aggregate(fn, try e.map(f))
        case .outerReference(let e): return .outerReference(try f(e))
        case .windowFunction(let kind, let args): return .windowFunction(kind, try args.map(f))
        case .window(let fn, var spec):
            spec.partitionBy = try spec.partitionBy.map(f)
            spec.orderBy = try spec.orderBy.map { SortOrder(try f($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            return .window(try f(fn), spec)
        }
    }

    /// The conjuncts of an AND tree.
    @_spi(EmberInternal) public var conjuncts: [Expression] {
        if case .binary(.and, let l, let r) = self { return l.conjuncts + r.conjuncts }
        return [self]
    }

    @_spi(EmberInternal) public static func conjunction(_ es: [Expression]) -> Expression? {
        es.dropFirst().reduce(es.first) { acc, e in acc.map { .binary(.and, $0, e) } }
    }
}
