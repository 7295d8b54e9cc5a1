// RuntimeJoinFilter: a shuffled join's side, before it is shuffled, drops the rows whose keys the
// other side, already computed, does not hold (Spark's runtime filters, InjectRuntimeFilter, here
// exact: a broadcast left semi join on the other side's keys). Rows without a partner can matter
// to the join only on a side it keeps unmatched (an outer side, a semi or anti join's left side),
// so only a side a broadcast could build (JoinType.broadcastBuildSides) is filtered:
//
//   stage B (map side of the join):  Exchange ← Partial agg ← Project ← Filter ← FileScan
//   becomes                          Exchange ← Partial agg ← Project ← BroadcastHashJoin LeftSemi
//                                                                           ← Filter ← FileScan
//                                                                           ← Project [keys] ← BroadcastRead(s_first)
//
// The semi join goes as far down as the keys can be followed: through projections (their
// expressions substituted) and partial aggregates (keys that are grouping keys), stopping above
// filters, scans, joins and everything else. A side whose rows are a Final aggregate's groups (TPC-H
// q17's average quantity per part, q20's sum per part and supplier) is filtered one stage further
// up, before its Partial aggregate and shuffle: `upstream` finds that stage's shuffle.
//
// The scheduler decides when (DAGScheduler+RuntimeFilters): the first side is filtered and small;
// TPC-H q21's suppliers' late lines of Saudi Arabia (73 thousand rows) keep 6 million lines of
// lineitem from being shuffled to meet them.

/// What a side of a shuffled join is filtered by: the other side's shuffle output and its keys.
@_spi(EmberInternal) public struct RuntimeJoinFilter: Sendable, Hashable {
    /// The other side's shuffle, read whole by every task of the filtered side.
    @_spi(EmberInternal) public let source: ShuffleID
    @_spi(EmberInternal) public let sourceSchema: StructType
    @_spi(EmberInternal) public let sourcePartitions: Int
    /// The join's keys on the other side (bound to `sourceSchema`) and on the filtered side (bound
    /// to the filtered stage's output), with the join's null-safety per key.
    @_spi(EmberInternal) public let sourceKeys: [BoundExpression]
    @_spi(EmberInternal) public private(set) var targetKeys: [BoundExpression]
    @_spi(EmberInternal) public let nullSafe: [Bool]
    /// Why, for `explain()` and the UI.
    @_spi(EmberInternal) public let reason: String

    @_spi(EmberInternal) public init(source: ShuffleID, sourceSchema: StructType, sourcePartitions: Int, sourceKeys: [BoundExpression],
                                     targetKeys: [BoundExpression], nullSafe: [Bool], reason: String) {
        self.source = source
        self.sourceSchema = sourceSchema
        self.sourcePartitions = sourcePartitions
        self.sourceKeys = sourceKeys
        self.targetKeys = targetKeys
        self.nullSafe = nullSafe
        self.reason = reason
    }

    /// The key columns the filter keeps of the other side's rows.
    @_spi(EmberInternal) public var keySchema: StructType { .keyColumns(sourceKeys) }

    /// The filter for the side of `candidate` other than `source`, whose output is `sourceSchema`
    /// in `sourcePartitions` partitions.
    @_spi(EmberInternal) public init(_ candidate: AdaptiveJoinCandidate, source side: BuildSide, sourceSchema: StructType,
                                     sourcePartitions: Int, reason: String) {
        self.init(source: candidate.shuffle(side), sourceSchema: sourceSchema, sourcePartitions: sourcePartitions,
                  sourceKeys: candidate.keys(side), targetKeys: candidate.keys(side.other), nullSafe: candidate.spec.nullSafe, reason: reason)
    }

    /// `plan` (a map stage's plan, whose output the join's side is) with its rows filtered.
    @_spi(EmberInternal) public func apply(to plan: PhysicalPlan) -> PhysicalPlan {
        filtered(plan, keys: targetKeys)
    }

    /// The same filter for another stage, whose output `keys` are bound to.
    @_spi(EmberInternal) public func retargeted(_ keys: [BoundExpression]) -> RuntimeJoinFilter {
        var filter = self
        filter.targetKeys = keys
        return filter
    }

    /// When `plan`'s rows are, through projections, filters and Partial aggregates on the keys,
    /// the groups of a Final aggregate of a shuffle, and the keys are grouping keys: that shuffle and the keys as its columns.
    /// Filtering the rows written to it keeps the same groups, whole.
    @_spi(EmberInternal) public func upstream(of plan: PhysicalPlan) -> (ShuffleID, [BoundExpression])? {
        Self.upstream(of: plan, keys: targetKeys)
    }

    private static func upstream(of plan: PhysicalPlan, keys: [BoundExpression]) -> (ShuffleID, [BoundExpression])? {
        switch plan {
        case .project(let exprs, _, let child):
            return upstream(of: child, keys: projected(keys, exprs))
        case .filter(_, let child):
            return upstream(of: child, keys: keys)
        case .hashAggregate(.partial, let groupKeys, _, _, let child):
            // A semi join's distinct keys of an aggregate's groups.
            return grouping(keys, groupKeys).flatMap { upstream(of: child, keys: $0) }
        case .hashAggregate(.final, let groupKeys, _, _, .shuffleRead(let shuffle, _, _)):
            return grouping(keys, groupKeys).map { (shuffle, $0) }
        default:
            return nil
        }
    }

    private func filtered(_ plan: PhysicalPlan, keys: [BoundExpression]) -> PhysicalPlan {
        switch plan {
        case .project(let exprs, let schema, let child):
            return .project(exprs, schema, filtered(child, keys: Self.projected(keys, exprs)))
        case .hashAggregate(.partial, let groupKeys, let aggs, let schema, let child):
            guard let inner = Self.grouping(keys, groupKeys) else { return semiJoin(plan, keys: keys) }
            return .hashAggregate(.partial, keys: groupKeys, aggregates: aggs, schema, filtered(child, keys: inner))
        default:
            return semiJoin(plan, keys: keys)
        }
    }

    /// `keys` over a projection's output as expressions over its input.
    private static func projected(_ keys: [BoundExpression], _ exprs: [BoundExpression]) -> [BoundExpression] {
        keys.map { $0.substitutingColumns { i, _ in exprs[i] } }
    }

    /// `keys` over an aggregate's output as expressions over its input, when they read only its
    /// grouping keys (its first columns).
    private static func grouping(_ keys: [BoundExpression], _ groupKeys: [BoundExpression]) -> [BoundExpression]? {
        var grouped = true
        let inner = keys.map { key in
            key.substitutingColumns { i, t in
                guard i < groupKeys.count else { grouped = false; return .column(i, t) }
                return groupKeys[i]
            }
        }
        return grouped ? inner : nil
    }

    private func semiJoin(_ plan: PhysicalPlan, keys: [BoundExpression]) -> PhysicalPlan {
        let keyColumns = sourceKeys.enumerated().map { BoundExpression.column($0.offset, $0.element.dataType) }
        let spec = HashJoinSpec(type: .leftSemi, strategy: .broadcastHash, buildSide: .right, leftKeys: keys, rightKeys: keyColumns,
                                nullSafe: nullSafe, condition: nil, schema: plan.schema, reason: reason)
        return .hashJoin(spec, plan, .project(sourceKeys, keySchema, .broadcastRead(source, sourceSchema, partitions: sourcePartitions)))
    }
}

extension StructType {
    /// Columns `key#0`, `key#1`, … holding the values of `keys`.
    @_spi(EmberInternal) public static func keyColumns(_ keys: [BoundExpression]) -> StructType {
        StructType(keys.enumerated().map { StructField("key#\($0.offset)", $0.element.dataType) })
    }
}
