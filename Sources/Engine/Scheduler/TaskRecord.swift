// TaskRecord: a task that finished successfully in the last job: where it ran, at which locality
// level, and its metrics.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// A task that finished successfully: where it ran and what it did.
public struct TaskRecord: Sendable {
    public let taskId: TaskID
    public let stageId: StageID
    public let partition: Int
    public let executorId: ExecutorID
    /// Process id of the executor that ran it.
    public let executorPid: Int32
    /// The locality level it was launched at.
    public let locality: TaskLocality
    public let metrics: TaskMetrics
}
