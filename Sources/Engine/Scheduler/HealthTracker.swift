// HealthTracker: Spark's excludeOnFailure, per job. It counts the task failures that count toward
// task.maxFailures on each executor, and names the executor to exclude once it reaches
// excludeOnFailure.maxFailedTasksPerExecutor. The DAGScheduler acts on the answer (kills and
// replaces the executor, posts the exclusion); the tracker only decides.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

struct HealthTracker {
    let enabled: Bool
    let maxFailedTasksPerExecutor: Int
    /// Counted task failures per executor in the current job.
    private(set) var failuresByExecutor: [ExecutorID: Int] = [:]

    init(enabled: Bool, maxFailedTasksPerExecutor: Int) {
        self.enabled = enabled
        self.maxFailedTasksPerExecutor = maxFailedTasksPerExecutor
    }

    /// Each job starts with a clean slate.
    mutating func jobStarted() { failuresByExecutor = [:] }

    /// An executor to exclude, with how many tasks failed there and why.
    struct Exclusion {
        let failedTasks: Int
        let reason: String
    }

    /// Counts a task failure on `executor`; returns the exclusion once the executor reached the limit.
    mutating func taskFailed(on executor: ExecutorID, _ failure: TaskFailureReason) -> Exclusion? {
        guard enabled, failure.countsTowardTaskFailures else { return nil }
        failuresByExecutor[executor, default: 0] += 1
        let count = failuresByExecutor[executor, default: 0]
        guard count >= maxFailedTasksPerExecutor else { return nil }
        return Exclusion(failedTasks: count, reason: "excluded after \(count) failed tasks "
            + "(excludeOnFailure.maxFailedTasksPerExecutor = \(maxFailedTasksPerExecutor)); last: \(failure.error.message)")
    }
}
