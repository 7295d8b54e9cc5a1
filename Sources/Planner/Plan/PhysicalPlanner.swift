// PhysicalPlanner: ResolvedPlan → PhysicalPlan with Exchanges. An aggregate is a Partial and a
// Final aggregate around an exchange (PhysicalPlanner+Aggregate); joins: PhysicalPlanner+Join.
//
// A Sort and/or Limit at the top of the query run per partition in the last stage, and the driver
// merges the sorted partitions and keeps the first n rows (Spark's TakeOrderedAndProject /
// CollectLimit); a Sort under a Limit keeps only the first n rows of each partition (TopK). Below
// other operators a Sort is a range exchange (its bounds sampled by the driver before the job) and
// a sort of each partition; a Limit, a shuffle to one partition. sortWithinPartitions has no exchange.

@_spi(EmberInternal) public enum PhysicalPlanner {
    /// Spark's default spark.sql.autoBroadcastJoinThreshold: 10 MB.
    @_spi(EmberInternal) public static let defaultBroadcastThreshold: Int64 = 10 * 1_048_576

    @_spi(EmberInternal) public static func plan(_ resolved: ResolvedPlan, shufflePartitions: Int,
                             autoBroadcastJoinThreshold: Int64 = defaultBroadcastThreshold, preferSortMergeJoin: Bool = false,
                             taskMemoryBytes: Int64 = .max, adaptiveBroadcastThreshold: Int64 = -1,
                             runtimeFilterThreshold: Int64 = -1, resultToDriver: Bool = true) -> PhysicalQuery {
        var planner = Builder(shufflePartitions: max(1, shufflePartitions), autoBroadcastJoinThreshold: autoBroadcastJoinThreshold,
                              preferSortMergeJoin: preferSortMergeJoin, taskMemoryBytes: taskMemoryBytes)
        planner.adaptiveBroadcastThreshold = adaptiveBroadcastThreshold
        planner.runtimeFilterThreshold = runtimeFilterThreshold
        // A write's tasks keep their rows (no driver merges them): a top-level sort is a range
        // exchange and a sort of each partition, a top-level limit a shuffle to one partition.
        if !resultToDriver {
            return PhysicalQuery(plan: TokenCountFusion.apply(planner.convert(resolved)), resultOrdering: nil, resultLimit: nil)
        }
        var node = resolved
        var limit: Int? = nil
        var ordering: [BoundSortOrder]? = nil
        if case .limit(let n, let c) = node { limit = n; node = c }
        if case .sort(let o, let c) = node { ordering = o; node = c }
        var physical = TokenCountFusion.apply(planner.convert(node))
        if let ordering, let limit, limit <= topKMaxRows {
            physical = .topK(limit, ordering, physical)
        } else {
            if let ordering { physical = .sort(ordering, physical) }
            if let limit { physical = .limit(limit, physical) }
        }
        return PhysicalQuery(plan: physical, resultOrdering: ordering, resultLimit: limit)
    }

    /// Limits up to this many rows under a sort keep their rows in TopK's memory; larger ones sort
    /// in full (the sort spills) and then take the first n.
    @_spi(EmberInternal) public static let topKMaxRows = 100_000

    struct Builder {
        let shufflePartitions: Int
        /// Joins broadcast a side estimated at most this many bytes (-1: never without a hint).
        let autoBroadcastJoinThreshold: Int64
        /// Equi-joins that are not broadcast sort and merge instead of building hash tables.
        let preferSortMergeJoin: Bool
        /// The execution memory one task can count on (executor memory × memory.fraction / cores):
        /// a side estimated above it is not broadcast without a hint (see PhysicalPlanner+Join).
        var taskMemoryBytes: Int64 = .max
        /// Shuffled equi-joins become broadcast joins at run time when a side's shuffle output is at
        /// most this many bytes (-1: never; see AdaptiveBroadcastJoin).
        var adaptiveBroadcastThreshold: Int64 = -1
        /// See AdaptiveBroadcast.runtimeFilterBytes (-1: no runtime filters).
        var runtimeFilterThreshold: Int64 = -1

        func convert(_ plan: ResolvedPlan) -> PhysicalPlan {
            switch plan {
            case .scan(let s): return .fileScan(s)
            case .range(let r): return .range(r)
            case .repartition(let p, let c): return .exchange(p, convert(c))
            case .coalesce(let n, let c): return .coalesce(n, convert(c))
            case .cache(let id, let level, let c):
                let child = convert(c)
                return .cache(CacheSpec(id: id, level: level, schema: c.schema, numPartitions: child.numPartitions), child)
            case .project(let e, let s, let c): return .project(e, s, convert(c))
            case .filter(let e, let c): return .filter(e, convert(c))
            case .generate(let g, let c): return .generate(g, convert(c))
            case .join(let j, let l, let r): return planJoin(j, l, r)
            case .union(let cs, let s): return .union(cs.map(convert), s)
            case .broadcastHint(let c): return convert(c)
            case .limit(let n, .sort(let o, let c)) where n <= PhysicalPlanner.topKMaxRows:
                return .topK(n, o, .exchange(.single, .topK(n, o, convert(c))))
            case .sort(let o, .aggregate(let keys, let aggs, let schema, let child)) where Self.sortsByGroupingKeys(o, keyCount: keys.count):
                // The sort's range exchange clusters the groups too: the aggregate's only exchange.
                return .sort(o, planAggregate(keys, aggs, schema, child, partitioning: .range(RangePartitioning(orders: o, numPartitions: shufflePartitions))))
            case .sort(let o, let c):
                return .sort(o, .exchange(.range(RangePartitioning(orders: o, numPartitions: shufflePartitions)), convert(c)))
            case .sortWithinPartitions(let o, let c): return .sort(o, convert(c))
            case .limit(let n, let c): return .limit(n, .exchange(.single, .limit(n, convert(c))))
            case .window(let w, let schema, let child): return planWindow(w, schema, convert(child))
            case .aggregate(let keys, let aggs, let schema, let child):
                return planAggregate(keys, aggs, schema, child, partitioning: nil)
            }
        }
    }
}

extension PhysicalPlanner.Builder {
    /// A window over rows clustered by its partition keys and sorted by them and its order keys. A
    /// window under it with the same partition keys already clustered the rows: no second shuffle.
    func planWindow(_ w: BoundWindow, _ schema: StructType, _ child: PhysicalPlan) -> PhysicalPlan {
        var clustered = child
        var alreadyClustered = false
        if case .window(let below, _, _) = child, below.partitionBy == w.partitionBy { alreadyClustered = true }
        if !alreadyClustered {
            clustered = .exchange(w.partitionBy.isEmpty ? .single : .hash(w.partitionBy, shufflePartitions), child)
        }
        let orders = w.partitionBy.map { BoundSortOrder(expression: $0, ascending: true, nullsFirst: true) } + w.orderBy
        return .window(w, schema, orders.isEmpty ? clustered : .sort(orders, clustered))
    }
}
