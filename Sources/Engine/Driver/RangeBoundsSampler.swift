// RangeBoundsSampler: fills in the bounds of a plan's range exchanges before the job runs. For
// each one (innermost first) the driver runs a sampling job of its own over the exchange's child
// (Spark does the same: a global sort shows an extra job), each task reservoir-samples its
// partition's sort keys (SampleKeysExec), and RangePartitioner.determineBounds turns the weighted
// samples into bounds.
//
//   Exchange rangepartitioning(k, n)        sampling job:  SampleKeys(k) ← child   → samples
//            │                     ──►      bounds = determineBounds(samples, n)
//          child                            Exchange rangepartitioning(k, n, bounds) ← child

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

enum RangeBoundsSampler {
    /// The plan with bounds in every range exchange; `runJob` runs a sampling plan and returns its
    /// result batches.
    static func resolve(_ plan: PhysicalPlan, runJob: (PhysicalPlan) throws -> [ColumnarBatch]) throws -> PhysicalPlan {
        let node = plan.withNewChildren(try plan.children.map { try resolve($0, runJob: runJob) })
        guard case .exchange(.range(var range), let child) = node, range.bounds == nil else { return node }
        let sampling = range.sampling(inputPartitions: child.numPartitions)
        let samples = range.numPartitions > 1 ? try runJob(.sampleKeys(sampling, child)) : []
        range.bounds = try RangePartitioner.determineBounds(samples: samples, sampling: sampling, partitions: range.numPartitions)
        return .exchange(.range(range), child)
    }
}

extension Session {
    /// Runs the sampling jobs of the plan's range exchanges (see RangeBoundsSampler).
    func sampleRangeBounds(_ plan: PhysicalPlan, _ scheduler: DAGScheduler, _ state: inout DriverState) throws -> PhysicalPlan {
        try RangeBoundsSampler.resolve(plan) { sampling in
            let graph = StageGraph.build(sampling, nextStageID: &state.nextStageID, nextShuffleID: &state.nextShuffleID)
            return try scheduler.runJob(graph).sorted { $0.key < $1.key }.flatMap(\.value)
        }
    }
}
