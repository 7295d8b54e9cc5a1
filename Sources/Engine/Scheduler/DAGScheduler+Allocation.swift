// DAGScheduler+Allocation: dynamic allocation (Spark's ExecutorAllocationManager, simplified):
// ramp executors up while tasks wait, remove idle ones down to the minimum.

import Foundation
import Executor
import Planner
import Shuffle

extension DAGScheduler {
    /// Executors that should exist: registered plus launching, minus those being removed.
    var targetCount: Int { executors.count + launching.count - removing.count }

    /// Spark's ExecutorAllocationManager, simplified: ramp up while tasks wait, remove idle executors.
    func adjustExecutors(_ job: inout JobState) {
        let policy = config.dynamicAllocation
        let maxExecutors: Int
        switch config.master { case .local(let n, _, _): maxExecutors = Swift.min(policy.maxExecutors, n) }
        let now = clock()
        let waiting = job.running.values.contains { $0.hasPending } && !tasks.hasFreeSlots
        if waiting {
            if backlogSince == nil { backlogSince = now }
            if now - backlogSince! >= policy.schedulerBacklogTimeoutSeconds {
                let add = Swift.min(nextRampUp, maxExecutors - targetCount)
                for _ in 0..<Swift.max(0, add) {
                    if let id = try? cluster.launchExecutor(cores: recoveryMode ? 1 : nil) { launching.insert(id) }
                }
                nextRampUp = add > 0 ? nextRampUp * 2 : nextRampUp
                backlogSince = now   // Spark's sustainedSchedulerBacklogTimeout: keep ramping while it lasts
            }
        } else {
            backlogSince = nil
            nextRampUp = 1
        }
        removeIdleExecutors(now: now)
    }

    /// Removes executors without running tasks for longer than the idle timeout, keeping minExecutors.
    func removeIdleExecutors(now: Double) {
        let policy = config.dynamicAllocation
        guard policy.enabled else { return }
        for id in executors.keys.sorted() {
            if tasks.isBusy(id) { continue }
            if idleSince[id] == nil { idleSince[id] = now }
            if now - idleSince[id]! >= policy.executorIdleTimeoutSeconds && targetCount > policy.minExecutors && !removing.contains(id) {
                removing.insert(id)
                removedIdle.append(id)
                cachedBlocks.removeExecutor(id)   // its cached blocks leave with it
                _ = cluster.send(.shutdown, to: id)
            }
        }
    }
}
