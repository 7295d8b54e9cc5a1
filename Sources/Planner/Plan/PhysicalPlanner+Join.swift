// PhysicalPlanner+Join: picks how each join runs (Spark's JoinSelection).
//
//   equi-join keys (`a = b`, `a <=> b` conjuncts across the sides) are pulled out of the condition;
//   the rest stays as a residual condition checked on each candidate pair.
//   1. a side the join type lets us build (inner: either; left outer, semi, anti: the right; right
//      outer: the left; full outer: neither) with a broadcast hint, or estimated at most
//      autoBroadcastJoinThreshold bytes and at most a task's execution memory (every task holds the
//      whole side) → BroadcastHashJoin (no keys: BroadcastNestedLoopJoin);
//   2. otherwise → ShuffledHashJoin (SortMergeJoin with preferSortMergeJoin): both sides
//      hash-partitioned on their keys (a join without keys that cannot be broadcast, a full outer
//      one, shuffles both sides to one partition). A shuffled hash join whose build side does not
//      fit in a task's memory sorts and merges in that task instead.

extension PhysicalPlanner.Builder {
    func planJoin(_ j: ResolvedJoin, _ l: ResolvedPlan, _ r: ResolvedPlan) -> PhysicalPlan {
        let lc = l.schema.count
        var leftKeys: [BoundExpression] = [], rightKeys: [BoundExpression] = [], nullSafe: [Bool] = []
        var residual: [BoundExpression] = []
        for c in j.condition?.conjuncts ?? [] {
            if let (a, b, safe) = equiKey(c, leftCount: lc) {
                leftKeys.append(a); rightKeys.append(b.shiftingColumns(by: -lc)); nullSafe.append(safe)
            } else {
                residual.append(c)
            }
        }
        var pr = convert(r)
        if (j.type == .leftSemi || j.type == .leftAnti) && residual.isEmpty && !rightKeys.isEmpty {
            (pr, rightKeys) = distinctKeys(rightKeys, of: pr)
        }
        let (buildSide, broadcast, reason) = chooseStrategy(j.type, l, r, hasKeys: !leftKeys.isEmpty)
        let strategy: JoinStrategy = broadcast ? (leftKeys.isEmpty ? .broadcastNestedLoop : .broadcastHash)
            : (preferSortMergeJoin && !leftKeys.isEmpty ? .sortMerge : .shuffledHash)
        var spec = HashJoinSpec(type: j.type, strategy: strategy, buildSide: buildSide, leftKeys: leftKeys, rightKeys: rightKeys,
                                nullSafe: nullSafe, condition: BoundExpression.conjunction(residual), schema: j.schema, reason: reason)
        if !broadcast && !leftKeys.isEmpty && (adaptiveBroadcastThreshold >= 0 || runtimeFilterThreshold >= 0) && !j.type.broadcastBuildSides.isEmpty {
            spec.adaptiveBroadcast = AdaptiveBroadcast(thresholdBytes: adaptiveBroadcastThreshold, taskMemoryBytes: taskMemoryBytes,
                                                       runtimeFilterBytes: runtimeFilterThreshold)
        }
        let pl = convert(l)
        if broadcast {
            return buildSide == .left ? .hashJoin(spec, .broadcastExchange(pl), pr) : .hashJoin(spec, pl, .broadcastExchange(pr))
        }
        if leftKeys.isEmpty { return .hashJoin(spec, .exchange(.single, pl), .exchange(.single, pr)) }
        return .hashJoin(spec, .exchange(.hash(leftKeys, shufflePartitions), pl), .exchange(.hash(rightKeys, shufflePartitions), pr))
    }

    /// A semi or anti join without a residual condition only asks whether a row's keys occur on the
    /// right: the right side becomes its distinct keys (a partial aggregate in each of its tasks)
    /// before it is shuffled or broadcast. `NOT EXISTS (SELECT … FROM orders WHERE o_custkey = c_custkey)`
    /// moves 100 thousand keys instead of 1.5 million orders. Keys group as `=` compares them
    /// (-0.0 = 0.0, NaN = NaN, null with null for `<=>`), so no key the join could match is lost.
    func distinctKeys(_ keys: [BoundExpression], of plan: PhysicalPlan) -> (PhysicalPlan, [BoundExpression]) {
        let schema = StructType(keys.enumerated().map { StructField("key#\($0.offset)", $0.element.dataType) })
        let refs = keys.indices.map { BoundExpression.column($0, keys[$0].dataType) }
        return (.hashAggregate(.partial, keys: keys, aggregates: [], schema, plan), refs)
    }

    /// `a = b` or `a <=> b` with `a` over the left side only and `b` over the right side only (or
    /// the other way round): the key pair, with `b` still numbered over both sides.
    func equiKey(_ c: BoundExpression, leftCount lc: Int) -> (BoundExpression, BoundExpression, Bool)? {
        let a: BoundExpression, b: BoundExpression, safe: Bool
        switch c {
        case .comparison(.equal, let x, let y): (a, b, safe) = (x, y, false)
        case .equalNullSafe(let x, let y): (a, b, safe) = (x, y, true)
        default: return nil
        }
        if case .array = a.dataType { return nil }
        let sa = Optimizer.side(of: a, leftCount: lc), sb = Optimizer.side(of: b, leftCount: lc)
        if sa == .left && sb == .right { return (a, b, safe) }
        if sa == .right && sb == .left { return (b, a, safe) }
        return nil
    }

    func chooseStrategy(_ type: JoinType, _ l: ResolvedPlan, _ r: ResolvedPlan, hasKeys: Bool) -> (BuildSide, Bool, String) {
        let canBuildLeft = type == .inner || type == .cross || type == .rightOuter
        let canBuildRight = type != .rightOuter && type != .fullOuter
        let ls = l.estimatedSizeInBytes, rs = r.estimatedSizeInBytes
        func mb(_ b: Int64) -> String {
            let tenths = b / 104_858   // estimates saturate at Int64.max: never multiply them
            return "\(tenths / 10).\(tenths % 10) MB"
        }
        let threshold = autoBroadcastJoinThreshold
        let hintL = canBuildLeft && l.hasBroadcastHint, hintR = canBuildRight && r.hasBroadcastHint
        if hintL && (!hintR || ls <= rs) { return (.left, true, "broadcast hint on the left side") }
        if hintR { return (.right, true, "broadcast hint on the right side") }
        // Every task holds the whole broadcast side in its execution memory; one that does not fit
        // is sorted by every task, so a side above a task's memory is shuffled instead.
        let limit = Swift.min(threshold, taskMemoryBytes)
        if threshold >= 0 {
            let smallL = canBuildLeft && ls <= limit, smallR = canBuildRight && rs <= limit
            if smallR && (!smallL || rs <= ls) {
                return (.right, true, "right side estimated \(mb(rs)) ≤ autoBroadcastJoinThreshold \(mb(threshold))")
            }
            if smallL { return (.left, true, "left side estimated \(mb(ls)) ≤ autoBroadcastJoinThreshold \(mb(threshold))") }
        }
        let why = threshold < 0 ? "broadcast disabled (autoBroadcastJoinThreshold -1)"
            : type == .fullOuter ? "full outer joins cannot be broadcast"
            : limit < threshold ? "left \(mb(ls)), right \(mb(rs)) over a task's execution memory \(mb(limit))"
            : "left \(mb(ls)), right \(mb(rs)) over autoBroadcastJoinThreshold \(mb(threshold))"
        // A shuffled join builds the smaller side; an outer join that builds its preserved side
        // emits that side's unmatched rows at the end. Semi and anti joins build the right side.
        let smaller: BuildSide = ls < rs ? .left : .right
        switch type {
        case .leftSemi, .leftAnti: return (.right, false, (hasKeys ? "" : "no equi-join keys; ") + why)
        default: return (smaller, false, (hasKeys ? "" : "no equi-join keys; ") + why + "; builds the smaller side")
        }
    }
}
