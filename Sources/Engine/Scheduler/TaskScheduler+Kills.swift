// TaskScheduler+Kills: stopping task attempts that are no longer needed (Spark's killTaskAttempt):
// the losing copy of a speculated task, and the tasks still running when their job ends (a
// satisfied limit, a failure). The executor stops such a task at its next batch boundary and
// reports it KILLED, which is not a failure; the slot is free again once that report arrives.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

extension TaskScheduler {
    /// Asks the task's executor to stop it, once (nothing if it is not running).
    mutating func kill(_ task: TaskID, stage: StageID, partition: Int, reason: String) {
        guard let executor = running[task]?.executor, requestKill(task, stage: stage, partition: partition) else { return }
        _ = backend.send(.killTask(task, reason: reason), to: executor)
    }

    /// Kills each of these attempts still running (`partition` nil: the one it was launched for).
    mutating func kill(_ attempts: [(task: TaskID, stage: StageID, partition: Int?)], reason: String) {
        for attempt in attempts {
            guard let record = running[attempt.task] else { continue }
            kill(attempt.task, stage: attempt.stage, partition: attempt.partition ?? record.info.partition, reason: reason)
        }
    }

    /// What is kept of a task that stopped because it was killed: where it ran, how far it got.
    func killedRecord(_ status: TaskStatus, kill: (stage: StageID, partition: Int)?) -> TaskRecord {
        let (stage, partition) = kill ?? (StageID(-1), -1)
        return TaskRecord(taskId: status.taskId, stageId: stage, partition: partition, executorId: status.executorId,
                          executorPid: executors[status.executorId]?.info.pid ?? 0, locality: .any, metrics: status.metrics)
    }
}
