// HashJoinSpec: how a physical hash join runs. The build side is read whole into a hash table on
// its equi-join keys; the probe side streams through it. Keys compare with `=` (a null key never
// matches) or, for `<=>` keys, null-safe. The residual condition is checked on each candidate pair.
//
//   broadcast: the build side is written once as a one-partition shuffle that every probe task
//              reads whole (BroadcastHashJoin); the probe side is not shuffled at all.
//   shuffled:  both sides are hash-partitioned on their keys into the same n partitions; task i
//              joins partition i of each (ShuffledHashJoin). A build side that does not fit in the
//              task's memory is sorted instead, and the task merges (as a sort-merge join).
//   sort-merge: shuffled the same way; each task sorts both sides (spilling) and merges them.

@_spi(EmberInternal) public enum JoinStrategy: String, Sendable, Codable, Hashable {
    case broadcastHash = "BroadcastHashJoin"
    case shuffledHash = "ShuffledHashJoin"
    /// No equi-join keys: every build row is a candidate for every probe row.
    case broadcastNestedLoop = "BroadcastNestedLoopJoin"
    /// Both sides hash-partitioned on their keys, each partition's sides sorted and merged.
    case sortMerge = "SortMergeJoin"
}

@_spi(EmberInternal) public enum BuildSide: String, Sendable, Codable, Hashable {
    case left = "BuildLeft"
    case right = "BuildRight"
}

@_spi(EmberInternal) public struct HashJoinSpec: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var type: JoinType
    @_spi(EmberInternal) public var strategy: JoinStrategy
    @_spi(EmberInternal) public var buildSide: BuildSide
    /// Equi-join keys, bound to the left and the right child's columns (same count and types).
    @_spi(EmberInternal) public var leftKeys: [BoundExpression]
    @_spi(EmberInternal) public var rightKeys: [BoundExpression]
    /// Per key: true for `<=>` (nulls match nulls).
    @_spi(EmberInternal) public var nullSafe: [Bool]
    /// What remains of the join condition, bound over left columns followed by right columns.
    @_spi(EmberInternal) public var condition: BoundExpression?
    @_spi(EmberInternal) public var schema: StructType
    /// Why the planner chose this strategy (shown by `explain()`).
    @_spi(EmberInternal) public var reason: String
    /// A shuffled join that may become a broadcast join once a side's map output is known (see
    /// AdaptiveBroadcastJoin); nil: it stays as planned.
    @_spi(EmberInternal) public var adaptiveBroadcast: AdaptiveBroadcast? = nil

    @_spi(EmberInternal) public init(type: JoinType, strategy: JoinStrategy, buildSide: BuildSide, leftKeys: [BoundExpression], rightKeys: [BoundExpression],
                nullSafe: [Bool], condition: BoundExpression?, schema: StructType, reason: String) {
        self.type = type
        self.strategy = strategy
        self.buildSide = buildSide
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.nullSafe = nullSafe
        self.condition = condition
        self.schema = schema
        self.reason = reason
    }

    @_spi(EmberInternal) public func describe(left: StructType, right: StructType) -> String {
        let keys = zip(zip(leftKeys, rightKeys), nullSafe).map { pair, safe in
            "\(pair.0.describe(left)) \(safe ? "<=>" : "=") \(pair.1.describe(right))"
        }
        let both = StructType(left.fields + right.fields)
        var s = "\(strategy.rawValue) \(type.planName), \(buildSide.rawValue)"
        if !keys.isEmpty { s += ", keys [\(keys.joined(separator: ", "))]" }
        if let condition { s += ", condition \(condition.describe(both))" }
        if let adaptive = adaptiveBroadcast {
            var atRunTime: [String] = []
            if adaptive.thresholdBytes >= 0 {
                atRunTime.append("broadcast at run time if a buildable side's shuffle output is ≤ \(adaptive.thresholdBytes) bytes")
            }
            if adaptive.runtimeFilterBytes >= 0 {
                atRunTime.append("a filtered side run first filters the other by its keys if its output and keys are ≤ \(adaptive.runtimeFilterBytes) bytes")
            }
            return s + " (" + ([reason] + atRunTime).joined(separator: "; ") + ")"
        }
        return s + " (\(reason))"
    }
}
