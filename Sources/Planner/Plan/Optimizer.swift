// Optimizer: rule-based rewrites of a ResolvedPlan, in this order:
//   1. CombineFilters:     Filter(a, Filter(b, x)) → Filter(b AND a, x); then the conjuncts
//                          common to every branch of an OR come out of it (CommonConjunctFactoring)
//   2. PredicatePushdown:  filters move below projections, unions and into join inputs (and join
//                          conditions), so join inputs are filtered before they are shuffled; an
//                          OR over both sides also filters each side by what it asks of that side
//   3. ConstantFolding:    expressions over literals only become one literal; then
//      PartitionPruning:   a filter on a scan's partition columns drops the files it rules out
//      SelectiveJoinPlacement: in a tree of inner joins, a small filtered input is joined
//                          first with the input its equi-join key points to (with adaptive
//                          execution on, not for writes)
//   4. ColumnPruning:      every node asks its children only for the columns it reads; scans then
//                          parse only those CSV fields, and a column only a filter reads stops there
//                          (a Project over the Filter, unless one is already above it)
//   5. ScanFilterPushdown and ScanDictionaryColumns: what scans learn from the nodes above them
// Two-phase aggregation and join strategies are chosen by the PhysicalPlanner.

@_spi(EmberInternal) public enum Optimizer {
    /// `selectiveJoinBytes`: the largest filtered input SelectiveJoinPlacement joins early (nil: off).
    @_spi(EmberInternal) public static func optimize(_ plan: ResolvedPlan, selectiveJoinBytes: Int64? = nil) -> ResolvedPlan {
        let pushed = pushDownPredicates(factorCommonConjuncts(combineFilters(plan)))
        let folded = prunePartitions(foldConstants(pushed))
        let placed = selectiveJoinBytes.map { placeSelectiveJoins(folded, maxBytes: $0) } ?? folded
        let (pruned, _) = prune(placed, needed: Set(placed.schema.fields.indices))
        return markScanDictionaryColumns(pushScanFilters(pruned))
    }

    static func combineFilters(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            if case .filter(let a, .filter(let b, let grandchild)) = node { return .filter(.and(b, a), grandchild) }
            return node
        }
    }
}
