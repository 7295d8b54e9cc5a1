// DAGScheduler+Liveness: what heartbeats tell beyond "alive".
//
//   - A task the driver believes runs on an executor, launched longer than a grace period ago,
//     that two heartbeats of the executor in a row do not list was lost on the way (its launch or
//     its status): it is logged and runs again, without counting as a failure. An executor lists a
//     task until after it sent the task's status, so an unlisted task's status would have arrived
//     first. (Two in a row: one heartbeat taken just before the launch arrived may be handled late,
//     behind a long event such as a result partition being written.)
//   - An executor silent for several heartbeat intervals, before the heartbeat timeout declares it
//     lost, is logged as a warning once, so a stalled job says what it is waiting for.

import Foundation
import Executor
import Logging
import Planner

extension DAGScheduler {
    var heartbeatInterval: Double { Double(config.heartbeatIntervalMillis) / 1000 }
    /// A launch this recent may not have reached the executor when it took its heartbeat.
    var heartbeatGrace: Double { Swift.max(2 * heartbeatInterval, 1) }
    /// Silence this long is worth a warning (and comes well before the heartbeat timeout).
    var silenceWarning: Double { Swift.min(3 * heartbeatInterval, config.executorHeartbeatTimeoutSeconds / 2) }

    func handleHeartbeat(from id: ExecutorID, runningTasks listed: [TaskID], _ job: inout JobState) {
        if silentWarned.remove(id) != nil {
            log.info("executor \(id) is heard from again")
        }
        let now = clock()
        let listedSet = Set(listed)
        for task in tasks.tasks(on: id) {
            guard !listedSet.contains(task), now - (tasks.running[task]?.launchedAt ?? now) > heartbeatGrace else {
                tasks.listed(task)
                continue
            }
            if tasks.unlisted(task) >= 2 { taskVanished(task, from: id, &job) }
        }
    }

    /// A task its executor no longer knows: free its slot and run its partition again.
    func taskVanished(_ task: TaskID, from executor: ExecutorID, _ job: inout JobState) {
        log.warning("task \(task) is not in executor \(executor)'s heartbeats \(String(format: "%.1f", clock() - (tasks.running[task]?.launchedAt ?? clock()))) s after its launch; treating it as lost and resubmitting it")
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

    /// Logs, once per silence, executors not heard from for several heartbeat intervals.
    func warnAboutSilentExecutors() {
        let now = clock()
        for (id, heard) in lastHeard.sorted(by: { $0.key < $1.key }) where now - heard > silenceWarning && !silentWarned.contains(id) {
            silentWarned.insert(id)
            let busy = tasks.tasks(on: id).count
            log.warning("executor \(id) has sent no heartbeat for \(String(format: "%.1f", now - heard)) s (one is due every \(String(format: "%.1f", heartbeatInterval)) s) while \(busy) of its tasks run; waiting, it is declared lost after \(Int(config.executorHeartbeatTimeoutSeconds)) s of silence")
        }
    }
}
