// DAGScheduler+Allocation: acting on the ExecutorAllocationManager's decisions: launching executors
// while tasks wait, shutting down idle ones (their cached blocks leave with them).

import Foundation
import Executor
import Planner
import Shuffle

extension DAGScheduler {
    /// Executors being shut down for being idle.
    var removing: Set<ExecutorID> { allocation.removing }

    /// Executors that should exist: registered plus launching, minus those being removed.
    var targetCount: Int { executors.count + launching.count - removing.count }

    /// Spark's ExecutorAllocationManager, simplified: ramp up while tasks wait, remove idle executors.
    func adjustExecutors(_ job: inout JobState) {
        let maxExecutors: Int
        switch config.master { case .local(let n, _, _): maxExecutors = Swift.min(config.dynamicAllocation.maxExecutors, n) }
        let now = clock()
        let backlogged = job.running.values.contains { $0.hasPending } && !tasks.hasFreeSlots
        let add = allocation.executorsToAdd(backlogged: backlogged, expected: executors.count + launching.count,
                                            maxExecutors: maxExecutors, now: now)
        for _ in 0..<add {
            if let id = try? cluster.launchExecutor(cores: recoveryMode ? 1 : nil) { launching.insert(id) }
        }
        removeIdleExecutors(now: now)
    }

    /// Removes executors without running tasks for longer than the idle timeout, keeping minExecutors.
    func removeIdleExecutors(now: Double) {
        let idle = allocation.idleExecutorsToRemove(Array(executors.keys), busy: { tasks.isBusy($0) },
                                                    expected: executors.count + launching.count, now: now)
        for id in idle {
            removedIdle.append(id)
            cachedBlocks.removeExecutor(id)   // its cached blocks leave with it
            _ = cluster.send(.shutdown, to: id)
        }
    }
}
