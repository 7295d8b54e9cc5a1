// SchedulerEvent: what happened while the application ran, as the DAGScheduler reports it to its
// listeners (Spark's SparkListenerEvent family): the event log, the job trace the root-cause
// analysis reads, and the console progress bar.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

package enum SchedulerEvent: Sendable {
    case applicationStart(appId: String, appName: String, time: Double)
    case applicationEnd(time: Double)
    /// `stages`: the job's stages, parents before children (the job's DAG).
    case jobStart(job: Int, stages: [JobStageInfo], time: Double)
    case jobEnd(job: Int, error: EmberError?, time: Double)
    case stageSubmitted(stage: Int, attempt: Int, name: String, tasks: Int, time: Double)
    case stageCompleted(stage: Int, attempt: Int, failure: String?, time: Double)
    case taskStart(TaskEventInfo)
    /// `failure`: why the task did not succeed (nil: it did).
    case taskEnd(TaskEventInfo, failure: TaskFailureReason?, metrics: TaskMetrics)
    case executorAdded(executor: String, host: String, cores: Int, time: Double)
    case executorRemoved(executor: String, reason: String, kind: ExecutorLossKind, exitCode: Int32?, signal: Int32?, killedByDriver: Bool, time: Double)
    case executorExcluded(executor: String, reason: String, time: Double)
    /// The root-cause report of a job that failed or recovered from failures (posted by the session).
    case rootCauseReport(RootCauseReport, time: Double)
}

/// A stage of a job as the job starts (Spark's StageInfo in SparkListenerJobStart).
package struct JobStageInfo: Sendable {
    package var id: Int
    package var name: String
    /// Tasks the stage runs when none of its output exists yet (nil in logs that did not record it).
    package var numTasks: Int?
    package var parents: [Int]
    /// Writes a shuffle (its tasks are Spark's ShuffleMapTasks) rather than results (ResultTasks).
    package var isShuffleMap: Bool
}

/// Identity and placement of one task attempt.
package struct TaskEventInfo: Sendable {
    package var taskId: Int
    package var stage: Int
    package var stageAttempt: Int
    package var partition: Int
    package var attempt: Int
    package var executor: String
    package var locality: TaskLocality
    package var launchTime: Double
    package var finishTime: Double = 0
    /// Bytes the driver expected the task to read (its split, range slice or reduce partition).
    package var plannedInputBytes: Int64? = nil
}

/// Receives scheduler events on the scheduler's thread, in order; must not block.
package protocol SchedulerListener: AnyObject, Sendable {
    func onEvent(_ event: SchedulerEvent)
}
