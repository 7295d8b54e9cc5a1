// DAGScheduler+TaskStatus: what a task's status update means for its stage and job. A finished
// map task registers its MapStatus (and a stage whose tasks are all done completes); a finished
// result task hands its partition to the job's ResultReceiver; the first copy of a speculated
// task to finish wins and the others are killed; a killed task is not a failure; a failure is
// a fetch failure (the parent's map output is recomputed), a missing cache block (the job runs
// again), or counts toward task.maxFailures.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler {
    func handleStatus(_ status: TaskStatus, _ binary: [UInt8], _ job: inout JobState) {
        // A result file nobody takes (a duplicate, a late or failed task) is removed here.
        var resultTaken = false
        defer {
            if !resultTaken, let file = status.resultFile, TaskResult.isResultFile(file.path, in: cluster.appDir) { unlink(file.path) }
        }
        let record = tasks.ended(status.taskId)
        if let executor = record?.executor, !tasks.isBusy(executor) { allocation.becameIdle(executor, at: clock.now()) }
        if let report = status.storage, executors[status.executorId] != nil { cachedBlocks.apply(report, from: status.executorId) }
        if status.state == .killed { self.status.recordKilled(tasks.killedRecord(status, kill: record?.kill)) }
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
            if let mapStatus = status.mapStatus {
                tracker.add(mapStatus)
                if !job.deferredJoins.isEmpty { firstOutputRegistered(mapStatus, &job) }
            }
            if executors[status.executorId] != nil {
                for block in status.cachedBlocks { cachedBlocks.stored(block, on: status.executorId) }
            }
            guard current else { return }
            guard let partition = job.running[stageID]!.partition(of: status.taskId) else { return }
            let others = job.running[stageID]!.otherAttempts(of: partition, besides: status.taskId)
            guard job.running[stageID]!.succeeded(status.taskId, now: clock.now()) else { return }
            // The first copy to finish wins; the others are told to stop and their results ignored.
            for (other, _) in others { tasks.kill(other, stage: stageID, partition: partition, reason: "another attempt succeeded") }
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
                cachedBlocks.forget(missing.cacheId, partition: missing.partition)
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
