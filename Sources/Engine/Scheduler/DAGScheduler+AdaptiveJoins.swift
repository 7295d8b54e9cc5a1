// DAGScheduler+AdaptiveJoins: shuffled joins that become broadcast joins once one side's map output
// is known (see AdaptiveBroadcastJoin for the plan side).
//
//   submit(join stage J) ─► J reads a shuffled join of shuffles s_build (stage A) and s_large (stage B)
//     ─► run A (and J's other parents) now; B waits ("deferred")
//   A done ─► s_build ≤ threshold? ─► yes: J's plan reads s_build whole as a broadcast and computes
//                                        B's plan itself; B never runs, J runs as many tasks as B had
//                                   └► no: B is submitted, J runs as planned
//
// The side to run first is the one the join type lets a broadcast build; for inner joins, the one
// whose stages read fewer bytes of files, a scan under a filter counting an eighth of its bytes
// (and both sides of an inner equi-join with a filtered side). Map stages and result stages are converted (not writes,
// whose files are committed per task), and only before they run.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler {
    /// A join stage waiting for its build side's map output before deciding its plan.
    struct DeferredJoin {
        let join: StageID
        /// The stage whose shuffle the join would stream (not submitted while the decision waits).
        let streamed: StageID
        let build: BuildSide
        let candidate: AdaptiveJoinCandidate
        /// Bytes and rows of the build side's map outputs registered so far (a rerun output counts
        /// twice: it can only release the held-back side early, never convert the join).
        var seenBytes: Int64 = 0
        var seenRows: Int64 = 0
        var buildShuffle: ShuffleID { candidate.shuffle(build) }
        var streamedShuffle: ShuffleID { candidate.shuffle(build == .left ? .right : .left) }
    }

    /// For a join stage about to wait for its parents: records which parent to hold back (the large
    /// side of an adaptive join), or, when the build side's output is already there, decides at once.
    /// Returns the stage to submit (J, or J with its new plan) and the parent not to submit yet.
    func adaptiveJoinPlan(_ stage: Stage, _ job: inout JobState) -> (Stage, held: StageID?) {
        if let held = job.deferredJoins.first(where: { $0.value.join == stage.id }) { return (stage, held.key) }
        guard stage.output.takesAdaptiveJoins(resultsDelivered: !job.resultsDone.isEmpty, readsCaches: !job.graph.cacheIds.isEmpty),
              let candidate = stage.plan.adaptiveJoinCandidate, !job.decidedJoins.contains(candidate.leftShuffle),
              let leftWriter = job.writer(of: candidate.leftShuffle),
              let rightWriter = job.writer(of: candidate.rightShuffle) else { return (stage, nil) }
        let build: BuildSide
        if candidate.buildable.count == 2 {
            build = scannedBytes(leftWriter, job) <= scannedBytes(rightWriter, job) ? .left : .right
        } else {
            build = candidate.buildable[0]
        }
        let streamed = build == .left ? rightWriter : leftWriter
        let deferral = DeferredJoin(join: stage.id, streamed: streamed.id, build: build, candidate: candidate)
        // Nothing to save once the large side's shuffle exists or is being written.
        guard !tracker.isAvailable(deferral.streamedShuffle), job.running[streamed.id] == nil, !job.waiting.contains(streamed.id) else {
            job.decidedJoins.insert(candidate.leftShuffle)
            return (stage, nil)
        }
        if tracker.isAvailable(deferral.buildShuffle) {
            // Decided now; the new plan may hold another such join (down the side it computes).
            job.decidedJoins.insert(candidate.leftShuffle)
            return adaptiveJoinPlan(decide(deferral, &job) ?? stage, &job)
        }
        job.deferredJoins[streamed.id] = deferral
        return (stage, streamed.id)
    }

    /// After a map output of the build side of a held-back join is registered: adds it to what the
    /// join has seen; once that passes the threshold (it only grows) the join can no longer be
    /// broadcast, and the held-back side is released at once instead of after the whole build side.
    func buildOutputRegistered(_ status: MapStatus, _ job: inout JobState) {
        for (key, var deferral) in job.deferredJoins where deferral.buildShuffle == status.shuffleId {
            guard job.deferredJoins[key] != nil else { continue }   // released by an earlier one
            deferral.seenBytes &+= status.partitionLengths.reduce(0, &+)
            deferral.seenRows &+= status.totalRows
            job.deferredJoins[key] = deferral
            guard let writer = job.writer(of: deferral.buildShuffle),
                  AdaptiveBroadcast.dataSize(bytes: deferral.seenBytes, rows: deferral.seenRows, schema: writer.plan.schema)
                    > deferral.candidate.limits.thresholdBytes else { continue }
            release(deferral, as: job.graph.stage(deferral.join), &job)
        }
    }

    /// After a map stage completes: decides the joins that waited for its output.
    func decideDeferredJoins(_ job: inout JobState) {
        for (key, deferral) in job.deferredJoins.sorted(by: { $0.key < $1.key }) where tracker.isAvailable(deferral.buildShuffle) {
            guard job.deferredJoins[key] != nil else { continue }
            let converted = decide(deferral, &job)
            release(deferral, as: converted ?? job.graph.stage(deferral.join), &job)
        }
    }

    /// Records the decision as final and submits the join stage again, which submits what it still
    /// misses (the held-back side, or that side's own inputs).
    private func release(_ deferral: DeferredJoin, as stage: Stage?, _ job: inout JobState) {
        job.deferredJoins[deferral.streamed] = nil
        job.decidedJoins.insert(deferral.candidate.leftShuffle)
        guard let stage else { return }
        job.waiting.remove(stage.id)
        submit(stage, &job)
    }

    /// The join stage with its new plan when its build side turned out small (nil: it stays as
    /// planned). The caller records the decision as final (`release`, or the decision at once).
    private func decide(_ deferral: DeferredJoin, _ job: inout JobState) -> Stage? {
        guard let stage = job.graph.stage(deferral.join), let streamed = job.graph.stage(deferral.streamed),
              let stats = tracker.statistics(deferral.buildShuffle),
              let buildWriter = job.writer(of: deferral.buildShuffle) else { return nil }
        let size = AdaptiveBroadcast.dataSize(bytes: stats.totalBytes, rows: stats.totalRows, schema: buildWriter.plan.schema)
        // Every task of the new stage is sent a reference to each non-empty block of the output.
        let blocks = tracker.statuses(deferral.buildShuffle).reduce(0) { $0 + $1.partitionLengths.filter { $0 > 0 }.count }
        guard size <= deferral.candidate.limits.thresholdBytes, blocks <= Self.maxBroadcastBlocks else { return nil }
        if case .shuffle(let output, _) = stage.output, !tracker.statuses(output).isEmpty { return nil }
        let side = deferral.build == .left ? "left" : "right"
        let reason = "adaptive: the \(side) side's shuffle output, \(stats.totalRows) rows of \(size) bytes (\(stats.totalBytes) compressed), "
            + "is ≤ \(deferral.candidate.limits.thresholdBytes) bytes; was a shuffled join"
        guard let plan = stage.plan.broadcastingJoin(build: deferral.build, of: deferral.candidate, buildPartitions: stats.bytesByPartition.count,
                                                     streamed: streamed.plan, reason: reason),
              deferral.candidate.limits.allows(bytes: stats.totalBytes, rows: stats.totalRows, schema: buildWriter.plan.schema,
                                               consumers: TaskMemoryManager.consumers(in: plan, output: stage.output))
        else { return nil }
        let converted = Stage(id: stage.id, plan: plan, numPartitions: plan.numPartitions, output: stage.output,
                              parents: stage.parents.filter { $0 != streamed.id } + streamed.parents,
                              inputShuffles: stage.inputShuffles.filter { $0 != deferral.streamedShuffle } + streamed.inputShuffles)
        job.graph = job.graph.replacing(stage.id, with: converted, removing: streamed.id)
        job.shuffleWriter[deferral.streamedShuffle] = nil
        tracker.unregister(shuffle: deferral.streamedShuffle)
        if case .shuffle(let output, _) = stage.output {
            tracker.resize(shuffle: output, numMaps: converted.numPartitions)
            shufflesRewrittenByAdaptiveJoins.insert(output)
        }
        log.info("stage \(stage.id) joins by broadcast: \(reason); stage \(streamed.id) is skipped")
        return converted
    }

    /// The most non-empty blocks a broadcast side may have: each task of the converted stage
    /// carries a reference to every one (and opens its files).
    static let maxBroadcastBlocks = 10_000

    /// The blocks of a shuffle's reduce partition a task of `stage` (attempt `attempt`) reads. A
    /// shuffle the stage reads as a broadcast is read whole by every task: its blocks are listed
    /// once per stage attempt, not once per task (an attempt ends when outputs it reads are lost).
    func taskBlocks(_ shuffle: ShuffleID, _ reduceId: Int, stage: Stage, attempt: Int, _ job: inout JobState) -> [ShuffleBlockRef] {
        let key = BroadcastBlocksKey(stage: StagePlanKey(stage: stage.id, attempt: attempt), shuffle: shuffle, reduceId: reduceId)
        if let known = job.broadcastBlocks[key] { return known }
        let blocks = tracker.blocks(shuffle: shuffle, reduceId: reduceId)
        guard stage.plan.broadcastShuffles.contains(shuffle) else { return blocks }
        job.broadcastBlocks[key] = blocks.filter { $0.length != 0 }
        return job.broadcastBlocks[key]!
    }

    struct BroadcastBlocksKey: Hashable {
        let stage: StagePlanKey
        let shuffle: ShuffleID
        let reduceId: Int
    }

    /// Bytes of files a stage and the stages before it read (splits scaled to the columns read).
    func scannedBytes(_ stage: Stage, _ job: JobState) -> Int64 {
        scannedBytes(stage.plan, filtered: false, job)
    }

    /// Whether a filter sits in the plan (or in the stages it reads).
    static func isFiltered(_ plan: PhysicalPlan, _ job: JobState) -> Bool {
        switch plan {
        case .filter: return true
        case .shuffleRead(let shuffle, _, _), .broadcastRead(let shuffle, _, _):
            guard let writer = job.writer(of: shuffle) else { return false }
            return isFiltered(writer.plan, job)
        default: return plan.children.contains { isFiltered($0, job) }
        }
    }

    /// A filter keeps some fraction of its rows that nothing before the run knows; a scan under
    /// one counts as this fraction of its bytes, so that of an inner join's two sides, a filtered
    /// one (TPC-H q12's lineitem of one year, two ship modes) runs first against an unfiltered one
    /// that reads fewer bytes (all of q12's orders, which then never need a shuffle).
    static let filteredScanShare: Int64 = 8

    private func scannedBytes(_ plan: PhysicalPlan, filtered: Bool, _ job: JobState) -> Int64 {
        switch plan {
        case .fileScan(let scan):
            return scan.estimatedSizeInBytes / (filtered ? Self.filteredScanShare : 1)
        case .shuffleRead(let shuffle, _, _), .broadcastRead(let shuffle, _, _):
            guard let writer = job.writer(of: shuffle) else { return 0 }
            return scannedBytes(writer.plan, filtered: filtered, job)
        case .filter(_, let child):
            return scannedBytes(child, filtered: true, job)
        case .hashJoin(let j, let l, let r) where j.type == .inner && !j.leftKeys.isEmpty:
            // An equi-join with a filtered side keeps about what a filter keeps, of both sides
            // (TPC-H q10's customers of three months' orders): each side counts as filtered.
            let filteredLeft = Self.isFiltered(l, job), filteredRight = Self.isFiltered(r, job)
            return scannedBytes(l, filtered: filtered || filteredRight, job) &+ scannedBytes(r, filtered: filtered || filteredLeft, job)
        default:
            return plan.children.reduce(Int64(0)) { $0 &+ scannedBytes($1, filtered: filtered, job) }
        }
    }
}

extension StageOutput {
    /// Whether a stage writing this may change its number of tasks: a shuffle's map outputs and the
    /// job's results may (the driver orders results by their partitions and merges sorted ones),
    /// unless the job reads cached blocks: a missing one reruns the query, which must number its
    /// results as the first run did, and the first run's decision is not kept. A write's files
    /// are committed per task, so it stays as planned.
    func takesAdaptiveJoins(resultsDelivered: Bool, readsCaches: Bool) -> Bool {
        switch self {
        case .shuffle: return true
        case .result: return !resultsDelivered && !readsCaches
        case .write: return false
        }
    }
}

extension StageGraph {
    /// This graph with stage `id` replaced and stage `removed` left out (stages keep their order).
    func replacing(_ id: StageID, with stage: Stage, removing removed: StageID) -> StageGraph {
        StageGraph(stages: stages.compactMap { $0.id == removed ? nil : $0.id == id ? stage : $0 })
    }
}

extension DAGScheduler {
    /// Drops from `shuffles` (reusable by a later job's graph, see StageGraph.build) those whose
    /// writer stage an adaptive join replaced: the later job's stage is the one as planned, whose
    /// tasks would not recompute a lost output the way the replaced stage wrote it.
    func forgetRewrittenShuffles(_ shuffles: inout [PhysicalPlan: ShuffleID]) {
        guard !shufflesRewrittenByAdaptiveJoins.isEmpty else { return }
        shuffles = shuffles.filter { !shufflesRewrittenByAdaptiveJoins.contains($0.value) }
    }
}
