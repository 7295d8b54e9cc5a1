// AdaptiveBuildSide: a shuffled hash join's task builds its hash table on the side whose shuffle
// partition is smaller, by the bytes the map outputs reported, instead of trusting the planner's
// estimate. Without statistics the planner estimates a join's output as the product of its inputs
// (as Spark does), so after a few joins it may plan to build on a six-million-row side while the
// other holds thousands; building a table over the large side costs memory and cache misses that
// probing it does not. Every join type a shuffled hash join runs may switch (output columns stay
// left then right): outer joins then mark the build rows that match and emit the unmatched ones
// at the end, and a left semi or anti join built on its left emits the left rows the right side
// matched (or did not) once all of the right side has streamed by. A join switches only when the
// planned build side is more than twice the other, and a semi or anti join only with equi-join keys
// and a residual condition: without a condition its right side is already reduced to distinct
// keys, and built on the left it would walk every matching pair where the right build answers each
// left row with one lookup (without keys, every pair of rows).

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension TaskPipeline {
    /// `spec` with its build side switched when this task's inputs show the other side is smaller.
    func adaptiveBuildSide(_ spec: HashJoinSpec, left: PhysicalPlan, right: PhysicalPlan, firstLeaf: Int) -> HashJoinSpec {
        guard spec.strategy == .shuffledHash, spec.type.outputsRightColumns || (spec.condition != nil && !spec.leftKeys.isEmpty),
              let leftBytes = shuffleBytes(of: left, firstLeaf: firstLeaf),
              let rightBytes = shuffleBytes(of: right, firstLeaf: firstLeaf + left.leaves.count) else { return spec }
        let (build, probe) = spec.buildSide == .left ? (leftBytes, rightBytes) : (rightBytes, leftBytes)
        guard build > 2 * probe else { return spec }
        var switched = spec
        switched.buildSide = spec.buildSide == .left ? .right : .left
        return switched
    }

    /// The compressed bytes this task reads from the shuffles feeding `plan`, or nil when any of its
    /// leaves reads something else (a file, a broadcast, a cache) whose size is not known up front.
    func shuffleBytes(of plan: PhysicalPlan, firstLeaf: Int) -> Int64? {
        var total: Int64 = 0
        for leaf in firstLeaf..<(firstLeaf + plan.leaves.count) {
            guard let source = inputs[InputKey(leaf: leaf, slots: slotPath)],
                  case .shuffle(_, _, _, let blocks) = source else { return nil }
            total += blocks.reduce(0) { $0 + $1.length }
        }
        return total
    }
}
