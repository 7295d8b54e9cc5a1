// PhysicalPlan: how a query runs. Exchange nodes mark shuffles; the StageGraph cuts the tree there
// and replaces each Exchange by a ShuffleRead in the consuming stage. Everything is Codable: a task
// carries its stage's operator tree to an executor process.

/// How an exchange distributes rows to reduce partitions.
public enum Partitioning: Sendable, Codable, Hashable {
    /// `pmod(hash(keys, seed 42), n)` with a fixed seed.
    case hash([BoundExpression], Int)
    /// Everything to one partition (global aggregates, global limits, sorts below other operators).
    case single
    /// Rows dealt to n partitions in turn (repartition without keys).
    case roundRobin(Int)
    /// Rows by ranges of their sort keys (a global sort; see RangePartitioning).
    case range(RangePartitioning)

    public var numPartitions: Int {
        switch self {
        case .hash(_, let n), .roundRobin(let n): return n
        case .single: return 1
        case .range(let r): return r.numPartitions
        }
    }

    public func describe(_ schema: StructType) -> String {
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
public enum AggregateMode: String, Sendable, Codable, Hashable {
    /// Raw rows in, `keys ++ buffers` out (before the shuffle).
    case partial = "Partial"
    /// `keys ++ buffers` in, results out (after the shuffle).
    case final = "Final"
}

public indirect enum PhysicalPlan: Sendable, Codable, Hashable {
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
    /// Fused split → explode → filter → lower → partial count (see TokenCount).
    case tokenCount(TokenCount, PhysicalPlan)
    /// Computes the child and keeps each partition in its executor's block manager.
    case cache(CacheSpec, PhysicalPlan)
    /// Reads a cached partition from the executor's block manager.
    case cacheRead(CacheSpec)

    public var schema: StructType {
        switch self {
        case .fileScan(let s): return s.outputSchema
        case .range: return RangeSpec.schema
        case .shuffleRead(_, let s, _): return s
        case .project(_, let s, _), .hashAggregate(_, _, _, let s, _): return s
        case .tokenCount(let t, _): return t.schema
        case .cache(let s, _), .cacheRead(let s): return s.schema
        case .generate(let g, _): return g.schema
        case .filter(_, let c), .sort(_, let c), .limit(_, let c), .topK(_, _, let c), .exchange(_, let c): return c.schema
        case .sampleKeys(let k, _): return k.schema
        }
    }

    /// Number of partitions (tasks) this plan produces.
    public var numPartitions: Int {
        switch self {
        case .fileScan(let s): return max(s.splits.count, 1)
        case .range(let r): return r.numPartitions
        case .cacheRead(let s): return s.numPartitions
        case .shuffleRead(_, _, let n): return n
        case .exchange(let p, _): return p.numPartitions
        case .project(_, _, let c), .generate(_, let c), .hashAggregate(_, _, _, _, let c), .tokenCount(_, let c), .cache(_, let c),
             .filter(_, let c), .sort(_, let c), .limit(_, let c), .topK(_, _, let c), .sampleKeys(_, let c):
            return c.numPartitions
        }
    }

    /// The input of a unary node (every node but the leaves has exactly one).
    public var child: PhysicalPlan? {
        switch self {
        case .fileScan, .range, .shuffleRead, .cacheRead: return nil
        case .project(_, _, let c), .filter(_, let c), .generate(_, let c), .hashAggregate(_, _, _, _, let c),
             .sort(_, let c), .limit(_, let c), .exchange(_, let c), .tokenCount(_, let c), .cache(_, let c),
             .topK(_, _, let c), .sampleKeys(_, let c):
            return c
        }
    }

    /// The same node over a new input (leaves are returned as they are).
    public func withChild(_ c: PhysicalPlan) -> PhysicalPlan {
        switch self {
        case .fileScan, .range, .shuffleRead, .cacheRead: return self
        case .project(let e, let s, _): return .project(e, s, c)
        case .filter(let e, _): return .filter(e, c)
        case .generate(let g, _): return .generate(g, c)
        case .hashAggregate(let m, let k, let a, let s, _): return .hashAggregate(m, keys: k, aggregates: a, s, c)
        case .sort(let o, _): return .sort(o, c)
        case .limit(let n, _): return .limit(n, c)
        case .topK(let n, let o, _): return .topK(n, o, c)
        case .sampleKeys(let k, _): return .sampleKeys(k, c)
        case .exchange(let p, _): return .exchange(p, c)
        case .tokenCount(let t, _): return .tokenCount(t, c)
        case .cache(let s, _): return .cache(s, c)
        }
    }

    /// The leaf at the bottom of this (stage's) chain of operators.
    public var leaf: PhysicalPlan { child?.leaf ?? self }

    public func treeString(_ indent: String = "") -> String {
        func line(_ s: String, _ child: PhysicalPlan) -> String { indent + s + "\n" + child.treeString(indent + "   ") }
        switch self {
        case .fileScan(let s):
            return indent + "FileScan \(s.format.name) [\(s.outputSchema.names.joined(separator: ","))] \(s.paths.joined(separator: ",")), splits=\(s.splits.count)\n"
        case .range(let r): return indent + "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))\n"
        case .shuffleRead(let id, let s, let n):
            return indent + "ShuffleRead shuffle=\(id) [\(s.names.joined(separator: ","))] partitions=\(n)\n"
        case .project(let es, let s, let c):
            return line("Project [\(zip(es, s.fields).map { "\($0.describe(c.schema)) AS \($1.name)" }.joined(separator: ", "))]", c)
        case .filter(let e, let c): return line("Filter \(e.describe(c.schema))", c)
        case .generate(let g, let c): return line(g.describe(c.schema), c)
        case .tokenCount(let t, let c): return line(t.describe(c.schema), c)
        case .cache(let s, let c): return line("InMemoryTableScan #\(s.id) \(s.level.rawValue) (computing)", c)
        case .cacheRead(let s): return indent + "InMemoryTableScan #\(s.id) \(s.level.rawValue) [\(s.schema.names.joined(separator: ","))] partitions=\(s.numPartitions)\n"
        case .hashAggregate(let mode, let k, let a, _, let c):
            let cs = c.schema
            let fs = a.map { "\($0.function.rawValue)(\(mode == .partial ? ($0.input?.describe(cs) ?? "*") : "buffer")) AS \($0.name)" }
            return line("HashAggregate(mode=\(mode.rawValue), keys=[\(k.map { $0.describe(cs) }.joined(separator: ", "))], functions=[\(fs.joined(separator: ", "))])", c)
        case .sort(let o, let c): return line("Sort [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]", c)
        case .limit(let n, let c): return line("LocalLimit \(n)", c)
        case .topK(let n, let o, let c): return line("TakeOrdered \(n) [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]", c)
        case .sampleKeys(let k, let c):
            return line("SampleKeys \(k.perPartition) per partition [\(k.orders.map { $0.describe(c.schema) }.joined(separator: ", "))]", c)
        case .exchange(let p, let c):
            return line("Exchange \(p.describe(c.schema))", c)
        }
    }
}

/// A physical plan plus what the driver does with the result partitions: merge them in order
/// (a top-level sort) and/or keep the first n rows (a top-level limit).
public struct PhysicalQuery: Sendable {
    public var plan: PhysicalPlan
    public var resultOrdering: [BoundSortOrder]?
    public var resultLimit: Int?
    public init(plan: PhysicalPlan, resultOrdering: [BoundSortOrder]?, resultLimit: Int?) {
        self.plan = plan
        self.resultOrdering = resultOrdering
        self.resultLimit = resultLimit
    }
}
