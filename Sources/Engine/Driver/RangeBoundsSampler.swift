// RangeBoundsSampler: fills in the bounds of a plan's range exchanges before the job runs. For
// each one (innermost first) the driver runs a sampling job of its own over the exchange's child
// (Spark does the same: a global sort shows an extra job), each task reservoir-samples its
// partition's sort keys (SampleKeysExec), and RangePartitioner.determineBounds turns the weighted
// samples into bounds. The sampling job reads pieces of the child's line-format inputs
// (SampledScans), and the whole child when those give fewer keys than partitions; the shuffles a
// whole-child sampling job writes (below a sort of an aggregate) are read, not written again, by
// the query's own job. A job run again (a cached block was gone) keeps the bounds its first
// attempt used.
//
//   Exchange rangepartitioning(k, n)        sampling job:  SampleKeys(k) ← child   → samples
//            │                     ──►      bounds = determineBounds(samples, n)
//          child                            Exchange rangepartitioning(k, n, bounds) ← child

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

enum RangeBoundsSampler {
    /// The plan with bounds in every range exchange; `runJob` runs a sampling plan and returns its
    /// result batches. `known`: bounds an earlier attempt of the same job used, by exchange (reused,
    /// so partitions that attempt delivered and those computed now agree on the ranges).
    static func resolve(_ plan: PhysicalPlan, known: inout [RangePartitioning: [[Value]]],
                        runJob: (PhysicalPlan) throws -> [ColumnarBatch]) throws -> PhysicalPlan {
        let node = plan.withNewChildren(try plan.children.map { try resolve($0, known: &known, runJob: runJob) })
        guard case .exchange(.range(var range), let child) = node, range.bounds == nil else { return node }
        if let bounds = known[range] {
            range.bounds = bounds
            return .exchange(.range(range), child)
        }
        let sampling = range.sampling(inputPartitions: child.numPartitions)
        var samples: [ColumnarBatch] = []
        if range.numPartitions > 1 {
            // Pieces of the inputs first (SampledScans); the whole child if they gave too few keys.
            if let sampled = SampledScans.apply(child) {
                samples = try runJob(.sampleKeys(range.sampling(inputPartitions: sampled.numPartitions), sampled))
            }
            if samples.reduce(0, { $0 + $1.numRows }) < range.numPartitions { samples = try runJob(.sampleKeys(sampling, child)) }
        }
        let bounds = try RangePartitioner.determineBounds(samples: samples, sampling: sampling, partitions: range.numPartitions)
        known[range] = bounds
        range.bounds = bounds
        return .exchange(.range(range), child)
    }
}

extension Session {
    /// Runs the sampling jobs of the plan's range exchanges (see RangeBoundsSampler). `shuffles`:
    /// the shuffles their graphs cut, by exchange, for the query's own job to read (StageGraph.build).
    func sampleRangeBounds(_ plan: PhysicalPlan, _ scheduler: DAGScheduler, _ state: inout DriverState,
                           known: inout [RangePartitioning: [[Value]]], shuffles: inout [PhysicalPlan: ShuffleID]) throws -> PhysicalPlan {
        try RangeBoundsSampler.resolve(plan, known: &known) { sampling in
            scheduler.forgetRewrittenShuffles(&shuffles)
            let graph = StageGraph.build(sampling, nextStageID: &state.nextStageID, nextShuffleID: &state.nextShuffleID,
                                         shuffles: &shuffles)
            return try scheduler.runJob(graph).sorted { $0.key < $1.key }.flatMap(\.value)
        }
    }
}
