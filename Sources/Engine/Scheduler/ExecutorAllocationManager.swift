// ExecutorAllocationManager: Spark's dynamic allocation, simplified. While tasks wait for slots
// longer than schedulerBacklogTimeout it asks for more executors (1, 2, 4… each round the backlog
// lasts, up to the maximum); an executor without running tasks for executorIdleTimeout is removed,
// down to minExecutors. It decides from the times it is given (the scheduler's injected clock);
// the DAGScheduler launches and shuts executors down.

import Executor
import Planner

struct ExecutorAllocationManager {
    let policy: SessionConfig.DynamicAllocation
    private var backlogSince: Double? = nil
    private var nextRampUp = 1
    /// When each registered executor last became idle (nil: it runs tasks).
    private var idleSince: [ExecutorID: Double] = [:]
    /// Executors asked to shut down for being idle, until their loss arrives.
    private(set) var removing: Set<ExecutorID> = []

    init(policy: SessionConfig.DynamicAllocation) { self.policy = policy }

    /// How many executors to launch now. `backlogged`: tasks wait and no slot is free; `expected`:
    /// executors registered or launching, of which `removing` do not count.
    mutating func executorsToAdd(backlogged: Bool, expected: Int, maxExecutors: Int, now: Double) -> Int {
        guard backlogged else {
            backlogSince = nil
            nextRampUp = 1
            return 0
        }
        let since = backlogSince ?? now
        backlogSince = since
        guard now - since >= policy.schedulerBacklogTimeoutSeconds else { return 0 }
        let add = Swift.max(0, Swift.min(nextRampUp, maxExecutors - (expected - removing.count)))
        if add > 0 { nextRampUp *= 2 }
        backlogSince = now   // Spark's sustainedSchedulerBacklogTimeout: keep ramping while it lasts
        return add
    }

    /// An executor has no running task from `now` on (it registered, or its last task ended).
    mutating func becameIdle(_ id: ExecutorID, at now: Double) { idleSince[id] = now }

    /// Executors idle long enough to remove now (recorded as being removed). `executors`: the
    /// registered ones; `busy`: whether one runs tasks; `expected`: registered plus launching.
    mutating func idleExecutorsToRemove(_ executors: [ExecutorID], busy: (ExecutorID) -> Bool, expected: Int, now: Double) -> [ExecutorID] {
        guard policy.enabled else { return [] }
        var removed: [ExecutorID] = []
        for id in executors.sorted() where !busy(id) {
            let since = idleSince[id] ?? now
            idleSince[id] = since
            if now - since >= policy.executorIdleTimeoutSeconds && expected - removing.count > policy.minExecutors && !removing.contains(id) {
                removing.insert(id)
                removed.append(id)
            }
        }
        return removed
    }

    /// An executor went away; returns whether it was being removed (an expected removal, not a loss).
    mutating func executorGone(_ id: ExecutorID) -> Bool {
        idleSince[id] = nil
        return removing.remove(id) != nil
    }
}
