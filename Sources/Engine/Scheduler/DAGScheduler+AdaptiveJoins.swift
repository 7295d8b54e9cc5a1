// DAGScheduler+AdaptiveJoins: shuffled joins that become broadcast joins once one side's map output
// is known (see AdaptiveBroadcastJoin for the plan side), or whose other side that output filters.
//
//   submit(join stage J) ─► J reads a shuffled join of shuffles s_first (stage A) and s_held (stage B)
//     ─► run A (and J's other parents) now; B waits ("deferred")
//   A done ─► A buildable, s_first ≤ threshold? ─► yes: J's plan reads s_first whole as a broadcast
//                                                   and computes B's plan itself; B never runs, J runs
//                                                   as many tasks as B had
//                                              └► no: B is submitted, J runs as planned
//             (either way, A filtered: B, or the stage before its aggregate, is first filtered by
//              A's keys when they are small: DAGScheduler+RuntimeFilters)
//
// The side to run first: for inner joins, the one whose stages read fewer bytes of files, a scan
// under a filter counting an eighth of its bytes (and both sides of an inner equi-join with a
// filtered side, and a left semi join's left side when its right side is filtered). For other
// joins, the one the join type lets a broadcast build, unless the side the join keeps unmatched is
// filtered and the other side's files are too large to broadcast: the kept side runs first then,
// to filter the other. Map stages and result stages are converted (not writes, whose files are
// committed per task), and only before they run.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler {
    /// A join stage waiting for its first side's map output before deciding its plan.
    struct DeferredJoin {
        let join: StageID
        /// The stage whose shuffle the join would stream (not submitted while the decision waits).
        let streamed: StageID
        /// The side that runs first: the one a broadcast would build, or one whose keys may only
        /// filter the other side.
        let first: BuildSide
        let candidate: AdaptiveJoinCandidate
        /// Whether the first side's keys may filter the held-back side (a runtime filter).
        let filters: Bool
        /// Bytes and rows of the first side's map outputs registered so far (a rerun output counts
        /// twice: it can only release the held-back side early, never convert the join).
        var seenBytes: Int64 = 0
        var seenRows: Int64 = 0
        var firstShuffle: ShuffleID { candidate.shuffle(first) }
        var streamedShuffle: ShuffleID { candidate.shuffle(first.other) }
        /// Whether the first side may be broadcast.
        var broadcasts: Bool { candidate.buildable.contains(first) && candidate.limits.thresholdBytes >= 0 }
    }

    /// For a join stage about to wait for its parents: records which parent to hold back (the large
    /// side of an adaptive join), or, when the first side's output is already there, decides at once.
    /// Returns the stage to submit (J, or J with its new plan) and the parent not to submit yet.
    func adaptiveJoinPlan(_ stage: Stage, _ job: inout JobState) -> (Stage, held: StageID?) {
        if let held = job.deferredJoins.first(where: { $0.value.join == stage.id }) { return (stage, held.key) }
        guard stage.output.takesAdaptiveJoins(resultsDelivered: !job.resultsDone.isEmpty, readsCaches: !job.graph.cacheIds.isEmpty),
              let candidate = stage.plan.adaptiveJoinCandidate, !job.decidedJoins.contains(candidate.leftShuffle),
              let leftWriter = job.writer(of: candidate.leftShuffle),
              let rightWriter = job.writer(of: candidate.rightShuffle) else { return (stage, nil) }
        let first = firstSide(candidate, leftWriter, rightWriter, job)
        let (firstWriter, streamed) = first == .left ? (leftWriter, rightWriter) : (rightWriter, leftWriter)
        let filters = candidate.limits.runtimeFilterBytes >= 0 && candidate.buildable.contains(first.other) && Self.isFiltered(firstWriter.plan, job)
        let deferral = DeferredJoin(join: stage.id, streamed: streamed.id, first: first, candidate: candidate, filters: filters)
        // Nothing to save once the large side's shuffle exists or is being written, or when the
        // first side can neither be broadcast nor filter it.
        guard deferral.broadcasts || filters, !tracker.isAvailable(deferral.streamedShuffle), job.running[streamed.id] == nil,
              !job.waiting.contains(streamed.id) else {
            job.decidedJoins.insert(candidate.leftShuffle)
            return (stage, nil)
        }
        if tracker.isAvailable(deferral.firstShuffle) {
            // Decided now; the new plan may hold another such join (down the side it computes).
            job.decidedJoins.insert(candidate.leftShuffle)
            let converted = decide(deferral, &job)
            filterStreamedSide(deferral, streamed: streamed, converted: converted != nil, &job)
            return adaptiveJoinPlan(converted ?? stage, &job)
        }
        job.deferredJoins[streamed.id] = deferral
        return (stage, streamed.id)
    }

    /// The side of an adaptive join to run first: for inner joins, the one whose stages read fewer
    /// bytes of files; else the one a broadcast can build, unless the other is filtered and that
    /// one's files are too large to broadcast: the filtered side's keys then filter it instead.
    func firstSide(_ candidate: AdaptiveJoinCandidate, _ left: Stage, _ right: Stage, _ job: JobState) -> BuildSide {
        if candidate.buildable.count == 2 { return scannedBytes(left, job) <= scannedBytes(right, job) ? .left : .right }
        let build = candidate.buildable[0]
        let (buildWriter, kept) = build == .left ? (left, right) : (right, left)
        if candidate.limits.runtimeFilterBytes >= 0, Self.isFiltered(kept.plan, job),
           fileBytes(buildWriter.plan, job) > candidate.limits.thresholdBytes {
            return build.other
        }
        return build
    }

    /// After a map output of the first side of a held-back join is registered: adds it to what the
    /// join has seen; once that passes the thresholds (it only grows) the join can no longer be
    /// broadcast nor its other side filtered, and the held-back side is released at once instead
    /// of after the whole first side.
    func firstOutputRegistered(_ status: MapStatus, _ job: inout JobState) {
        for (key, var deferral) in job.deferredJoins where deferral.firstShuffle == status.shuffleId {
            guard job.deferredJoins[key] != nil else { continue }   // released by an earlier one
            deferral.seenBytes &+= status.partitionLengths.reduce(0, &+)
            deferral.seenRows &+= status.totalRows
            job.deferredJoins[key] = deferral
            guard let writer = job.writer(of: deferral.firstShuffle) else { continue }
            let limits = deferral.candidate.limits
            let broadcastGone = !deferral.broadcasts
                || AdaptiveBroadcast.dataSize(bytes: deferral.seenBytes, rows: deferral.seenRows, schema: writer.plan.schema) > limits.thresholdBytes
            let filterGone = !deferral.filters || deferral.seenBytes > limits.runtimeFilterBytes
                || AdaptiveBroadcast.dataSize(bytes: 0, rows: deferral.seenRows, schema: deferral.candidate.keySchema(deferral.first))
                    > limits.runtimeFilterBytes
            guard broadcastGone && filterGone else { continue }
            release(deferral, as: job.graph.stage(deferral.join), &job)
        }
    }

    /// After a map stage completes: decides the joins that waited for its output.
    func decideDeferredJoins(_ job: inout JobState) {
        for (key, deferral) in job.deferredJoins.sorted(by: { $0.key < $1.key }) where tracker.isAvailable(deferral.firstShuffle) {
            guard job.deferredJoins[key] != nil else { continue }
            let streamed = job.graph.stage(deferral.streamed)
            let converted = decide(deferral, &job)
            if let streamed { filterStreamedSide(deferral, streamed: streamed, converted: converted != nil, &job) }
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
        guard deferral.broadcasts, let stage = job.graph.stage(deferral.join), let streamed = job.graph.stage(deferral.streamed),
              let stats = tracker.statistics(deferral.firstShuffle),
              let buildWriter = job.writer(of: deferral.firstShuffle) else { return nil }
        let size = AdaptiveBroadcast.dataSize(bytes: stats.totalBytes, rows: stats.totalRows, schema: buildWriter.plan.schema)
        // Every task of the new stage is sent a reference to each non-empty block of the output.
        let blocks = tracker.statuses(deferral.firstShuffle).reduce(0) { $0 + $1.partitionLengths.filter { $0 > 0 }.count }
        guard size <= deferral.candidate.limits.thresholdBytes, blocks <= Self.maxBroadcastBlocks else { return nil }
        if case .shuffle(let output, _) = stage.output, !tracker.statuses(output).isEmpty { return nil }
        let side = deferral.first == .left ? "left" : "right"
        let reason = "adaptive: the \(side) side's shuffle output, \(stats.totalRows) rows of \(size) bytes (\(stats.totalBytes) compressed), "
            + "is ≤ \(deferral.candidate.limits.thresholdBytes) bytes; was a shuffled join"
        guard let plan = stage.plan.broadcastingJoin(build: deferral.first, of: deferral.candidate, buildPartitions: stats.bytesByPartition.count,
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

    /// Bytes of files a plan and the stages before it read, filtered or not.
    func fileBytes(_ plan: PhysicalPlan, _ job: JobState) -> Int64 {
        switch plan {
        case .fileScan(let scan): return scan.estimatedSizeInBytes
        case .shuffleRead(let shuffle, _, _), .broadcastRead(let shuffle, _, _):
            return job.writer(of: shuffle).map { fileBytes($0.plan, job) } ?? 0
        default: return plan.children.reduce(Int64(0)) { $0 &+ fileBytes($1, job) }
        }
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
        case .hashJoin(let j, let l, let r) where j.type == .leftSemi && !j.leftKeys.isEmpty:
            // A semi join keeps the left rows a filtered right side holds (TPC-H q20's part and
            // supplier pairs of forest parts), about what a filter keeps.
            return scannedBytes(l, filtered: filtered || Self.isFiltered(r, job), job) &+ scannedBytes(r, filtered: filtered, job)
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

    /// This graph with stage `id` replaced by `stage`, which may have new parents: stages are
    /// reordered, as little as needed, so that parents still come before their children.
    func replacing(_ id: StageID, with stage: Stage) -> StageGraph {
        let ids = Set(stages.map(\.id))
        var pending = stages.map { $0.id == id ? stage : $0 }
        var ordered: [Stage] = []
        var placed: Set<StageID> = []
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { s in s.parents.allSatisfy { placed.contains($0) || !ids.contains($0) } }) else {
                preconditionFailure("stages \(pending.map(\.id)) wait for each other")
            }
            placed.insert(pending[next].id)
            ordered.append(pending.remove(at: next))
        }
        return StageGraph(stages: ordered)
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
