// PhysicalPlan: how a query runs. Exchange nodes mark shuffles; the StageGraph cuts the tree there
// and replaces each Exchange by a ShuffleRead in the consuming stage. Everything is Codable: a task
// carries its stage's operator tree to an executor process.

/// How an exchange distributes rows to reduce partitions.
@_spi(EmberInternal) public enum Partitioning: Sendable, Codable, Hashable {
    /// `pmod(hash(keys, seed 42), n)` with a fixed seed.
    case hash([BoundExpression], Int)
    /// Everything to one partition (global aggregates, global limits, sorts below other operators).
    case single
    /// Rows dealt to n partitions in turn (repartition without keys).
    case roundRobin(Int)
    /// Rows by ranges of their sort keys (a global sort; see RangePartitioning).
    case range(RangePartitioning)

    @_spi(EmberInternal) public var numPartitions: Int {
        switch self {
        case .hash(_, let n), .roundRobin(let n): return n
        case .single: return 1
        case .range(let r): return r.numPartitions
        }
    }

    @_spi(EmberInternal) public func describe(_ schema: StructType) -> String {
        switch self {
        case .hash(let keys, let n): return "hashpartitioning(\(keys.map { $0.describe(schema) }.joined(separator: ", ")), \(n))"
        case .roundRobin(let n): return "RoundRobinPartitioning(\(n))"
        case .single: return "SinglePartition"
        case .range(let r):
            return "rangepartitioning(\(r.orders.map { $0.describe(schema) }.joined(separator: ", ")), \(r.numPartitions))"
        }
    }
}

/// Phase of a two-phase aggregation (Spark's AggregateMode).
@_spi(EmberInternal) public enum AggregateMode: String, Sendable, Codable, Hashable {
    /// Raw rows in, `keys ++ buffers` out (before the shuffle).
    case partial = "Partial"
    /// `keys ++ buffers` in, results out (after the shuffle).
    case final = "Final"
}

@_spi(EmberInternal) public indirect enum PhysicalPlan: Sendable, Codable, Hashable {
    /// Scans the split with the task's partition index.
    case fileScan(FileScan)
    /// Generates this task's slice of a range.
    case range(RangeSpec)
    /// Reads this task's reduce partition of a shuffle from every map output.
    case shuffleRead(ShuffleID, StructType, numPartitions: Int)
    case project([BoundExpression], StructType, PhysicalPlan)
    case filter(BoundExpression, PhysicalPlan)
    case generate(Generator, PhysicalPlan)
    case hashAggregate(AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], StructType, PhysicalPlan)
    /// Sorts the partition's rows.
    case sort([BoundSortOrder], PhysicalPlan)
    /// Keeps the partition's first n rows.
    case limit(Int, PhysicalPlan)
    /// Keeps the partition's first n rows in sort order, sorted (TakeOrderedAndProject).
    case topK(Int, [BoundSortOrder], PhysicalPlan)
    /// Samples the partition's sort keys (a range exchange's sampling job).
    case sampleKeys(KeySampling, PhysicalPlan)
    case exchange(Partitioning, PhysicalPlan)
    /// At most n partitions, task i running the child's neighbouring partitions in its share one
    /// after another (Spark's CoalescedRDD: no shuffle; see PhysicalPlan+Coalesce).
    case coalesce(Int, PhysicalPlan)
    /// Fused split → explode → filter → lower → partial count (see TokenCount).
    case tokenCount(TokenCount, PhysicalPlan)
    /// Computes the child and keeps each partition in its executor's block manager.
    case cache(CacheSpec, PhysicalPlan)
    /// Reads a cached partition from the executor's block manager.
    case cacheRead(CacheSpec)
    /// Joins two inputs (children: left, right).
    case hashJoin(HashJoinSpec, PhysicalPlan, PhysicalPlan)
    /// A task runs one child's partition: partitions are numbered through the children in turn.
    case union([PhysicalPlan], StructType)
    /// Writes the child once as a single-partition shuffle that every consumer task reads whole.
    case broadcastExchange(PhysicalPlan)
    /// Reads all of a broadcast (every reduce partition of every map output: one for a broadcast
    /// exchange, all of a shuffle an adaptive broadcast join reads whole), whatever the task's partition.
    case broadcastRead(ShuffleID, StructType, partitions: Int)
    /// Window functions over rows clustered by the partition keys and sorted by (partition keys,
    /// order keys); output: the child's columns ++ one per function (WindowExec).
    case window(BoundWindow, StructType, PhysicalPlan)

    @_spi(EmberInternal) public var schema: StructType {
        switch self {
        case .fileScan(let s): return s.outputSchema
        case .range: return RangeSpec.schema
        case .shuffleRead(_, let s, _): return s
        case .project(_, let s, _), .hashAggregate(_, _, _, let s, _), .window(_, let s, _): return s
        case .tokenCount(let t, _): return t.schema
        case .cache(let s, _), .cacheRead(let s): return s.schema
        case .generate(let g, _): return g.schema
        case .hashJoin(let j, _, _): return j.schema
        case .union(_, let s), .broadcastRead(_, let s, _): return s
        case .filter(_, let c), .sort(_, let c), .limit(_, let c), .topK(_, _, let c), .exchange(_, let c), .broadcastExchange(let c),
             .coalesce(_, let c): return c.schema
        case .sampleKeys(let k, _): return k.schema
        }
    }

    /// Number of partitions (tasks) this plan produces.
    @_spi(EmberInternal) public var numPartitions: Int {
        switch self {
        case .fileScan(let s): return max(s.splits.count, 1)
        case .range(let r): return r.numPartitions
        case .cacheRead(let s): return s.numPartitions
        case .shuffleRead(_, _, let n): return n
        case .exchange(let p, _): return p.numPartitions
        case .coalesce(let n, let c): return Swift.min(n, c.numPartitions)
        case .broadcastExchange, .broadcastRead: return 1
        case .union(let cs, _): return cs.reduce(0) { $0 + $1.numPartitions }
        case .hashJoin(let j, let l, let r): return (j.buildSide == .left ? r : l).numPartitions
        case .project(_, _, let c), .generate(_, let c), .hashAggregate(_, _, _, _, let c), .tokenCount(_, let c), .cache(_, let c),
             .filter(_, let c), .sort(_, let c), .limit(_, let c), .topK(_, _, let c), .sampleKeys(_, let c), .window(_, _, let c):
            return c.numPartitions
        }
    }

    /// The leaf whose partitions number the tasks: down the probe side of joins and the first
    /// child of unions.
    @_spi(EmberInternal) public var leaf: PhysicalPlan {
        switch self {
        case .hashJoin(let j, let l, let r): return (j.buildSide == .left ? r : l).leaf
        case .coalesce: return self   // its tasks are not numbered by a leaf's partitions
        default: return children.first?.leaf ?? self
        }
    }

    @_spi(EmberInternal) public func treeString(_ indent: String = "") -> String {
        var s = indent + nodeText + "\n"
        for c in children { s += c.treeString(indent + "   ") }
        return s
    }

    @_spi(EmberInternal) public var nodeText: String {
        switch self {
        case .fileScan(let s):
            return "FileScan \(s.format.name) [\(s.outputSchema.names.joined(separator: ","))] \(s.paths.joined(separator: ",")), splits=\(s.splits.count)"
                + (s.pruning.map { ", " + $0.description } ?? "")
        case .range(let r): return "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))"
        case .shuffleRead(let id, let s, let n): return "ShuffleRead shuffle=\(id) [\(s.names.joined(separator: ","))] partitions=\(n)"
        case .broadcastRead(let id, let s, let n): return "BroadcastRead shuffle=\(id) [\(s.names.joined(separator: ","))]" + (n == 1 ? "" : " partitions=\(n)")
        case .project(let es, let s, let c):
            return "Project [\(zip(es, s.fields).map { "\($0.describe(c.schema)) AS \($1.name)" }.joined(separator: ", "))]"
        case .filter(let e, let c): return "Filter \(e.describe(c.schema))"
        case .generate(let g, let c): return g.describe(c.schema)
        case .tokenCount(let t, let c): return t.describe(c.schema)
        case .cache(let s, _): return "InMemoryTableScan #\(s.id) \(s.level.rawValue) (computing)"
        case .cacheRead(let s): return "InMemoryTableScan #\(s.id) \(s.level.rawValue) [\(s.schema.names.joined(separator: ","))] partitions=\(s.numPartitions)"
        case .hashAggregate(let mode, let k, let a, _, let c):
            let cs = c.schema
            let fs = a.map { "\($0.function.rawValue)(\(mode == .partial ? ($0.input?.describe(cs) ?? "*") : "buffer")) AS \($0.name)" }
            return "HashAggregate(mode=\(mode.rawValue), keys=[\(k.map { $0.describe(cs) }.joined(separator: ", "))], functions=[\(fs.joined(separator: ", "))])"
        case .sort(let o, let c): return "Sort [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]"
        case .limit(let n, _): return "LocalLimit \(n)"
        case .topK(let n, let o, let c): return "TakeOrdered \(n) [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]"
        case .sampleKeys(let k, let c): return "SampleKeys \(k.perPartition) per partition [\(k.orders.map { $0.describe(c.schema) }.joined(separator: ", "))]"
        case .exchange(let p, let c): return "Exchange \(p.describe(c.schema))"
        case .coalesce(let n, _): return "Coalesce \(n)"
        case .broadcastExchange: return "BroadcastExchange"
        case .hashJoin(let j, let l, let r): return j.describe(left: l.schema, right: r.schema)
        case .union(let cs, _): return "Union (\(cs.count) children)"
        case .window(let w, _, let c): return w.describe(c.schema)
        }
    }
}

extension PhysicalPlan: TreeNode {
    @_spi(EmberInternal) public var children: [PhysicalPlan] {
        switch self {
        case .fileScan, .range, .shuffleRead, .cacheRead, .broadcastRead: return []
        case .project(_, _, let c), .filter(_, let c), .generate(_, let c), .hashAggregate(_, _, _, _, let c),
             .sort(_, let c), .limit(_, let c), .exchange(_, let c), .tokenCount(_, let c), .cache(_, let c), .broadcastExchange(let c),
             .topK(_, _, let c), .sampleKeys(_, let c), .window(_, _, let c), .coalesce(_, let c):
            return [c]
        case .hashJoin(_, let l, let r): return [l, r]
        case .union(let cs, _): return cs
        }
    }

    @_spi(EmberInternal) public func withNewChildren(_ c: [PhysicalPlan]) -> PhysicalPlan {
        switch self {
        case .fileScan, .range, .shuffleRead, .cacheRead, .broadcastRead: return self
        case .project(let e, let s, _): return .project(e, s, c[0])
        case .filter(let e, _): return .filter(e, c[0])
        case .generate(let g, _): return .generate(g, c[0])
        case .hashAggregate(let m, let k, let a, let s, _): return .hashAggregate(m, keys: k, aggregates: a, s, c[0])
        case .sort(let o, _): return .sort(o, c[0])
        case .limit(let n, _): return .limit(n, c[0])
        case .topK(let n, let o, _): return .topK(n, o, c[0])
        case .sampleKeys(let k, _): return .sampleKeys(k, c[0])
        case .exchange(let p, _): return .exchange(p, c[0])
        case .coalesce(let n, _): return .coalesce(n, c[0])
        case .tokenCount(let t, _): return .tokenCount(t, c[0])
        case .cache(let s, _): return .cache(s, c[0])
        case .broadcastExchange: return .broadcastExchange(c[0])
        case .hashJoin(let j, _, _): return .hashJoin(j, c[0], c[1])
        case .union(_, let s): return .union(c, s)
        case .window(let w, let s, _): return .window(w, s, c[0])
        }
    }
}

/// A physical plan plus what the driver does with the result partitions: merge them in order
/// (a top-level sort) and/or keep the first n rows (a top-level limit).
@_spi(EmberInternal) public struct PhysicalQuery: Sendable {
    @_spi(EmberInternal) public var plan: PhysicalPlan
    @_spi(EmberInternal) public var resultOrdering: [BoundSortOrder]?
    @_spi(EmberInternal) public var resultLimit: Int?
    @_spi(EmberInternal) public init(plan: PhysicalPlan, resultOrdering: [BoundSortOrder]?, resultLimit: Int?) {
        self.plan = plan
        self.resultOrdering = resultOrdering
        self.resultLimit = resultLimit
    }

    /// What the driver should warn about before it runs the plan (Spark's planner warnings).
    @_spi(EmberInternal) public var warnings: [String] {
        plan.contains { if case .window(let w, _, _) = $0 { return w.partitionBy.isEmpty } else { return false } }
            ? ["No Partition Defined for Window operation! Moving all data to a single partition, this can cause serious performance degradation."]
            : []
    }
}
