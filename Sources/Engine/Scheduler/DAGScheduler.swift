// DAGScheduler: runs a job's StageGraph on the executors. One event loop (the calling thread, see
// DAGScheduler+Loop) owns all scheduler state; executors' messages and losses arrive as
// ClusterEvents, time-driven checks as timers on the injected clock.
//
//   submit(result stage) ─► parents missing? submit them first, wait ─► TaskSetManager per stage
//   attempt ─► offer free slots round-robin across executors ─► status updates:
//     map task finished    → MapStatus into the MapOutputTracker; stage done → submit waiting children
//     result task finished → its result goes to the job's ResultReceiver (streamed to the caller);
//                            all partitions done, or the receiver needs no more → job done
//     task killed          → (a losing speculative copy, or a task of an ended job) not a failure
//     (failures are TaskFailureReasons; nothing is read back out of an error's text or context)
//     FetchFailed          → unregister that map output, fail the stage attempt, resubmit the parent's
//                            missing map tasks, then the stage (at most 4 consecutive attempts)
//     CacheBlockMissing    → forget the block, end the job: the session runs it again, computing it
//     other failure        → retry up to task.maxFailures (4), then fail the job with the first and
//                            last error; deterministic errors (bad input, analysis) fail at once
//     executor lost        → its running tasks are re-queued (not counted) and a replacement starts;
//                            its map outputs stay registered: the files live in the app directory
//
// Its parts decide, each in its own file: TaskScheduler (slots, one RunningTask record per running
// attempt, kills), TaskSetManager (one per stage attempt), HeartbeatReceiver (liveness),
// HealthTracker (exclusion), ExecutorAllocationManager (dynamic allocation, acting through this
// type as its ExecutorAllocationClient), BlockManagerMaster (cached blocks), MapOutputTracker,
// SchedulerStatus (what other threads read while a job runs, and their requests). This type keeps
// the stages; DAGScheduler+TaskStatus acts on task status updates, +Executors on executors joining
// and leaving, +Failures on failures.
//
// Checklist when changing this type: every new per-job structure lives in `JobState`; every
// per-application one must be cleaned when executors are lost.

import Foundation
@_spi(EmberInternal) import Executor
import Logging
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class DAGScheduler {
    let cluster: any ExecutorBackend
    let config: SessionConfig
    /// The scheduler's time (task runtimes, heartbeats, speculation, locality, allocation); injected
    /// so tests can drive it.
    let clock: any SchedulerClock
    /// Executors' events and the scheduler's timers (see DAGScheduler+Loop).
    var loop: EventLoop<ClusterEvent, SchedulerTimer>

    /// Task slots and the attempts running in them (one RunningTask record each).
    var tasks: TaskScheduler
    /// Registered executors (added and removed through `executorJoined` / `executorLeft`, which publish them).
    var executors: [ExecutorID: TaskScheduler.ExecutorSlot] { tasks.executors }
    /// What other threads may read while a job runs (and how they ask it to stop or unpersist).
    let status: SchedulerStatus
    let tracker = MapOutputTracker()
    /// Where cached partitions are (Spark's BlockManagerMaster for RDD blocks).
    let cachedBlocks = BlockManagerMaster()
    /// Which executors are alive: registrations awaited, heartbeats, silences.
    var heartbeats: HeartbeatReceiver
    /// The scheduler's own log lines (tasks lost from heartbeats, silent executors).
    var log: Logger {
        get { heartbeats.log }
        set { heartbeats.log = newValue }
    }
    /// Dynamic allocation: when to add executors and which idle ones to remove.
    var allocation: ExecutorAllocationManager
    /// Which executors keep failing tasks (excludeOnFailure).
    var health: HealthTracker
    /// Faults still to inject.
    var pendingCorruption: (kind: ShuffleCorruption, mapIndex: Int)?
    /// Tasks each executor finished (for FaultInjection.killExecutor).
    var finishedTasks: [ExecutorID: Int] = [:]

    /// Listeners of scheduler events (event log, job trace, progress bar), called in order on this thread.
    var listeners: [any SchedulerListener] = []
    var nextJobId = 0
    /// Executors the scheduler itself killed (heartbeat timeout, exclusion): not "killed from outside".
    var killedByScheduler: Set<ExecutorID> = []
    /// Shuffles whose writer stage an adaptive join replaced (with other tasks): a later job's graph
    /// must not reuse them (StageGraph.build's `shuffles`), since its stage would not write them
    /// the same way.
    var shufflesRewrittenByAdaptiveJoins: Set<ShuffleID> = []

    func post(_ event: SchedulerEvent) { for l in listeners { l.onEvent(event) } }
    static func wallClock() -> Double { Date().timeIntervalSince1970 }

    init(cluster: any ExecutorBackend, config: SessionConfig, clock: any SchedulerClock = MonotonicClock()) {
        self.cluster = cluster
        self.config = config
        self.clock = clock
        self.loop = EventLoop(clock: clock, queue: cluster.events)
        self.tasks = TaskScheduler(backend: cluster)
        self.status = SchedulerStatus(wake: { [events = cluster.events] in events.wake() })
        self.heartbeats = HeartbeatReceiver(config: config)
        self.pendingCorruption = config.faults.corruptShuffleOutput
        self.allocation = ExecutorAllocationManager(policy: config.dynamicAllocation)
        self.health = HealthTracker(enabled: config.excludeOnFailureEnabled,
                                    maxFailedTasksPerExecutor: config.excludeOnFailureMaxFailedTasksPerExecutor)
    }

    var executorCount: Int { executors.count }

    /// True when every partition of a cached plan is held by a live executor that is not being removed.
    func isFullyCached(_ spec: CacheSpec) -> Bool { cachedBlocks.isFullyCached(spec, excluding: allocation.removing) }

    /// Forgets a cache's blocks and asks every executor to drop them (an unpersist request).
    func unpersist(_ id: Int) {
        cachedBlocks.forget(id)
        for executor in executors.keys { _ = cluster.send(.removeCache(id), to: executor) }
    }

    // MARK: jobs

    struct JobState {
        /// The job's stages; an adaptive join's decision replaces its stage and drops the one it skips.
        var graph: StageGraph
        /// Join stages waiting for their first side's output, by the held-back stage (see +AdaptiveJoins).
        var deferredJoins: [StageID: DeferredJoin] = [:]
        /// Adaptive joins already decided, by their left shuffle: they stay as they are.
        var decidedJoins: Set<ShuffleID> = []
        /// The blocks of shuffles read as broadcasts, listed once per stage attempt (see taskBlocks).
        var broadcastBlocks: [BroadcastBlocksKey: [ShuffleBlockRef]] = [:]
        var waiting: Set<StageID> = []
        var running: [StageID: TaskSetManager] = [:]
        var attempts: [StageID: Int] = [:]
        var consecutiveFailures: [StageID: Int] = [:]
        /// Stage attempts whose plans each executor was sent in this job.
        var stagePlansSent: [ExecutorID: Set<StagePlanKey>] = [:]
        var taskStage: [TaskID: (StageID, Int)] = [:]
        /// Takes the result partitions as they arrive; `resultsDone`: partitions it has.
        var receiver: (any ResultReceiver)? = nil
        var resultsDone: Set<Int> = []
        var firstErrors: [Int: EmberError] = [:]
        var failure: EmberError? = nil
        /// Set when a task found a cached block gone: the job ends, and runJob throws this.
        var missingCacheBlock: CacheBlockMissing? = nil
        var done = false
        var isRunning: Bool { !done && failure == nil }
        /// The stage writing `shuffle`, if the job has it.
        func writer(of shuffle: ShuffleID) -> Stage? { shuffleWriter[shuffle].flatMap { graph.stage($0) } }
        /// The caches the job reads or writes (an unpersist of one waits for the job's end).
        lazy var cacheIds: Set<Int> = graph.cacheIds
        /// Partitions of each shuffle's reduce side.
        var shufflePartitions: [ShuffleID: Int] = [:]
        var shuffleWriter: [ShuffleID: StageID] = [:]
        /// Locality level each launched task ran at.
        var taskLocality: [TaskID: TaskLocality] = [:]
        /// Map output sizes of each shuffle read so far (see DAGScheduler+InputSizes).
        var shuffleStatistics: [ShuffleID: MapOutputStatistics?] = [:]
    }

    /// Runs a job to completion and returns the result rows per result partition (small results:
    /// tests and tools; queries stream theirs through `runJob(_:results:)`).
    func runJob(_ graph: StageGraph) throws -> [Int: [ColumnarBatch]] {
        let collector = PartitionCollector(schema: graph.resultStage.plan.schema, appDir: cluster.appDir)
        try runJob(graph, results: collector)
        return collector.partitions
    }

    /// Runs a job to completion, handing each result partition to `results` as it arrives. Ends
    /// early when the receiver needs no more; tasks still running when the job ends are killed.
    func runJob(_ graph: StageGraph, results: any ResultReceiver) throws {
        if status.stopRequested { throw SchedulerStatus.stoppedError }
        var job = JobState(graph: graph)
        job.receiver = results
        job.resultsDone = results.delivered
        let jobId = nextJobId
        nextJobId += 1
        post(.jobStart(job: jobId, stages: graph.stages.map {
            JobStageInfo(id: $0.id.value, name: $0.name, numTasks: $0.numPartitions, parents: $0.parents.map(\.value), isShuffleMap: $0.isShuffleMap)
        }, time: Self.wallClock()))
        status.update {
            $0.lastJobTasks = []
            $0.lastJobFailures = []
            $0.jobRunning = true
            $0.cancelRequested = false
        }
        defer {
            forgetStagePlans(job)
            status.update { $0.jobRunning = false }
        }
        health.jobStarted()
        for stage in graph.stages {
            if case .shuffle(let id, let partitioning) = stage.output {
                tracker.register(shuffle: id, numMaps: stage.numPartitions)
                job.shufflePartitions[id] = partitioning.numPartitions
                job.shuffleWriter[id] = stage.id
            }
        }
        // Catch up with what executors said between jobs (heartbeats, losses) before judging liveness.
        catchUp(&job)
        removeOrphanedResultFiles()
        allocation.removeIdleExecutors(now: clock.now(), client: self)
        submit(graph.resultStage, &job)
        startJobTimers()
        defer { stopJobTimers() }
        while job.isRunning {
            let offeredAt = clock.now()
            launchTasks(&job)
            if !job.isRunning { break }
            armLocalityTimer(job, offeredAt: offeredAt)
            turn(&job)
        }
        for cacheId in status.takeUnpersistRequests() { unpersist(cacheId) }   // those left for the job's end
        // Whatever else ended it, a job that the session's stop interrupted fails with that.
        if job.failure != nil && job.missingCacheBlock == nil && status.stopRequested { job.failure = SchedulerStatus.stoppedError }
        tasks.kill(job.taskStage.map { ($0.key, $0.value.0, job.running[$0.value.0]?.partition(of: $0.key)) },
                   reason: job.failure == nil ? "its job ended without needing it" : "its job failed")
        for key in job.running.keys.sorted() { abandonStage(key, reason: job.failure.map { "its job failed: " + $0.message }, &job) }
        post(.jobEnd(job: jobId, error: job.failure, time: Self.wallClock()))
        if let missing = job.missingCacheBlock { throw missing }
        if let failure = job.failure { throw failure }
    }

    func submit(_ planned: Stage, _ job: inout JobState) {
        if job.running[planned.id] != nil || job.waiting.contains(planned.id) { return }
        let (stage, held) = adaptiveJoinPlan(planned, &job)
        let missingParents = stage.parents.compactMap { job.graph.stage($0) }.filter { parent in
            guard case .shuffle(let id, _) = parent.output else { return false }
            return !tracker.isAvailable(id)
        }
        if missingParents.isEmpty {
            submitMissingTasks(stage, &job)
        } else {
            job.waiting.insert(stage.id)
            for parent in missingParents where parent.id != held { submit(parent, &job) }
        }
    }

    func submitMissingTasks(_ stage: Stage, _ job: inout JobState) {
        let partitions: [Int]
        switch stage.output {
        case .shuffle(let id, _): partitions = tracker.missing(id)
        case .result, .write: partitions = (0..<stage.numPartitions).filter { !job.resultsDone.contains($0) }
        }
        if partitions.isEmpty {
            stageCompleted(stage, &job)
            return
        }
        let attempt = job.attempts[stage.id, default: 0]
        job.attempts[stage.id] = attempt + 1
        job.running[stage.id] = TaskSetManager(stage: stage, attempt: attempt, partitions: partitions,
                                               preferred: preferredLocations(stage), waits: config.localityWaits,
                                               racks: config.racks, now: clock.now())
        post(.stageSubmitted(stage: stage.id.value, attempt: attempt, name: stage.name, tasks: partitions.count, time: Self.wallClock()))
    }

    func stageCompleted(_ stage: Stage, _ job: inout JobState) {
        if let tsm = job.running[stage.id] {
            post(.stageCompleted(stage: stage.id.value, attempt: tsm.stageAttempt, failure: nil, time: Self.wallClock()))
        }
        job.running[stage.id] = nil
        job.consecutiveFailures[stage.id] = 0
        if case .shuffle(let id, _) = stage.output, !tracker.isAvailable(id) {
            submitMissingTasks(stage, &job)   // an output was lost while the stage ran
            return
        }
        if !stage.isShuffleMap {
            job.done = true
            return
        }
        if case .shuffle(let id, _) = stage.output, let fault = pendingCorruption,
           let victim = tracker.statuses(id).first(where: { $0.mapIndex == fault.mapIndex }) {
            pendingCorruption = nil
            ShuffleFaults.corrupt(victim, fault.kind)
        }
        decideDeferredJoins(&job)
        for waitingID in job.waiting.sorted() {
            guard let waitingStage = job.graph.stage(waitingID) else { continue }
            let ready = waitingStage.parents.allSatisfy { parentID in
                guard let parent = job.graph.stage(parentID), case .shuffle(let id, _) = parent.output else { return true }
                return tracker.isAvailable(id)
            }
            if ready {
                job.waiting.remove(waitingID)
                submitMissingTasks(waitingStage, &job)
            }
        }
    }

    /// Offers free slots to pending tasks, one task per executor per round so work spreads evenly.
    func launchTasks(_ job: inout JobState) {
        var progress = true
        while progress {
            progress = false
            for id in executors.keys.sorted() where tasks.hasFreeSlot(id) && !allocation.removing.contains(id) {
                guard let stageID = job.running.keys.sorted().first(where: { job.running[$0]!.hasPending || job.running[$0]!.hasSpeculatable })
                else { return }
                // A stage whose inputs lost map outputs waits for its parents to recompute them.
                if let stage = job.running[stageID]?.stage, !stage.inputShuffles.allSatisfy({ tracker.isAvailable($0) }) {
                    abandonStage(stageID, reason: "map outputs it reads were lost", &job)
                    submit(stage, &job)
                    progress = true
                    break
                }
                let taskId = tasks.newTaskID()
                let now = clock.now()
                var locality = TaskLocality.any
                let offer: (partition: Int, attempt: Int)
                if let launched = job.running[stageID]!.next(taskId: taskId, place: place(of: id), liveExecutors: Set(executors.keys), now: now) {
                    offer = (launched.partition, launched.attempt)
                    locality = launched.locality
                } else if let copy = job.running[stageID]!.nextSpeculative(taskId: taskId, executor: id, now: now) {
                    offer = copy
                } else {
                    continue
                }
                let (partition, attempt) = offer
                job.taskLocality[taskId] = locality
                let tsm = job.running[stageID]!
                let stage = tsm.stage
                let inputs = stage.plan.taskInputs(partition: partition) { taskBlocks($0, $1, stage: stage, attempt: tsm.stageAttempt, &job) }
                var task = TaskDescription(taskId: taskId, stageId: stage.id, stageAttempt: tsm.stageAttempt, partition: partition,
                                           attempt: attempt, plan: stage.plan, output: stage.output, inputs: inputs,
                                           compressionLevel: config.shuffleCompressionLevel)
                task.faults = faults(for: stage.id, partition: partition, attempt: attempt)
                task.maxDirectResultSize = config.maxDirectResultSize
                task.aggregatePartitionMinRows = config.aggregatePartitionMinRows
                task.partialBackOffMinRows = config.partialAggregateBackOffMinRows
                task.keySummary = keySummaryRequest(for: stage, partition: partition, job: &job)
                if config.faults.failTasksOnExecutor.map({ String($0) }) == id.value { task.faults.fail = true }
                job.taskStage[taskId] = (stage.id, tsm.stageAttempt)
                var info = TaskEventInfo(taskId: taskId.value, stage: stage.id.value, stageAttempt: tsm.stageAttempt, partition: partition,
                                         attempt: attempt, executor: id.value, locality: locality, launchTime: Self.wallClock())
                info.plannedInputBytes = plannedInputBytes(for: stage, partition: partition, job: &job)
                post(.taskStart(info))
                tasks.launched(taskId, RunningTask(executor: id, launchedAt: now, info: info))
                progress = true
                guard let sent = shippingPlanOnce(task, to: id, job: &job), cluster.send(.launchTask(sent), to: id) else {
                    // The executor's connection is gone; its loss event will re-queue the task.
                    continue
                }
            }
        }
    }

    // MARK: events

    func handleClusterEvent(_ event: ClusterEvent, job: inout JobState) {
        switch event {
        case .registered(let info):
            executorRegistered(info)
        case .heartbeat(let id, let listed):
            let now = clock.now()
            heartbeats.heard(from: id, at: now)
            for task in heartbeats.vanishedTasks(on: id, listed: listed, tasks: &tasks, now: now) { taskVanished(task, from: id, &job) }
        case .statusUpdate(let status, let binary):
            heartbeats.heard(from: status.executorId, at: clock.now())
            handleStatus(status, binary, &job)
        case .lost(let id, let reason):
            handleExecutorLost(id, reason, &job)
        }
    }

    func handleClusterEvent(_ event: ClusterEvent, job: JobState?) {
        var scratch = job ?? JobState(graph: StageGraph(stages: []))
        handleClusterEvent(event, job: &scratch)
    }
}
