// DAGScheduler+Loop: the turns of the scheduler's event loop (EventLoop, on the injected clock).
// While a job runs, each turn handles one event (and whatever queued behind it), or one timer, or
// a wake-up; then the requests of other threads (stop, unpersist). Every time-driven check is a
// timer:
//
//   localityWait          delay scheduling lets a waiting task take a worse locality level → offers
//   registrationDeadline  a launched executor did not register in time → killed and replaced
//   heartbeatExpiry       an executor silent for the heartbeat timeout → declared lost, replaced
//   silenceWarning        an executor silent for several heartbeat intervals → logged once
//   speculation           every speculationInterval: mark stragglers for a copy
//   allocation            every allocationInterval: dynamic allocation's round
//   settled               the end of the wait for killed tasks to report (the application ends)
//
// Between jobs no loop runs: `catchUp` handles what arrived meanwhile, and `start` and
// `settleLingeringTasks` turn the loop for their own waits.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// The scheduler's timers, in the order they fire when due at the same time.
enum SchedulerTimer: Int, Comparable {
    case localityWait, registrationDeadline, heartbeatExpiry, silenceWarning, speculation, allocation, settled
    static func < (a: SchedulerTimer, b: SchedulerTimer) -> Bool { a.rawValue < b.rawValue }
}

extension DAGScheduler {
    /// How often a running job looks for stragglers to speculate (Spark's spark.speculation.interval).
    static let speculationInterval = 0.05
    /// How often dynamic allocation runs its round (Spark's allocation manager polls every 100 ms).
    static let allocationInterval = 0.1

    // MARK: startup

    /// Launches `count` executors and waits until all have registered, at most
    /// executorStartTimeoutSeconds (on the scheduler's clock) from their launch.
    func start(executors count: Int) throws {
        for _ in 0..<count { try launchExecutor() }
        loop.schedule(.registrationDeadline, at: heartbeats.nextRegistrationDeadline)
        defer { loop.cancel(.registrationDeadline) }
        while !heartbeats.launching.isEmpty {
            switch loop.next() {
            case .event(let event):
                if case .lost(let id, let reason) = event, heartbeats.launching[id] != nil {
                    let tail = ExecutorLauncher.stderrTail(localDir: cluster.appDir, executorId: id)
                    throw EmberError(.executor, "executor \(id) could not be launched: \(reason.message) before registering",
                                     context: [.init("executor log", ExecutorLauncher.stderrLogPath(localDir: cluster.appDir, executorId: id))],
                                     hint: "the executor's last output was: \(tail.isEmpty ? "(nothing)" : tail)")
                }
                handleClusterEvent(event, job: nil)
            case .timer(.registrationDeadline):
                throw EmberError(.executor, "executors did not register within \(Int(config.executorStartTimeoutSeconds)) s",
                                 context: [.init("waiting for", heartbeats.launching.keys.sorted().map(\.value).joined(separator: ", "))],
                                 hint: "the machine may be overloaded; see the executor logs in \(cluster.appDir)")
            case .timer, .woken:
                continue
            }
        }
    }

    // MARK: a job's turns

    func startJobTimers() {
        armLivenessTimers()
        if config.speculation { loop.schedule(.speculation, every: Self.speculationInterval) }
        if config.dynamicAllocation.enabled { loop.schedule(.allocation, every: Self.allocationInterval) }
    }

    func stopJobTimers() {
        for timer in [SchedulerTimer.localityWait, .registrationDeadline, .heartbeatExpiry, .silenceWarning, .speculation, .allocation] {
            loop.cancel(timer)
        }
    }

    /// Arms the locality timer for when delay scheduling next lets a waiting task take a worse
    /// level (after the offers: a time already past waits for a free slot, whose event brings offers).
    /// `offeredAt`: when the offers began (a timeout after it, even one already past, was not yet
    /// considered by them and fires at once).
    func armLocalityTimer(_ job: JobState, offeredAt: Double) {
        loop.schedule(.localityWait, at: job.running.values.compactMap(\.nextLocalityTimeout).filter { $0 > offeredAt }.min() ?? .infinity)
    }

    /// Arms the liveness timers for the HeartbeatReceiver's earliest deadlines.
    func armLivenessTimers() {
        loop.schedule(.registrationDeadline, at: heartbeats.nextRegistrationDeadline)
        loop.schedule(.heartbeatExpiry, at: heartbeats.nextExpiry)
        loop.schedule(.silenceWarning, at: heartbeats.nextWarning)
    }

    /// One turn of a running job's loop.
    func turn(_ job: inout JobState) {
        switch loop.next() {
        case .event(let event):
            handleClusterEvent(event, job: &job)
            // Whatever else queued meanwhile (e.g. while a result was being written) is handled
            // before time is judged.
            while job.isRunning, let more = loop.queued() { handleClusterEvent(more, job: &job) }
        case .timer(let timer):
            fire(timer, &job)
        case .woken:
            break
        }
        takeRequests(&job)
        if heartbeats.takeDeadlinesMoved() { armLivenessTimers() }
        if executors.isEmpty && heartbeats.launching.isEmpty && !config.dynamicAllocation.enabled {
            job.failure = EmberError(.executor, "no executors are left to run the job",
                                     hint: "see the executor logs in \(cluster.appDir)")
        }
    }

    func fire(_ timer: SchedulerTimer, _ job: inout JobState) {
        let now = clock.now()
        switch timer {
        case .localityWait, .settled:
            break   // the offers follow the turn
        case .registrationDeadline:
            giveUpOnUnregisteredExecutors(now: now, &job)
        case .heartbeatExpiry:
            expireSilentExecutors(now: now, &job)
        case .silenceWarning:
            heartbeats.warnAboutSilentExecutors(now: now) { tasks.tasks(on: $0).count }
        case .speculation:
            for stageID in job.running.keys {
                _ = job.running[stageID]!.checkSpeculatable(now: now, quantile: config.speculationQuantile,
                                                           multiplier: config.speculationMultiplier,
                                                           minRuntime: config.speculationMinTaskRuntimeSeconds)
            }
        case .allocation:
            // Right after the offers (the loop launched what it could before it waited): tasks
            // still pending now are waiting for slots.
            let maxExecutors: Int
            switch config.master { case .local(let n, _, _): maxExecutors = Swift.min(config.dynamicAllocation.maxExecutors, n) }
            let backlogged = job.running.values.contains { $0.hasPending } && !tasks.hasFreeSlots
            allocation.schedule(backlogged: backlogged, maxExecutors: maxExecutors, now: now, client: self)
        }
        if [.registrationDeadline, .heartbeatExpiry, .silenceWarning].contains(timer) { armLivenessTimers() }
    }

    /// Takes what other threads asked for: caches to unpersist, a stop or a cancel (which end the job).
    /// A cache the running job reads or writes is unpersisted when the job ends (its tasks would
    /// otherwise find their blocks gone, fail the job and store them again on the rerun).
    func takeRequests(_ job: inout JobState) {
        let inUse = job.isRunning ? job.cacheIds : []
        for cacheId in status.takeUnpersistRequests(keeping: { inUse.contains($0) }) { unpersist(cacheId) }
        if status.stopRequested && job.failure == nil { job.failure = SchedulerStatus.stoppedError }
        if job.isRunning && status.takeCancelRequest() && job.failure == nil { job.failure = SchedulerStatus.cancelledError }
    }

    // MARK: between jobs

    /// Handles what executors said since the last turn (late kills, heartbeats, losses, evictions)
    /// and what other threads asked for, without waiting.
    func catchUp(_ job: inout JobState) {
        while let event = loop.queued() { handleClusterEvent(event, job: &job) }
        takeRequests(&job)
    }

    /// `catchUp` without a job running.
    func catchUp() {
        var scratch = JobState(graph: StageGraph(stages: []))
        catchUp(&scratch)
    }

    /// At the application's end: waits up to `timeout` seconds (on the scheduler's clock) for the
    /// tasks killed when their job ended to report, then ends those that did not for the
    /// listeners, so no task stays RUNNING in the event log or the UI.
    func settleLingeringTasks(timeout: Double) {
        loop.schedule(.settled, at: clock.now() + timeout)
        defer { loop.cancel(.settled) }
        waiting: while !tasks.running.isEmpty {
            switch loop.next() {
            case .event(let event): handleClusterEvent(event, job: nil)
            case .timer(.settled): break waiting
            case .timer, .woken: continue
            }
        }
        for (_, var info) in tasks.abandonAll().map({ ($0.0, $0.1.info) }) {
            info.finishTime = Self.wallClock()
            post(.taskEnd(info, failure: .taskKilled(reason: "the application ended before it stopped"), metrics: TaskMetrics()))
        }
    }
}

extension StageGraph {
    /// The caches the job's stages read or write.
    var cacheIds: Set<Int> {
        var ids = Set<Int>()
        func visit(_ plan: PhysicalPlan) {
            switch plan {
            case .cache(let spec, _), .cacheRead(let spec): ids.insert(spec.id)
            default: break
            }
            plan.children.forEach(visit)
        }
        stages.forEach { visit($0.plan) }
        return ids
    }
}
