// DAGScheduler+Kills: stopping task attempts that are no longer needed (Spark's killTask): the
// losing copy of a speculated task, and the tasks still running when their job ends (a satisfied
// limit, a failure). The executor stops such a task at its next batch boundary and reports it
// KILLED, which is not a failure; the slot is free again once that report arrives.

import Foundation
import Executor
import Planner

extension DAGScheduler {
    /// Asks an executor to stop one task attempt.
    func kill(_ task: TaskID, on executor: ExecutorID, stage: StageID, partition: Int, reason: String) {
        guard tasks.requestKill(task, stage: stage, partition: partition) else { return }
        _ = cluster.send(.killTask(task, reason: reason), to: executor)
    }

    /// Kills every task of the job that is still running.
    func killTasks(of job: JobState, reason: String) {
        for (task, (stage, _)) in job.taskStage {
            guard let running = tasks.running[task] else { continue }
            let executor = running.executor
            let partition = job.running[stage]?.partition(of: task) ?? running.info.partition
            kill(task, on: executor, stage: stage, partition: partition, reason: reason)
        }
    }

    /// Keeps a killed task's record (where it ran, how far it got).
    func recordKilled(_ status: TaskStatus, kill: (stage: StageID, partition: Int)?) {
        let (stage, partition) = kill ?? (StageID(-1), -1)
        killedTasks.append(TaskRecord(taskId: status.taskId, stageId: stage, partition: partition, executorId: status.executorId,
                                      executorPid: executors[status.executorId]?.info.pid ?? 0, locality: .any, metrics: status.metrics))
        if killedTasks.count > Self.killedTasksKept { killedTasks.removeFirst(killedTasks.count - Self.killedTasksKept) }
    }

    /// Handles what executors said since the last job (late kills, heartbeats) without a job running.
    func drainEvents() {
        while let event = cluster.events.take(timeout: 0) { handleClusterEvent(event, job: nil) }
    }

    /// At the application's end: waits up to `timeout` seconds for the tasks killed when their job
    /// ended to report, then ends those that did not for the listeners, so no task stays RUNNING
    /// in the event log or the UI.
    func settleLingeringTasks(timeout: Double) {
        let deadline = clock() + timeout
        while !tasks.running.isEmpty, clock() < deadline {
            if let event = cluster.events.take(timeout: Swift.max(0.01, deadline - clock())) { handleClusterEvent(event, job: nil) }
        }
        for (_, var info) in tasks.abandonAll().map({ ($0.0, $0.1.info) }) {
            info.finishTime = Self.wallClock()
            post(.taskEnd(info, failure: .taskKilled(reason: "the application ended before it stopped"), metrics: TaskMetrics()))
        }
    }
}
