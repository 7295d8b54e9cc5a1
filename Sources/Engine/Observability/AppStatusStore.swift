// AppStatusStore: the live state of the application built from scheduler events (Spark's
// AppStatusStore): jobs, stages with their tasks, and executors, kept for the REST API, the web UI
// and the metrics. Field names follow Spark's REST API (ExecutorSummary, JobData, StageData, TaskData).

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
@_spi(EmberInternal) import Executor

final class AppStatusStore: SchedulerListener {
    struct TaskRow: Sendable {
        var info: TaskEventInfo
        var status = "RUNNING"
        var error: String? = nil
        var metrics = TaskMetrics()
    }
    struct StageRow: Sendable {
        var id: Int
        var attempt: Int
        var name: String
        var numTasks: Int
        var status = "ACTIVE"
        var submissionTime: Double
        var completionTime: Double? = nil
        var failureReason: String? = nil
        var tasks: [Int: TaskRow] = [:]
    }
    struct JobRow: Sendable {
        var id: Int
        /// Spark's job name: the name of its last stage.
        var name: String
        var stageIds: [Int]
        /// Tasks of each stage as the job started (Spark counts a job's tasks from these).
        var stageTasks: [Int: Int]
        /// The job's DAG: each stage's parent stages.
        var stageParents: [Int: [Int]]
        var status = "RUNNING"
        var submissionTime: Double
        var completionTime: Double? = nil
        var error: String? = nil
        var rootCause: RootCauseReport? = nil
    }
    struct ExecutorRow: Sendable {
        var id: String
        var host: String
        var cores: Int
        var isActive = true
        var isExcluded = false
        var addTime: Double
        var removeTime: Double? = nil
        var removeReason: String? = nil
        var activeTasks = 0
        var failedTasks = 0
        var completedTasks = 0
        /// Tasks stopped on purpose (Spark counts them as neither failed nor completed).
        var killedTasks = 0
        /// Milliseconds, launch to finish, summed over the executor's finished tasks.
        var totalDuration: Int64 = 0
        var inputBytes: Int64 = 0
        var shuffleRead: Int64 = 0
        var shuffleWrite: Int64 = 0
        var memoryUsed: Int64 = 0
        var peakRSS: Int64 = 0
    }
    struct State: Sendable {
        var appId = ""
        var appName = ""
        var startTime = 0.0
        var endTime: Double? = nil
        var jobs: [Int: JobRow] = [:]
        var stages: [String: StageRow] = [:]
        var executors: [String: ExecutorRow] = [:]
        var lossesByReason: [String: Int] = [:]
    }
    let state = Mutex(State())
    let maxMemory: Int64
    let metrics: ExecutorMetrics?

    init(maxMemory: Int64, metrics: ExecutorMetrics?) {
        self.maxMemory = maxMemory
        self.metrics = metrics
    }

    static func key(_ stage: Int, _ attempt: Int) -> String { "\(stage).\(attempt)" }

    func onEvent(_ event: SchedulerEvent) {
        state.withLock { s in
            switch event {
            case .applicationStart(let id, let name, let t):
                s.appId = id; s.appName = name; s.startTime = t
            case .applicationEnd(let t):
                s.endTime = t
            case .jobStart(let job, let stages, let t):
                s.jobs[job] = JobRow(id: job, name: stages.max { $0.id < $1.id }?.name ?? "", stageIds: stages.map(\.id),
                                     stageTasks: Dictionary(stages.compactMap { s in s.numTasks.map { (s.id, $0) } }) { a, _ in a },
                                     stageParents: Dictionary(stages.map { ($0.id, $0.parents) }) { a, _ in a }, submissionTime: t)
            case .jobEnd(let job, let error, let t):
                s.jobs[job]?.status = error == nil ? "SUCCEEDED" : "FAILED"
                s.jobs[job]?.completionTime = t
                s.jobs[job]?.error = error?.message
            case .stageSubmitted(let stage, let attempt, let name, let tasks, let t):
                s.stages[Self.key(stage, attempt)] = StageRow(id: stage, attempt: attempt, name: name, numTasks: tasks, submissionTime: t)
            case .stageCompleted(let stage, let attempt, let failure, let t):
                let k = Self.key(stage, attempt)
                s.stages[k]?.status = failure == nil ? "COMPLETE" : "FAILED"
                s.stages[k]?.completionTime = t
                s.stages[k]?.failureReason = failure
            case .taskStart(let info):
                s.stages[Self.key(info.stage, info.stageAttempt)]?.tasks[info.taskId] = TaskRow(info: info)
                s.executors[info.executor]?.activeTasks += 1
            case .taskEnd(let info, let failure, let m):
                let k = Self.key(info.stage, info.stageAttempt)
                var row = s.stages[k]?.tasks[info.taskId] ?? TaskRow(info: info)
                row.info = info
                row.status = failure == nil ? "SUCCESS" : failure?.isKilled == true ? "KILLED" : "FAILED"
                row.error = failure?.error.message
                row.metrics = m
                s.stages[k]?.tasks[info.taskId] = row
                if var e = s.executors[info.executor] {
                    e.activeTasks = Swift.max(0, e.activeTasks - 1)
                    if failure == nil { e.completedTasks += 1 } else if failure?.isKilled == true { e.killedTasks += 1 } else { e.failedTasks += 1 }
                    e.totalDuration = e.totalDuration.addingSaturated(RestAPI.duration(info) ?? 0)
                    e.inputBytes = e.inputBytes.addingSaturated(m.inputBytes)
                    e.shuffleRead = e.shuffleRead.addingSaturated(m.shuffleReadBytes)
                    e.shuffleWrite = e.shuffleWrite.addingSaturated(m.shuffleWriteBytes)
                    e.memoryUsed = Swift.max(e.memoryUsed, m.peakExecutionMemory)
                    e.peakRSS = Swift.max(e.peakRSS, m.executorPeakRSS)
                    s.executors[info.executor] = e
                }
            case .executorAdded(let id, let host, let cores, let t):
                s.executors[id] = ExecutorRow(id: id, host: host, cores: cores, addTime: t)
            case .executorRemoved(let id, let reason, let kind, _, _, _, let t):
                s.executors[id]?.isActive = false
                s.executors[id]?.removeTime = t
                s.executors[id]?.removeReason = reason
                if kind.isLoss { s.lossesByReason[kind.rawValue, default: 0] += 1 }
            case .executorExcluded(let id, _, _):
                s.executors[id]?.isExcluded = true
            case .rootCauseReport(let report, _):
                s.jobs[report.jobId]?.rootCause = report
            }
        }
        metrics?.record(event)
    }

    var snapshot: State { state.withLock { $0 } }
}
