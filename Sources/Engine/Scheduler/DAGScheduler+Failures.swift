// DAGScheduler+Failures: what the scheduler does when tasks go wrong: injected faults, exclusion
// of executors that keep failing, fetch failures, tasks lost on the way. (Executor losses are in
// DAGScheduler+Executors.)

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

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

    /// A task its executor no longer lists in its heartbeats (see HeartbeatReceiver): free its
    /// slot and run its partition again, without counting a failure.
    func taskVanished(_ task: TaskID, from executor: ExecutorID, _ job: inout JobState) {
        if var info = tasks.ended(task)?.info {
            info.finishTime = Self.wallClock()
            post(.taskEnd(info, failure: .executorLost(executor: executor, causedByApp: false,
                                                       message: "task lost: executor \(executor) no longer lists it in its heartbeats"),
                          metrics: TaskMetrics()))
        }
        guard let (stageID, stageAttempt) = job.taskStage.removeValue(forKey: task),
              job.running[stageID]?.stageAttempt == stageAttempt else { return }
        _ = job.running[stageID]!.failed(task, counts: false)
    }
}
