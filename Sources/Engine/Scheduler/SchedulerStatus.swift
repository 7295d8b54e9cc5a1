// SchedulerStatus: what the scheduler's thread tells other threads while it runs a job, so the
// Session's accessors (executors, losses, the last job's tasks, killed tasks…) and `stop()` never
// wait for a job: the scheduler writes here as things happen, readers take a short lock. (Cached
// blocks and map outputs are read from their owners, BlockManagerMaster and MapOutputTracker,
// which keep their own locks.) Requests travel the other way: a stop, or a cache to unpersist, is
// recorded here and the scheduler's event loop is woken to take it at once; so is a cancel.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
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
        /// The most recent tasks that stopped because they were killed (at most `killedTasksKept`).
        var killedTasks: [TaskRecord] = []
        var jobRunning = false
        var stopRequested = false
        /// Set by `cancelAllJobs` while a job runs; the job's start clears it.
        var cancelRequested = false
        /// Caches to unpersist, in the order asked, until the scheduler takes them.
        var unpersistRequests: [Int] = []
    }
    private let state = Mutex(State())
    /// Wakes the scheduler's event loop (to take a request now).
    private let wake: @Sendable () -> Void
    static let killedTasksKept = 200

    init(wake: @escaping @Sendable () -> Void = {}) { self.wake = wake }

    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }
    func update(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }

    /// Keeps a killed task's record, dropping the oldest beyond `killedTasksKept`.
    func recordKilled(_ record: TaskRecord) {
        update { s in
            s.killedTasks.append(record)
            if s.killedTasks.count > Self.killedTasksKept { s.killedTasks.removeFirst(s.killedTasks.count - Self.killedTasksKept) }
        }
    }

    /// Asks the running job (if any) to end; the scheduler's loop takes it at its next turn.
    func requestStop() {
        update { $0.stopRequested = true }
        wake()
    }
    var stopRequested: Bool { read(\.stopRequested) }

    /// Asks the running job (if any) to end as cancelled; returns whether a job was running. A job
    /// that starts later is not affected (its start clears the request).
    @discardableResult
    func requestCancel() -> Bool {
        let running = state.withLock { s -> Bool in
            if s.jobRunning { s.cancelRequested = true }
            return s.jobRunning
        }
        if running { wake() }
        return running
    }

    /// Takes a cancel request (true once per request).
    func takeCancelRequest() -> Bool {
        state.withLock { s in
            defer { s.cancelRequested = false }
            return s.cancelRequested
        }
    }

    /// What a job fails with when it is cancelled while it runs.
    static let cancelledError = EmberError(.cancelled, "the job was cancelled",
                                           hint: "cancelAllJobs() was called (Ctrl-C in `ember sql`); its running tasks were killed")

    /// What a job fails with when the session is stopped while it runs.
    static let stoppedError = EmberError(.execution, "the session was stopped while the job ran",
                                         hint: "Session.stop() was called from another thread; create a new Session to run more jobs")

    /// Asks the scheduler to drop a cache's blocks (the driver forgets them, the executors are told).
    func requestUnpersist(_ cacheId: Int) {
        update { $0.unpersistRequests.append(cacheId) }
        wake()
    }

    /// The caches to unpersist asked for since the last call, except those `keep` says to leave
    /// for later (a running job reads or writes them).
    func takeUnpersistRequests(keeping keep: (Int) -> Bool = { _ in false }) -> [Int] {
        state.withLock { s in
            let taken = s.unpersistRequests.filter { !keep($0) }
            s.unpersistRequests.removeAll { !keep($0) }
            return taken
        }
    }
}
