// DAGScheduler: runs a job's StageGraph on the executors. One event loop (the calling thread)
// owns all scheduler state; executors' messages and losses arrive as ClusterEvents.
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
// Its parts: TaskScheduler (slots, one RunningTask record per running attempt), TaskSetManager (one
// per stage attempt), HealthTracker (exclusion), ExecutorAllocationManager (dynamic allocation),
// BlockManagerMaster (cached blocks), MapOutputTracker, SchedulerStatus (what other threads read
// while a job runs; see DAGScheduler+Status). The parts decide; this type's extensions act on their
// decisions (DAGScheduler+Failures, +Allocation, +Liveness, +Kills).
//
// Checklist when changing this type: every new per-job structure lives in `JobState`; every
// per-application one must be cleaned when executors are lost.

import Foundation
import Executor
import Logging
import Planner
import Shuffle

final class DAGScheduler {
    let cluster: any ExecutorBackend
    let config: SessionConfig
    /// Seconds on a monotonic clock (task runtimes, heartbeats, speculation, locality, allocation);
    /// injected so tests can drive time.
    let clock: @Sendable () -> Double

    /// Task slots and the attempts running in them (one RunningTask record each).
    var tasks = TaskScheduler()
    /// Registered executors (added and removed through `executorJoined` / `executorLeft`, which publish them).
    var executors: [ExecutorID: TaskScheduler.ExecutorSlot] { tasks.executors }
    /// What other threads may read while a job runs (and how they ask it to stop).
    let status = SchedulerStatus()
    var tracker = MapOutputTracker()
    /// The most recent tasks that stopped because they were killed (at most `killedTasksKept`).
    var killedTasks: [TaskRecord] = []
    static let killedTasksKept = 200
    /// Executors the silent-executor warning was logged for (until they are heard from again).
    var silentWarned: Set<ExecutorID> = []
    /// The scheduler's own log lines (tasks lost from heartbeats, silent executors).
    var log = Logger(label: "ember.scheduler")
    /// When each executor was last heard from (any message).
    var lastHeard: [ExecutorID: Double] = [:]
    /// Dynamic allocation: when to add executors and which idle ones to remove.
    var allocation: ExecutorAllocationManager

    /// Where cached partitions are (Spark's BlockManagerMaster for RDD blocks).
    var cachedBlocks = BlockManagerMaster()

    /// True when every partition of a cached plan is held by a live executor that is not being removed.
    func isFullyCached(_ spec: CacheSpec) -> Bool { cachedBlocks.isFullyCached(spec, excluding: removing) }

    /// Forgets one cached block (found missing) or all blocks of a cache (unpersist).
    func forgetCache(_ id: Int, partition: Int? = nil) { cachedBlocks.forget(id, partition: partition) }

    /// Asks every executor to drop a cache's blocks.
    func unpersist(_ id: Int) {
        forgetCache(id)
        for executor in executors.keys { _ = cluster.send(.removeCache(id), to: executor) }
    }

    /// Which executors keep failing tasks (excludeOnFailure).
    var health: HealthTracker
    /// Executors launched whose registration is still awaited.
    var launching: Set<ExecutorID> = []
    /// When the scheduler first saw each executor in `launching` (its registration deadline runs from then).
    var launchSeenAt: [ExecutorID: Double] = [:]
    /// Faults still to inject.
    var pendingCorruption: (kind: ShuffleCorruption, mapIndex: Int)?

    /// Listeners of scheduler events (event log, job trace, progress bar), called in order on this thread.
    var listeners: [any SchedulerListener] = []
    var nextJobId = 0
    /// Executors the scheduler itself killed (heartbeat timeout, exclusion): not "killed from outside".
    var killedByScheduler: Set<ExecutorID> = []

    func post(_ event: SchedulerEvent) { for l in listeners { l.onEvent(event) } }
    static func wallClock() -> Double { Date().timeIntervalSince1970 }

    init(cluster: any ExecutorBackend, config: SessionConfig,
         clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.cluster = cluster
        self.config = config
        self.clock = clock
        self.pendingCorruption = config.faults.corruptShuffleOutput
        self.allocation = ExecutorAllocationManager(policy: config.dynamicAllocation)
        self.health = HealthTracker(enabled: config.excludeOnFailureEnabled,
                                    maxFailedTasksPerExecutor: config.excludeOnFailureMaxFailedTasksPerExecutor)
    }

    var executorCount: Int { executors.count }

    /// Size statistics of every shuffle whose map outputs are registered.
    var shuffleStatistics: [ShuffleID: MapOutputStatistics] {
        Dictionary(uniqueKeysWithValues: tracker.shuffleIDs.compactMap { id in tracker.statistics(id).map { (id, $0) } })
    }

    // MARK: startup

    /// Launches `count` executors and waits until all have registered.
    func start(executors count: Int) throws {
        for _ in 0..<count { launching.insert(try cluster.launchExecutor(cores: nil)) }
        let deadline = Date(timeIntervalSinceNow: config.executorStartTimeoutSeconds)
        while !launching.isEmpty {
            guard let event = cluster.events.take(timeout: max(0.01, deadline.timeIntervalSinceNow)) else {
                throw EmberError(.executor, "executors did not register within \(Int(config.executorStartTimeoutSeconds)) s",
                                 context: [.init("waiting for", launching.sorted().map(\.value).joined(separator: ", "))],
                                 hint: "the machine may be overloaded; see the executor logs in \(cluster.appDir)")
            }
            if case .lost(let id, let reason) = event, launching.contains(id) {
                let tail = ExecutorLauncher.stderrTail(localDir: cluster.appDir, executorId: id)
                throw EmberError(.executor, "executor \(id) could not be launched: \(reason.message) before registering",
                                 context: [.init("executor log", ExecutorLauncher.stderrLogPath(localDir: cluster.appDir, executorId: id))],
                                 hint: "the executor's last output was: \(tail.isEmpty ? "(nothing)" : tail)")
            }
            handleClusterEvent(event, job: nil)
        }
    }

    // MARK: jobs

    struct JobState {
        let graph: StageGraph
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
        while let event = cluster.events.take(timeout: 0) { handleClusterEvent(event, job: &job) }
        removeIdleExecutors(now: clock())
        submit(graph.resultStage, &job)
        while !job.done && job.failure == nil {
            launchTasks(&job)
            if job.done || job.failure != nil { break }
            // Right after the offers: tasks still pending now are waiting for slots.
            if config.dynamicAllocation.enabled { adjustExecutors(&job) }
            if let event = cluster.events.take(timeout: config.speculation ? 0.05 : 0.25) {
                handleClusterEvent(event, job: &job)
                // Whatever else queued meanwhile (e.g. while a result was being written) is handled
                // before liveness is judged.
                while !job.done && job.failure == nil, let more = cluster.events.take(timeout: 0) { handleClusterEvent(more, job: &job) }
            }
            if status.stopRequested && job.failure == nil {
                job.failure = EmberError(.execution, "the session was stopped while the job ran",
                                         hint: "Session.stop() was called from another thread; create a new Session to run more jobs")
            }
            checkHeartbeats(&job)
            warnAboutSilentExecutors()
            if config.speculation {
                let now = clock()
                for stageID in job.running.keys {
                    _ = job.running[stageID]!.checkSpeculatable(now: now, quantile: config.speculationQuantile,
                                                               multiplier: config.speculationMultiplier,
                                                               minRuntime: config.speculationMinTaskRuntimeSeconds)
                }
            }
            if executors.isEmpty && launching.isEmpty && !config.dynamicAllocation.enabled {
                job.failure = EmberError(.executor, "no executors are left to run the job",
                                         hint: "see the executor logs in \(cluster.appDir)")
            }
        }
        killTasks(of: job, reason: job.failure == nil ? "its job ended without needing it" : "its job failed")
        for key in job.running.keys.sorted() { abandonStage(key, reason: job.failure.map { "its job failed: " + $0.message }, &job) }
        post(.jobEnd(job: jobId, error: job.failure, time: Self.wallClock()))
        if let missing = job.missingCacheBlock { throw missing }
        if let failure = job.failure { throw failure }
    }

    func submit(_ stage: Stage, _ job: inout JobState) {
        if job.running[stage.id] != nil || job.waiting.contains(stage.id) { return }
        let missingParents = stage.parents.compactMap { job.graph.stage($0) }.filter { parent in
            guard case .shuffle(let id, _) = parent.output else { return false }
            return !tracker.isAvailable(id)
        }
        if missingParents.isEmpty {
            submitMissingTasks(stage, &job)
        } else {
            job.waiting.insert(stage.id)
            for parent in missingParents { submit(parent, &job) }
        }
    }

    func submitMissingTasks(_ stage: Stage, _ job: inout JobState) {
        let partitions: [Int]
        switch stage.output {
        case .shuffle(let id, _): partitions = tracker.missing(id)
        case .result: partitions = (0..<stage.numPartitions).filter { !job.resultsDone.contains($0) }
        }
        if partitions.isEmpty {
            stageCompleted(stage, &job)
            return
        }
        let attempt = job.attempts[stage.id, default: 0]
        job.attempts[stage.id] = attempt + 1
        job.running[stage.id] = TaskSetManager(stage: stage, attempt: attempt, partitions: partitions,
                                               preferred: preferredLocations(stage), waits: config.localityWaits,
                                               racks: config.racks, now: clock())
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
            for id in executors.keys.sorted() where tasks.hasFreeSlot(id) && !removing.contains(id) {
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
                let now = clock()
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
                let inputs = stage.plan.taskInputs(partition: partition) { tracker.blocks(shuffle: $0, reduceId: $1) }
                var task = TaskDescription(taskId: taskId, stageId: stage.id, stageAttempt: tsm.stageAttempt, partition: partition,
                                           attempt: attempt, plan: stage.plan, output: stage.output, inputs: inputs,
                                           compressionLevel: config.shuffleCompressionLevel)
                task.faults = faults(for: stage.id, partition: partition, attempt: attempt)
                task.maxDirectResultSize = config.maxDirectResultSize
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

    /// Tasks each executor finished (for FaultInjection.killExecutor).
    var finishedTasks: [ExecutorID: Int] = [:]

    // MARK: events

    func handleClusterEvent(_ event: ClusterEvent, job: inout JobState) {
        switch event {
        case .registered(let info):
            // Only an executor still awaited joins: one already given up on (its registration
            // deadline passed, it was reported lost) is killed, or it would be one too many.
            guard launching.remove(info.id) != nil else {
                cluster.kill(info.id)
                return
            }
            executorJoined(info)
            post(.executorAdded(executor: info.id.value, host: place(of: info.id).host, cores: info.cores, time: Self.wallClock()))
            lastHeard[info.id] = clock()
            allocation.becameIdle(info.id, at: clock())
        case .heartbeat(let id, let tasks):
            lastHeard[id] = clock()
            handleHeartbeat(from: id, runningTasks: tasks, &job)
        case .statusUpdate(let status, let binary):
            lastHeard[status.executorId] = clock()
            handleStatus(status, binary, &job)
        case .lost(let id, let reason):
            handleExecutorLost(id, reason, &job)
        }
    }

    func handleClusterEvent(_ event: ClusterEvent, job: JobState?) {
        var scratch = job ?? JobState(graph: StageGraph(stages: []))
        handleClusterEvent(event, job: &scratch)
    }

    func handleStatus(_ status: TaskStatus, _ binary: [UInt8], _ job: inout JobState) {
        // A result file nobody takes (a duplicate, a late or failed task) is removed here.
        var resultTaken = false
        defer {
            if !resultTaken, let file = status.resultFile, TaskResult.isResultFile(file.path, in: cluster.appDir) { unlink(file.path) }
        }
        let record = tasks.ended(status.taskId)
        if let executor = record?.executor, !tasks.isBusy(executor) { allocation.becameIdle(executor, at: clock()) }
        if let report = status.storage, executors[status.executorId] != nil { cachedBlocks.apply(report, from: status.executorId) }
        if status.state == .killed { recordKilled(status, kill: record?.kill) }
        if status.state == .finished, let kill = config.faults.killExecutor, status.executorId.value == String(kill.executor) {
            finishedTasks[status.executorId, default: 0] += 1
            if finishedTasks[status.executorId] == kill.afterTasks { cluster.kill(status.executorId) }
        }
        if var info = record?.info {
            info.finishTime = Self.wallClock()
            post(.taskEnd(info, failure: status.state == .finished ? nil : (status.failure ?? .exception(EmberError(.execution, "task failed"))),
                          metrics: status.metrics))
        }
        guard let (stageID, stageAttempt) = job.taskStage.removeValue(forKey: status.taskId),
              let stage = job.graph.stage(stageID) else { return }
        let current = job.running[stageID].map { $0.stageAttempt == stageAttempt } ?? false
        switch status.state {
        case .finished:
            if let mapStatus = status.mapStatus { tracker.add(mapStatus) }
            if executors[status.executorId] != nil {
                for block in status.cachedBlocks { cachedBlocks.stored(block, on: status.executorId) }
            }
            guard current else { return }
            guard let partition = job.running[stageID]!.partition(of: status.taskId) else { return }
            let others = job.running[stageID]!.otherAttempts(of: partition, besides: status.taskId)
            guard job.running[stageID]!.succeeded(status.taskId, now: clock()) else { return }
            // The first copy to finish wins; the others are told to stop and their results ignored.
            for (other, executor) in others { kill(other, on: executor, stage: stageID, partition: partition, reason: "another attempt succeeded") }
            let record = TaskRecord(taskId: status.taskId, stageId: stageID, partition: partition,
                                    executorId: status.executorId, executorPid: executors[status.executorId]?.info.pid ?? 0,
                                    locality: job.taskLocality[status.taskId] ?? .any, metrics: status.metrics)
            self.status.update { $0.lastJobTasks.append(record) }
            if !stage.isShuffleMap {
                job.resultsDone.insert(partition)
                resultTaken = true
                do {
                    let wantsMore = try job.receiver?.receive(TaskResult(partition: partition, status: status, binary: binary)) ?? true
                    if !wantsMore {
                        job.done = true
                        return
                    }
                } catch {
                    job.failure = EmberError.wrap(error, .internal, "could not take the result of partition \(partition)")
                    return
                }
            }
            if job.running[stageID]!.isComplete { stageCompleted(stage, &job) }
        case .killed:
            // Not a failure (Spark's TaskKilled): a partition that still needs a result runs again.
            guard current else { return }
            _ = job.running[stageID]!.failed(status.taskId, counts: false)
        case .failed:
            guard current else { return }
            let failure = status.failure ?? .exception(EmberError(.execution, "task failed without an error"))
            let error = failure.error
            self.status.update { $0.lastJobFailures.append(error) }
            switch failure {
            case .fetchFailed(let fetch):
                handleFetchFailed(stage, fetch, &job)
                return
            case .cacheBlockMissing(let missing):
                // The job reads a block that is gone: forget it and end the job, so the session
                // runs it again computing that partition (CacheBlockMissing is what runJob throws).
                forgetCache(missing.cacheId, partition: missing.partition)
                job.missingCacheBlock = missing
                job.failure = error
                return
            default: break
            }
            let partition = job.running[stageID]!.partition(of: status.taskId) ?? -1
            if job.firstErrors[partition] == nil { job.firstErrors[partition] = error }
            defer { recordFailure(on: status.executorId, failure, &job) }
            if !error.isRetryable {
                job.failure = error
                return
            }
            let failures = job.running[stageID]!.failed(status.taskId, counts: failure.countsTowardTaskFailures)
            if failures >= config.taskMaxFailures {
                var final = EmberError(.execution,
                    "task \(partition) in stage \(stageID) failed \(failures) times (task.maxFailures = \(config.taskMaxFailures)); most recent failure: \(error.message)",
                    context: error.context, hint: error.hint)
                if let first = job.firstErrors[partition], first.message != error.message {
                    final = final.with("first failure", first.message)
                }
                final.cause = error.cause
                job.failure = final
            }
        }
    }
}
