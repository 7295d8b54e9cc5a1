// SchedulerEvent: what happened while the application ran, as the DAGScheduler reports it to its
// listeners (Spark's SparkListenerEvent family): the event log, the job trace the root-cause
// analysis reads, and the console progress bar.

import Executor
import Planner

public enum SchedulerEvent: Sendable {
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
public struct JobStageInfo: Sendable {
    public var id: Int
    public var name: String
    /// Tasks the stage runs when none of its output exists yet (nil in logs that did not record it).
    public var numTasks: Int?
    public var parents: [Int]
    /// Writes a shuffle (its tasks are Spark's ShuffleMapTasks) rather than results (ResultTasks).
    public var isShuffleMap: Bool
}

/// Identity and placement of one task attempt.
public struct TaskEventInfo: Sendable {
    public var taskId: Int
    public var stage: Int
    public var stageAttempt: Int
    public var partition: Int
    public var attempt: Int
    public var executor: String
    public var locality: TaskLocality
    public var launchTime: Double
    public var finishTime: Double = 0
    /// Bytes the driver expected the task to read (its split, range slice or reduce partition).
    public var plannedInputBytes: Int64? = nil
}

/// Receives scheduler events on the scheduler's thread, in order; must not block.
public protocol SchedulerListener: AnyObject, Sendable {
    func onEvent(_ event: SchedulerEvent)
}
