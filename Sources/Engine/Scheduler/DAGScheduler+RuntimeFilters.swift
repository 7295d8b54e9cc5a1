// DAGScheduler+RuntimeFilters: the held-back side of an adaptive join (DAGScheduler+AdaptiveJoins)
// gets filtered by the keys of the side that ran first, before it is shuffled (see
// RuntimeJoinFilter for the plan).
//
//   first side's stage done, filtered, its keys ≤ runtimeFilterBytes as rows and its output
//   ≤ runtimeFilterBytes compressed (every filtered task reads it whole)
//     ─► held-back stage B: plan = B's plan ⋉ (first side's keys, read whole as a broadcast)
//        B's parents += the first side's stage (a lost output of it reruns before B's tasks)
//
// A join converted to a broadcast join computes B's plan in its own tasks: then only a stage
// before B can be filtered, the one writing the shuffle of B's Final aggregate (TPC-H q20).
//
// When B's rows are a Final aggregate's groups, the stage writing the aggregate's shuffle (not
// submitted yet: B holds it back) is filtered instead, before its Partial aggregate. The shuffles
// from the filtered stage to the join are then not what their plans compute alone: a later job
// must not reuse them (shufflesRewrittenByAdaptiveJoins), and each must be read by one stage.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler {
    /// Replaces the held-back stage `streamed` of `deferral` by one that drops the rows whose keys
    /// the first side's output does not hold, when that output is small and the stage has not run.
    /// When the join was `converted` to a broadcast join, which computes that stage's plan in its
    /// own tasks, only the stages before it can be filtered.
    func filterStreamedSide(_ deferral: DeferredJoin, streamed: Stage, converted: Bool, _ job: inout JobState) {
        guard deferral.filters, let first = job.writer(of: deferral.firstShuffle), let stats = tracker.statistics(deferral.firstShuffle) else { return }
        let limits = deferral.candidate.limits
        let keySchema = deferral.candidate.keySchema(deferral.first)
        let keysSize = AdaptiveBroadcast.dataSize(bytes: 0, rows: stats.totalRows, schema: keySchema)
        let blocks = tracker.statuses(deferral.firstShuffle).reduce(0) { $0 + $1.partitionLengths.filter { $0 > 0 }.count }
        // Every task of the filtered stage reads the whole output (all its columns, compressed).
        guard keysSize <= limits.runtimeFilterBytes, stats.totalBytes <= limits.runtimeFilterBytes,
              blocks <= Self.maxBroadcastBlocks else { return }
        let reason = "runtime filter: the keys of stage \(first.id)'s output, \(stats.totalRows) rows, "
            + "\(keysSize) bytes as rows and \(stats.totalBytes) compressed, each ≤ \(limits.runtimeFilterBytes)"
        var filter = RuntimeJoinFilter(deferral.candidate, source: deferral.first, sourceSchema: first.plan.schema,
                                       sourcePartitions: stats.bytesByPartition.count, reason: reason)
        // Up through Final aggregates to the first stage that computes rows. A converted join runs
        // the held-back stage's plan in its own tasks: the stage before it is read by the join.
        if !converted { guard unstarted(streamed, readBy: deferral.join, job) else { return } }
        var target = streamed, reader = converted ? deferral.join : streamed.id, derived: [Stage] = []
        while let (shuffle, keys) = filter.upstream(of: target.plan), let writer = job.writer(of: shuffle), unstarted(writer, readBy: reader, job) {
            derived.append(target)
            target = writer
            reader = writer.id
            filter = filter.retargeted(keys)
        }
        if converted && target.id == streamed.id { return }
        let plan = filter.apply(to: target.plan)
        guard limits.fits(bytes: stats.totalBytes, rows: stats.totalRows, schema: keySchema,
                          consumers: TaskMemoryManager.consumers(in: plan, output: target.output)) else { return }
        let filtered = Stage(id: target.id, plan: plan, numPartitions: target.numPartitions, output: target.output,
                             parents: target.parents + [first.id], inputShuffles: target.inputShuffles + [deferral.firstShuffle])
        job.graph = job.graph.replacing(target.id, with: filtered)
        for stage in derived + [target] {
            if case .shuffle(let output, _) = stage.output { shufflesRewrittenByAdaptiveJoins.insert(output) }
        }
        log.info("stage \(target.id) is filtered before its shuffle: \(reason)")
    }

    /// Whether `stage` writes a shuffle that only stage `reader` reads, and has not started.
    private func unstarted(_ stage: Stage, readBy reader: StageID, _ job: JobState) -> Bool {
        guard case .shuffle(let output, _) = stage.output, !tracker.isAvailable(output), tracker.statuses(output).isEmpty,
              job.running[stage.id] == nil, !job.waiting.contains(stage.id) else { return false }
        return job.graph.stages.filter { $0.inputShuffles.contains(output) }.map(\.id) == [reader]
    }
}
