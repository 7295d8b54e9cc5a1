// BoundExpression as a tree: its operands as children, so rewrites (substituting columns, splitting
// conjunctions) are written once instead of once per expression kind.

extension BoundExpression: TreeNode {
    @_spi(EmberInternal) public var children: [BoundExpression] {
        switch self {
        case .column, .literal: return []
        case .arithmetic(_, let l, let r, _), .comparison(_, let l, let r), .equalNullSafe(let l, let r), .and(let l, let r), .or(let l, let r):
            return [l, r]
        case .not(let e), .negate(let e), .isNull(let e), .isNotNull(let e), .lower(let e), .upper(let e), .length(let e), .trim(let e),
             .split(let e, _), .cast(let e, _), .randstr(let e, _):
            return [e]
        case .coalesce(let es, _), .call(_, let es, _): return es
        }
    }

    @_spi(EmberInternal) public func withNewChildren(_ c: [BoundExpression]) -> BoundExpression {
        switch self {
        case .column, .literal: return self
        case .arithmetic(let op, _, _, let t): return .arithmetic(op, c[0], c[1], t)
        case .comparison(let op, _, _): return .comparison(op, c[0], c[1])
        case .equalNullSafe: return .equalNullSafe(c[0], c[1])
        case .and: return .and(c[0], c[1])
        case .or: return .or(c[0], c[1])
        case .not: return .not(c[0])
        case .negate: return .negate(c[0])
        case .isNull: return .isNull(c[0])
        case .isNotNull: return .isNotNull(c[0])
        case .lower: return .lower(c[0])
        case .upper: return .upper(c[0])
        case .length: return .length(c[0])
        case .trim: return .trim(c[0])
        case .split(_, let p): return .split(c[0], pattern: p)
        case .cast(_, let t): return .cast(c[0], t)
        case .randstr(_, let n): return .randstr(c[0], length: n)
        case .coalesce(_, let t): return .coalesce(c, t)
        case .call(let f, _, let t): return .call(f, c, t)
        }
    }
}

extension BoundExpression {
    /// Replaces every column reference by what `replace` returns for it.
    @_spi(EmberInternal) public func substitutingColumns(_ replace: (Int, DataType) -> BoundExpression) -> BoundExpression {
        transformUp { e in
            if case .column(let i, let t) = e { return replace(i, t) }
            return e
        }
    }

    /// Shifts every column index by `offset`.
    @_spi(EmberInternal) public func shiftingColumns(by offset: Int) -> BoundExpression {
        offset == 0 ? self : substitutingColumns { .column($0 + offset, $1) }
    }

    /// The operands of a chain of ANDs (the expression itself if it is no AND).
    @_spi(EmberInternal) public var conjuncts: [BoundExpression] {
        if case .and(let l, let r) = self { return l.conjuncts + r.conjuncts }
        return [self]
    }

    /// AND of the expressions (nil for none).
    @_spi(EmberInternal) public static func conjunction(_ es: [BoundExpression]) -> BoundExpression? {
        es.reduce(nil as BoundExpression?) { acc, e in acc.map { .and($0, e) } ?? e }
    }
}
