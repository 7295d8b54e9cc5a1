// FaultInjection: failures injected into real runs through configuration, not code edits, to test
// and demonstrate recovery. Each fault fires once per session.

/// How to damage a committed shuffle map output.
public enum ShuffleCorruption: String, Sendable, CaseIterable {
    /// Flip one byte inside the first non-empty partition of the data file.
    case flipByte
    /// Cut the data file in half.
    case truncateData
    /// Cut the index file short.
    case truncateIndex
    case deleteData
    case deleteIndex
}

/// Selects task attempts: a partition's attempt number, optionally only in one stage (by id).
public struct TaskSelector: Sendable, Hashable {
    public var stage: Int?
    public var partition: Int
    public var attempt: Int
    public init(stage: Int? = nil, partition: Int, attempt: Int = 0) {
        self.stage = stage
        self.partition = partition
        self.attempt = attempt
    }
    func matches(stage: StageID, partition: Int, attempt: Int) -> Bool {
        (self.stage == nil || self.stage == stage.value) && self.partition == partition && self.attempt == attempt
    }
}

public struct FaultInjection: Sendable {
    /// Kill (SIGKILL, from the driver) executor number `executor` (1, 2, …) once it finished
    /// `afterTasks` tasks.
    public var killExecutor: (executor: Int, afterTasks: Int)? = nil
    /// Fail these task attempts.
    public var failTasks: [TaskSelector] = []
    /// Fail these task attempts after their pipeline finished, just before they would report.
    public var failTasksAtEnd: [TaskSelector] = []
    /// Delay these task attempts by `millis`.
    public var delayTasks: [(task: TaskSelector, millis: Int)] = []
    /// Make these task attempts stragglers that spend `millisPerBatch` on each input batch.
    public var slowTasks: [(task: TaskSelector, millisPerBatch: Int)] = []
    /// The first attempt to send these task attempts' status fails, as a status too large for a
    /// frame would: the executor must report the task failed instead, and stay.
    public var unsendableStatus: [TaskSelector] = []
    /// Fail every task attempt that runs on executor number `n` (a bad executor).
    public var failTasksOnExecutor: Int? = nil
    /// Refuse every task's memory reservations beyond this many bytes.
    public var refuseMemoryAbove: Int? = nil
    /// These task attempts find the local disk full: their shuffle files' writes go to /dev/full,
    /// which fails them with the kernel's ENOSPC.
    public var fillDisk: [TaskSelector] = []
    /// The event log's writes go to /dev/full (ENOSPC) from the start, as on a full disk.
    public var fullEventLogDisk = false

    /// Damage the output of map partition `mapIndex` of the first shuffle, right after its map stage
    /// completes for the first time (between the stages). The reducers must report a fetch failure,
    /// and the scheduler must recompute that map output.
    public var corruptShuffleOutput: (kind: ShuffleCorruption, mapIndex: Int)? = nil
    public init() {}
}
