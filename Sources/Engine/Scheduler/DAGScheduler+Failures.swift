// DAGScheduler+Failures: what the scheduler does when things go wrong: injected faults, exclusion
// of executors that keep failing, fetch failures, heartbeat timeouts and executor losses.

import Foundation
import Executor
import Planner
import Shuffle

extension DAGScheduler {
    /// The faults the session config injects into one task attempt.
    func faults(for stage: StageID, partition: Int, attempt: Int) -> TaskFaults {
        var f = TaskFaults()
        let injection = config.faults
        f.fail = injection.failTasks.contains { $0.matches(stage: stage, partition: partition, attempt: attempt) }
        f.delayMillis = injection.delayTasks.first { $0.task.matches(stage: stage, partition: partition, attempt: attempt) }?.millis ?? 0
        f.memoryLimit = injection.refuseMemoryAbove
        f.fullDisk = injection.fillDisk.contains { $0.matches(stage: stage, partition: partition, attempt: attempt) }
        f.millisPerBatch = injection.slowTasks.first { $0.task.matches(stage: stage, partition: partition, attempt: attempt) }?.millisPerBatch ?? 0
        f.unsendableStatus = injection.unsendableStatus.contains { $0.matches(stage: stage, partition: partition, attempt: attempt) }
        f.failAtEnd = injection.failTasksAtEnd.contains { $0.matches(stage: stage, partition: partition, attempt: attempt) }
        return f
    }

    /// Spark's excludeOnFailure (the HealthTracker decides): an excluded executor gets no more tasks;
    /// it is killed and replaced (its running tasks are re-queued by the loss).
    func recordFailure(on executor: ExecutorID, _ failure: TaskFailureReason, _ job: inout JobState) {
        guard let exclusion = health.taskFailed(on: executor, failure), executors[executor] != nil else { return }
        exclusions.append((executor, exclusion.reason))
        post(.executorExcluded(executor: executor.value, reason: exclusion.reason, time: Self.wallClock()))
        killedByScheduler.insert(executor)
        cluster.kill(executor)
        handleExecutorLost(executor, ExecutorLossReason(message: "excluded for failing \(exclusion.failedTasks) tasks", causedByApp: true,
                                                        decidedKind: .excluded), &job)
    }

    /// Ends a stage attempt that will launch no more tasks (it is resubmitted, or its job ended):
    /// the event log and the UI see it completed, with `reason` as its failure (nil: it succeeded).
    /// Its running tasks are killed or ignored as a zombie attempt's.
    func abandonStage(_ stageID: StageID, reason: String?, _ job: inout JobState) {
        guard let tsm = job.running[stageID] else { return }
        post(.stageCompleted(stage: stageID.value, attempt: tsm.stageAttempt, failure: reason, time: Self.wallClock()))
        job.running[stageID]?.isZombie = true
        job.running[stageID] = nil
    }

    func handleFetchFailed(_ stage: Stage, _ fetch: FetchFailure, _ job: inout JobState) {
        let error = fetch.error
        abandonStage(stage.id, reason: error.message, &job)
        let failures = job.consecutiveFailures[stage.id, default: 0] + 1
        job.consecutiveFailures[stage.id] = failures
        if failures >= config.stageMaxConsecutiveAttempts {
            job.failure = EmberError(.fetchFailed,
                "stage \(stage.id) failed \(failures) consecutive attempts because shuffle data could not be read; most recent: \(error.message)",
                context: error.context, hint: error.hint ?? "check the application directory \(cluster.appDir) and the disk")
            return
        }
        tracker.remove(shuffle: fetch.shuffleId, mapIndex: fetch.mapIndex)
        submit(stage, &job)
    }

    /// Declares executors that have been silent longer than the heartbeat timeout lost, and kills
    /// them; so too executors that were launched and have not registered in time.
    func checkHeartbeats(_ job: inout JobState) {
        checkRegistrations(&job)
        let now = clock()
        for (id, heard) in lastHeard where now - heard > config.executorHeartbeatTimeoutSeconds {
            killedByScheduler.insert(id)
            cluster.kill(id)
            handleExecutorLost(id, ExecutorLossReason(
                message: "executor heartbeat timed out after \(Int((now - heard) * 1000)) ms (limit \(Int(config.executorHeartbeatTimeoutSeconds * 1000)) ms)",
                causedByApp: true, decidedKind: .heartbeatTimeout), &job)
        }
    }

    /// Kills and replaces executors launched during the session (replacements, dynamic allocation)
    /// that have not registered within executorStartTimeoutSeconds of the scheduler first seeing
    /// them in `launching`; `start` has its own wait for the first ones.
    func checkRegistrations(_ job: inout JobState) {
        let now = clock()
        launchSeenAt = launchSeenAt.filter { launching.contains($0.key) }
        for id in launching where launchSeenAt[id] == nil { launchSeenAt[id] = now }
        for (id, since) in launchSeenAt where now - since > config.executorStartTimeoutSeconds {
            launchSeenAt[id] = nil
            killedByScheduler.insert(id)
            cluster.kill(id)
            handleExecutorLost(id, ExecutorLossReason(
                message: "executor \(id) did not register within \(Int(config.executorStartTimeoutSeconds)) s of its launch", causedByApp: false, decidedKind: .registrationTimeout), &job)
        }
    }

    /// The removal reason of an executor that dynamic allocation shut down for being idle (not a loss).
    static func idleRemovalReason(_ config: SessionConfig) -> String {
        "executor removed by dynamic allocation after being idle for \(Int(config.dynamicAllocation.executorIdleTimeoutSeconds)) s"
    }

    func handleExecutorLost(_ id: ExecutorID, _ reason: ExecutorLossReason, _ job: inout JobState) {
        // An executor lost before it registered is replaced too (it counts as a loss).
        let wasLaunching = launching.remove(id) != nil
        lastHeard[id] = nil
        if allocation.executorGone(id) {
            executorLeft(id)                    // removed by dynamic allocation: expected, not replaced
            cachedBlocks.removeExecutor(id)     // its cached blocks went with it
            post(.executorRemoved(executor: id.value, reason: Self.idleRemovalReason(config), kind: .idle, exitCode: nil, signal: nil,
                                  killedByDriver: true, time: Self.wallClock()))
            return
        }
        let gone = executorLeft(id)
        guard gone.removed || wasLaunching else { return }
        losses.append((id, reason.message))
        // Its tasks end before it is removed: listeners (Spark's History Server among them) count
        // the failures against the executor only while it is there.
        for (_, task) in gone.tasks {
            var ended = task.info
            ended.finishTime = Self.wallClock()
            post(.taskEnd(ended, failure: .executorLost(executor: id, causedByApp: reason.causedByApp, message: "executor \(id) lost: \(reason.message)"),
                          metrics: TaskMetrics()))
        }
        post(.executorRemoved(executor: id.value, reason: reason.message, kind: reason.kind, exitCode: reason.exitCode, signal: reason.signal,
                              killedByDriver: killedByScheduler.contains(id), time: Self.wallClock()))
        cachedBlocks.removeExecutor(id)
        for stageID in job.running.keys { _ = job.running[stageID]!.executorLost(id) }
        if !config.shuffleServiceEnabled {
            // Without a shuffle service a lost executor's map outputs are gone: unregister them, and
            // rerun any running stage that reads them once their parents are recomputed.
            for shuffle in tracker.shuffleIDs {
                for s in tracker.statuses(shuffle) where s.executorId == id { tracker.remove(shuffle: shuffle, mapIndex: s.mapIndex) }
            }
            for (stageID, tsm) in job.running where tsm.stage.inputShuffles.contains(where: { !tracker.isAvailable($0) }) {
                abandonStage(stageID, reason: "map outputs it reads were lost with executor \(id)", &job)
                submit(tsm.stage, &job)
            }
        }
        executorLosses += 1
        let limit = 10 * max(1, config.totalCores)
        if executorLosses > limit {
            job.failure = EmberError(.executor, "too many executors lost (\(executorLosses)); the last: \(reason.message)",
                                     context: [.init("executor", id.value)],
                                     hint: "see the executor logs in \(cluster.appDir)")
            return
        }
        if reason.possiblyOutOfMemory && config.recoveryModeEnabled { recoveryMode = true }
        do {
            launching.insert(try cluster.launchExecutor(cores: recoveryMode ? 1 : nil))
        } catch {
            job.failure = EmberError.wrap(error, .executor)
        }
    }
}
