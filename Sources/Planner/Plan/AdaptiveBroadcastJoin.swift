// AdaptiveBroadcastJoin: a shuffled join becomes a broadcast join at run time once one side's map
// output is known to be small (Spark's adaptive execution turning a shuffled join into a broadcast
// one). Statically the planner only knows file sizes: a filtered or joined side's estimate is its
// input's (or a product of inputs), so a side of thousands of rows can look like terabytes and the
// other side, six million rows of lineitem, gets shuffled to meet it.
//
//   stage J:  Partial agg ← ShuffledHashJoin ← ShuffleRead(s_small)      (written by stage A)
//                                            ← ShuffleRead(s_large)      (written by stage B: FileScan …)
//   becomes
//   stage J:  Partial agg ← BroadcastHashJoin ← BroadcastRead(s_small, every partition)
//                                             ← FileScan …               (B's plan: B never runs)
//
// The scheduler runs A before B; when A's output is at most the threshold it swaps in the new plan.
// Only a join reached from the stage's root through operators that work on any partitioning
// (projections, filters, generators, partial aggregates, the probe side of broadcast joins, and the
// per-task sorts and limits whose results the driver merges or an exchange combines) is converted,
// since the new stage's tasks follow B's partitions instead of the join's.

/// When a shuffled join may become a broadcast join at run time (nil on a join: never).
@_spi(EmberInternal) public struct AdaptiveBroadcast: Sendable, Codable, Hashable {
    /// A side whose shuffle output's data size (see `dataSize`) is at most this is broadcast
    /// (`spark.sql.adaptive.autoBroadcastJoinThreshold`).
    @_spi(EmberInternal) public var thresholdBytes: Int64
    /// The execution memory one task can count on: a side whose rows are estimated above it stays shuffled.
    @_spi(EmberInternal) public var taskMemoryBytes: Int64
    /// A side computed first whose join keys, as rows, take at most this filters the other side
    /// before its shuffle (see RuntimeJoinFilter; -1: never).
    @_spi(EmberInternal) public var runtimeFilterBytes: Int64

    @_spi(EmberInternal) public init(thresholdBytes: Int64, taskMemoryBytes: Int64, runtimeFilterBytes: Int64 = -1) {
        self.thresholdBytes = thresholdBytes
        self.taskMemoryBytes = taskMemoryBytes
        self.runtimeFilterBytes = runtimeFilterBytes
    }

    /// The size of a shuffle output's rows as Spark measures it for this decision (its `dataSize`,
    /// rows in their uncompressed row format): 8 bytes a value plus a null word per 64 columns, at
    /// least 8 more bytes a string or array; never less than the `bytes` the output takes compressed.
    /// Compressed bytes alone would let a million well-compressing keys pass for a small side.
    @_spi(EmberInternal) public static func dataSize(bytes: Int64, rows: Int64, schema: StructType) -> Int64 {
        let columns = Int64(schema.fields.count)
        let perRow = 8 * ((columns + 63) / 64) + 8 * columns + 8 * Int64(schema.fields.filter { $0.dataType.isVariableWidth }.count)
        let (size, overflow) = rows.multipliedReportingOverflow(by: perRow)
        return overflow ? .max : Swift.max(size, bytes)
    }

    /// Whether a shuffle output of `bytes` compressed bytes holding `rows` rows of `schema` is small
    /// enough to broadcast into tasks whose memory is shared by `consumers` operators: its data size
    /// under the threshold, and its hash table likely within the join's share of the task's memory.
    /// A build side that outgrows its share is sorted and merged instead, far slower than the
    /// shuffled join it replaced, so the memory estimate errs high: 8 bytes a value (24 a string or
    /// array), or three times the compressed bytes when that is more (long strings: TPC-H's
    /// customers with their comments), held twice while they are concatenated, and 16 bytes a row
    /// for the table.
    @_spi(EmberInternal) public func allows(bytes: Int64, rows: Int64, schema: StructType, consumers: Int) -> Bool {
        Self.dataSize(bytes: bytes, rows: rows, schema: schema) <= thresholdBytes && fits(bytes: bytes, rows: rows, schema: schema, consumers: consumers)
    }

    /// Whether a hash table of those rows likely fits the join's share of the task's memory (see `allows`).
    @_spi(EmberInternal) public func fits(bytes: Int64, rows: Int64, schema: StructType, consumers: Int) -> Bool {
        let perRow = schema.fields.reduce(Int64(16)) { $0 + ($1.dataType.isVariableWidth ? 24 : 8) }
        let (fixed, o1) = rows.multipliedReportingOverflow(by: perRow)
        let (expanded, o2) = bytes.multipliedReportingOverflow(by: 3)
        let (held, o3) = Swift.max(fixed, expanded).multipliedReportingOverflow(by: 2)
        let (memory, o4) = held.addingReportingOverflow(rows &* 16)
        return !(o1 || o2 || o3 || o4) && memory <= taskMemoryBytes / Int64(Swift.max(consumers, 1))
    }
}

/// A shuffled join in a stage's plan that may become a broadcast join.
@_spi(EmberInternal) public struct AdaptiveJoinCandidate: Sendable, Hashable {
    @_spi(EmberInternal) public let leftShuffle: ShuffleID
    @_spi(EmberInternal) public let rightShuffle: ShuffleID
    /// The sides the join type lets a broadcast join build (inner: both).
    @_spi(EmberInternal) public let buildable: [BuildSide]
    @_spi(EmberInternal) public let limits: AdaptiveBroadcast
    /// The join as planned: its type, keys (bound to each side's shuffle) and null-safety.
    @_spi(EmberInternal) public let spec: HashJoinSpec

    @_spi(EmberInternal) public func shuffle(_ side: BuildSide) -> ShuffleID { side == .left ? leftShuffle : rightShuffle }
    /// The join's keys on `side`, bound to that side's shuffle.
    @_spi(EmberInternal) public func keys(_ side: BuildSide) -> [BoundExpression] { side == .left ? spec.leftKeys : spec.rightKeys }
    /// The keys' columns alone, as a runtime filter holds them.
    @_spi(EmberInternal) public func keySchema(_ side: BuildSide) -> StructType { .keyColumns(keys(side)) }
}

extension PhysicalPlan {
    /// The first shuffled equi-join of two shuffle reads that the stage's tasks reach through
    /// operators indifferent to partitioning, if its spec allows adaptive broadcasting.
    @_spi(EmberInternal) public var adaptiveJoinCandidate: AdaptiveJoinCandidate? {
        switch self {
        case .project(_, _, let c), .filter(_, let c), .generate(_, let c), .hashAggregate(.partial, _, _, _, let c),
             .sort(_, let c), .topK(_, _, let c), .limit(_, let c):
            return c.adaptiveJoinCandidate
        case .hashJoin(let spec, let l, let r):
            switch spec.strategy {
            case .broadcastHash, .broadcastNestedLoop:
                return (spec.buildSide == .left ? r : l).adaptiveJoinCandidate
            case .shuffledHash, .sortMerge:
                guard let limits = spec.adaptiveBroadcast, !spec.leftKeys.isEmpty,
                      case .shuffleRead(let ls, _, _) = l, case .shuffleRead(let rs, _, _) = r else { return nil }
                let buildable = spec.type.broadcastBuildSides
                return buildable.isEmpty ? nil : AdaptiveJoinCandidate(leftShuffle: ls, rightShuffle: rs, buildable: buildable, limits: limits, spec: spec)
            }
        default:
            return nil
        }
    }

    /// This plan with the candidate join's `build` side read whole as a broadcast of its shuffle
    /// (all `buildPartitions` reduce partitions) and its other side computed in place by
    /// `streamed` (the plan of the stage that would have written that shuffle). `reason` says why,
    /// for `explain()` and the UI. Nil when the plan holds no such join.
    @_spi(EmberInternal) public func broadcastingJoin(build: BuildSide, of candidate: AdaptiveJoinCandidate, buildPartitions: Int,
                                                      streamed: PhysicalPlan, reason: String) -> PhysicalPlan? {
        switch self {
        case .project, .filter, .generate, .hashAggregate(.partial, _, _, _, _), .sort, .topK, .limit:
            return children[0].broadcastingJoin(build: build, of: candidate, buildPartitions: buildPartitions, streamed: streamed, reason: reason)
                .map { withNewChildren([$0]) }
        case .hashJoin(var spec, let l, let r):
            switch spec.strategy {
            case .broadcastHash, .broadcastNestedLoop:
                let probeIsLeft = spec.buildSide == .right
                guard let probe = (probeIsLeft ? l : r).broadcastingJoin(build: build, of: candidate, buildPartitions: buildPartitions,
                                                                          streamed: streamed, reason: reason) else { return nil }
                return probeIsLeft ? .hashJoin(spec, probe, r) : .hashJoin(spec, l, probe)
            case .shuffledHash, .sortMerge:
                guard case .shuffleRead(let ls, let lschema, _) = l, case .shuffleRead(let rs, let rschema, _) = r,
                      ls == candidate.leftShuffle, rs == candidate.rightShuffle, candidate.buildable.contains(build) else { return nil }
                spec.strategy = .broadcastHash
                spec.buildSide = build
                spec.adaptiveBroadcast = nil
                spec.reason = reason
                return build == .left
                    ? .hashJoin(spec, .broadcastRead(ls, lschema, partitions: buildPartitions), streamed)
                    : .hashJoin(spec, streamed, .broadcastRead(rs, rschema, partitions: buildPartitions))
            }
        default:
            return nil
        }
    }
}

extension PhysicalPlan {
    /// The shuffles this plan reads whole as broadcasts (not partition by partition).
    @_spi(EmberInternal) public var broadcastShuffles: Set<ShuffleID> {
        Set(leaves.compactMap { if case .broadcastRead(let id, _, _) = $0 { return id } else { return nil } })
    }
}

extension DataType {
    /// Strings and arrays: values of any length.
    var isVariableWidth: Bool {
        switch self {
        case .string, .array: return true
        default: return false
        }
    }
}

extension BuildSide {
    @_spi(EmberInternal) public var other: BuildSide { self == .left ? .right : .left }
}

extension JoinType {
    /// The sides a broadcast join of this type can build: the one whose unmatched rows it never emits.
    @_spi(EmberInternal) public var broadcastBuildSides: [BuildSide] {
        switch self {
        case .inner, .cross: return [.left, .right]
        case .leftOuter, .leftSemi, .leftAnti: return [.right]
        case .rightOuter: return [.left]
        case .fullOuter: return []
        }
    }
}
