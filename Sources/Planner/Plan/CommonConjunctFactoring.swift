// CommonConjunctFactoring: a conjunct that every branch of an OR has comes out of the OR, as in
// Spark's BooleanSimplification: (a AND b) OR (a AND c) becomes a AND (b OR c), and
// a OR (a AND b) becomes a. AND and OR distribute in SQL's three-valued logic too, so the result
// is the same for every row. It matters to joins: TPC-H Q19 writes `p_partkey = l_partkey` (and
// the line filters) in each of three ORed branches over `FROM lineitem, part`; factored out, the
// equality becomes a hash join's key and the line filters go below the join (PredicatePushdown)
// instead of a nested-loop join testing every line against every part.

extension Optimizer {
    /// Filter and join conditions with the conjuncts common to the branches of their ORs factored out.
    static func factorCommonConjuncts(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            switch node {
            case .filter(let condition, let child):
                return .filter(condition.factoringCommonConjuncts(), child)
            case .join(var j, let l, let r):
                j.condition = j.condition?.factoringCommonConjuncts()
                return .join(j, l, r)
            default:
                return node
            }
        }
    }
}

extension BoundExpression {
    /// The operands of a chain of ORs (the expression itself if it is no OR).
    var disjuncts: [BoundExpression] {
        if case .or(let l, let r) = self { return l.disjuncts + r.disjuncts }
        return [self]
    }

    /// Whether two conjuncts are the same test: equal, or an equality with its sides swapped
    /// (`l.k = r.k` and `r.k = l.k`).
    func isSameConjunct(_ other: BoundExpression) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.comparison(let op, let a, let b), .comparison(let op2, let c, let d)) where op == op2 && (op == .equal || op == .notEqual):
            return a == d && b == c
        case (.equalNullSafe(let a, let b), .equalNullSafe(let c, let d)):
            return a == d && b == c
        default:
            return false
        }
    }

    /// This expression with each OR's common conjuncts factored out (see CommonConjunctFactoring).
    func factoringCommonConjuncts() -> BoundExpression {
        transformUp { e in
            guard case .or = e else { return e }
            let branches = e.disjuncts.map(\.conjuncts)
            guard let first = branches.first else { return e }
            var common: [BoundExpression] = []
            for c in first where !common.contains(where: c.isSameConjunct) && branches.dropFirst().allSatisfy({ $0.contains(where: c.isSameConjunct) }) {
                common.append(c)
            }
            guard !common.isEmpty else { return e }
            let rests = branches.map { $0.filter { c in !common.contains(where: c.isSameConjunct) } }
            // A branch of only common conjuncts is true wherever they all hold: the OR is just them.
            if rests.contains(where: \.isEmpty) { return BoundExpression.conjunction(common) ?? e }
            let restOr = rests.compactMap(BoundExpression.conjunction).reduce(nil as BoundExpression?) { acc, b in acc.map { .or($0, b) } ?? b }
            return BoundExpression.conjunction(common + (restOr.map { [$0] } ?? [])) ?? e
        }
    }
}
