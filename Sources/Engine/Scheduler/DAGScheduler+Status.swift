// DAGScheduler+Status: the scheduler state other threads read while a job runs (the Session's
// accessors) lives in SchedulerStatus; these forward to it, and executors join and leave through
// here so the published list follows the task slots.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

extension DAGScheduler {
    /// Every executor loss of the session: which executor and why.
    var losses: [(executor: ExecutorID, reason: String)] {
        get { status.read(\.losses) }
        set { status.update { $0.losses = newValue } }
    }
    var executorLosses: Int {
        get { status.read(\.executorLosses) }
        set { status.update { $0.executorLosses = newValue } }
    }
    /// Executors removed because they were idle (not losses).
    var removedIdle: [ExecutorID] {
        get { status.read(\.removedIdle) }
        set { status.update { $0.removedIdle = newValue } }
    }
    var exclusions: [(executor: ExecutorID, reason: String)] {
        get { status.read(\.exclusions) }
        set { status.update { $0.exclusions = newValue } }
    }
    var recoveryMode: Bool {
        get { status.read(\.recoveryMode) }
        set { status.update { $0.recoveryMode = newValue } }
    }
    /// Tasks that finished successfully in the last job, in completion order.
    var lastJobTasks: [TaskRecord] { status.read(\.lastJobTasks) }
    /// Task failures of the last job (including fetch failures that were recovered from).
    var lastJobFailures: [EmberError] { status.read(\.lastJobFailures) }

    /// An executor registered: it gets its slots, and other threads see it.
    func executorJoined(_ info: ExecutorInfo) {
        tasks.addExecutor(info, cores: info.cores)
        status.update { $0.executors = executors.keys.sorted() }
    }

    /// An executor is gone (lost or removed): whether it was registered, and the tasks that were running on it.
    @discardableResult
    func executorLeft(_ id: ExecutorID) -> (removed: Bool, tasks: [(TaskID, RunningTask)]) {
        let gone = tasks.removeExecutor(id)
        if gone.removed { status.update { $0.executors = executors.keys.sorted() } }
        return gone
    }
}
