// PredicatePushdown: moves filter conditions as close to the scans as they can go without changing
// the result — below projections (with the projected expressions substituted), into each child of
// a union, and into the inputs of a join: a conjunct that reads one side only filters that side
// before it is shuffled, where the join type allows it (an outer join's preserved side cannot be
// filtered by its ON condition; the side it null-extends cannot be filtered by a WHERE above it).
// Conjuncts over both sides of an inner join become part of its condition, so a filter over a
// cross join turns it into an equi-join.

extension Optimizer {
    static func pushDownPredicates(_ plan: ResolvedPlan) -> ResolvedPlan {
        combineFilters(plan.transformDown(pushDown))
    }

    static func pushDown(_ node: ResolvedPlan) -> ResolvedPlan {
        switch node {
        case .filter(let condition, .filter(let inner, let child)):
            // A filter that met another on its way down (e.g. a NOT IN guard) goes on as one.
            return pushDown(.filter(.and(inner, condition), child))
        case .filter(let condition, .project(let exprs, let schema, let child)):
            let substituted = condition.substitutingColumns { i, _ in exprs[i] }
            return .project(exprs, schema, .filter(substituted, child))
        case .filter(let condition, .union(let children, let schema)):
            return .union(children.map { .filter(condition, $0) }, schema)
        case .filter(let condition, .broadcastHint(let child)):
            return .broadcastHint(.filter(condition, child))
        case .filter(let condition, .join(let j, let l, let r)):
            return pushFilterIntoJoin(condition, j, l, r)
        case .filter(let condition, .window(let w, let schema, let child)):
            return pushFilterBelowWindow(condition, w, schema, child)
        case .join(let j, let l, let r):
            return pushJoinCondition(j, l, r)
        default:
            return node
        }
    }

    /// Which inputs a conjunct reads: nil when it reads no column.
    enum Side { case left, right, both }
    static func side(of e: BoundExpression, leftCount: Int) -> Side? {
        let cols = e.referencedColumns
        if cols.isEmpty { return nil }
        if cols.allSatisfy({ $0 < leftCount }) { return .left }
        if cols.allSatisfy({ $0 >= leftCount }) { return .right }
        return .both
    }

    static func filtered(_ plan: ResolvedPlan, _ conjuncts: [BoundExpression]) -> ResolvedPlan {
        guard let c = BoundExpression.conjunction(conjuncts) else { return plan }
        return .filter(c, plan)
    }

    static func pushFilterIntoJoin(_ condition: BoundExpression, _ j: ResolvedJoin, _ l: ResolvedPlan, _ r: ResolvedPlan) -> ResolvedPlan {
        let lc = l.schema.count
        var toLeft: [BoundExpression] = [], toRight: [BoundExpression] = [], toJoin: [BoundExpression] = [], stay: [BoundExpression] = []
        let inner = j.type == .inner || j.type == .cross
        for c in condition.conjuncts {
            switch side(of: c, leftCount: lc) {
            case .left where inner || j.type == .leftOuter || j.type == .leftSemi || j.type == .leftAnti: toLeft.append(c)
            case .right where inner || j.type == .rightOuter: toRight.append(c.shiftingColumns(by: -lc))
            case .both where inner: toJoin.append(c)
            default: stay.append(c)
            }
        }
        if toLeft.isEmpty && toRight.isEmpty && toJoin.isEmpty { return .filter(condition, .join(j, l, r)) }
        var join = j
        if !toJoin.isEmpty {
            join.condition = BoundExpression.conjunction((j.condition.map { [$0] } ?? []) + toJoin)
            if join.type == .cross { join.type = .inner }
        }
        return filtered(pushJoinCondition(join, filtered(l, toLeft), filtered(r, toRight)), stay)
    }

    /// Only conjuncts over the window's partition columns cross it (as Spark): they keep or drop whole
    /// partitions, so no frame changes; anything else would change what the functions see.
    static func pushFilterBelowWindow(_ condition: BoundExpression, _ w: BoundWindow, _ schema: StructType, _ child: ResolvedPlan) -> ResolvedPlan {
        var partitionColumns = Set<Int>()
        for p in w.partitionBy { if case .column(let i, _) = p { partitionColumns.insert(i) } }
        var below: [BoundExpression] = [], stay: [BoundExpression] = []
        for c in condition.conjuncts {
            let cols = c.referencedColumns
            if !cols.isEmpty && cols.isSubset(of: partitionColumns) { below.append(c) } else { stay.append(c) }
        }
        if below.isEmpty { return .filter(condition, .window(w, schema, child)) }
        return filtered(.window(w, schema, filtered(child, below)), stay)
    }

    /// From a condition `b1 OR … OR bn` over both sides, what one side's rows must meet for it to
    /// be true: the OR over the branches of each branch's conjuncts on that side alone (Spark's
    /// PushExtraPredicateThroughJoin), or nil when a branch has none. A branch is true only when
    /// each of its conjuncts is, so a row failing the derived predicate joins with nothing. TPC-H
    /// Q19's three (brand, container, size) branches filter part down to a few hundred rows before
    /// the join, and its quantity ranges filter lineitem.
    static func impliedPredicate(_ c: BoundExpression, on target: Side, leftCount lc: Int) -> BoundExpression? {
        let branches = c.disjuncts
        guard branches.count > 1 else { return nil }
        var parts: [BoundExpression] = []
        for branch in branches {
            guard let own = BoundExpression.conjunction(branch.conjuncts.filter { side(of: $0, leftCount: lc) == target }) else { return nil }
            parts.append(own)
        }
        return parts.dropFirst().reduce(parts[0]) { .or($0, $1) }
    }

    static func pushJoinCondition(_ j: ResolvedJoin, _ l: ResolvedPlan, _ r: ResolvedPlan) -> ResolvedPlan {
        guard let condition = j.condition else { return .join(j, l, r) }
        let lc = l.schema.count
        var toLeft: [BoundExpression] = [], toRight: [BoundExpression] = [], keep: [BoundExpression] = []
        let t = j.type
        let filtersLeft = t == .inner || t == .cross || t == .rightOuter || t == .leftSemi
        let filtersRight = t == .inner || t == .cross || t == .leftOuter || t == .leftSemi || t == .leftAnti
        for c in condition.conjuncts {
            switch side(of: c, leftCount: lc) {
            case .left where filtersLeft: toLeft.append(c)
            case .right where filtersRight: toRight.append(c.shiftingColumns(by: -lc))
            case .both:
                keep.append(c)
                // The condition stays whole; each side also gets what it must meet for it to hold.
                if filtersLeft, let extra = impliedPredicate(c, on: .left, leftCount: lc) { toLeft.append(extra) }
                if filtersRight, let extra = impliedPredicate(c, on: .right, leftCount: lc) { toRight.append(extra.shiftingColumns(by: -lc)) }
            default: keep.append(c)
            }
        }
        if toLeft.isEmpty && toRight.isEmpty { return .join(j, l, r) }
        var join = j
        join.condition = BoundExpression.conjunction(keep)
        return .join(join, filtered(l, toLeft), filtered(r, toRight))
    }
}
