// SchedulerStatus: what the scheduler's thread tells other threads while it runs a job, so the
// Session's accessors (executors, losses, the last job's tasks…) and `stop()` never wait for a job:
// the scheduler writes here as things happen, readers take a short lock. A stop request travels the
// other way: the scheduler's loop sees it at its next turn and ends the job.

import Executor
import Planner
import Synchronization

final class SchedulerStatus: Sendable {
    struct State: Sendable {
        /// Registered executors.
        var executors: [ExecutorID] = []
        /// Every executor loss of the session: which executor and why.
        var losses: [(executor: ExecutorID, reason: String)] = []
        var executorLosses = 0
        /// Executors removed because they were idle (not losses).
        var removedIdle: [ExecutorID] = []
        /// Exclusions of the session: executor and reason.
        var exclusions: [(executor: ExecutorID, reason: String)] = []
        /// Set after an out-of-memory loss: replacements get one task slot.
        var recoveryMode = false
        /// Tasks that finished successfully in the last job, in completion order.
        var lastJobTasks: [TaskRecord] = []
        /// Task failures of the last job (including fetch failures that were recovered from).
        var lastJobFailures: [EmberError] = []
        var jobRunning = false
        var stopRequested = false
    }
    private let state = Mutex(State())

    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }
    func update(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }

    /// Asks the running job (if any) to end; the scheduler's loop checks at every turn.
    func requestStop() { update { $0.stopRequested = true } }
    var stopRequested: Bool { read(\.stopRequested) }
}
