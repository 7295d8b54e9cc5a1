// EventLogWriter: the application's events as JSON lines, with Spark's event names and keys
// ("Event": "SparkListenerTaskEnd", "Task Info", "Task End Reason", "Task Metrics"…), so Spark
// tooling habits carry over. One file per application: <eventLogDir>/<appId>.jsonl, flushed per event.
// The directory is checked to be private (EventLogDirectory); the file is created new (O_EXCL,
// never through a symlink) with mode 0600. A write that fails (a full disk) turns the log off with
// one warning; it never stops the driver.

import Foundation
import Logging
import Planner
import Shuffle

final class EventLogWriter: SchedulerListener, @unchecked Sendable {
    let path: String
    // Guarded by `lock`.
    private let lock = NSLock()
    private var file: PosixFile?

    init(directory: String, appId: String) throws {
        try EventLogDirectory.prepare(directory)
        path = directory + "/" + appId + ".jsonl"
        do {
            file = try PosixFile.create(path)
        } catch {
            throw EmberError(.output, "cannot create the event log", context: [.init("path", path)],
                             hint: "set SessionConfig.eventLogDir to a writable directory, or nil to turn the event log off", cause: error)
        }
    }

    /// Fault injection: the log's writes go to `device` (/dev/full: a full disk).
    func redirectWrites(to device: String) throws { try file?.redirectWrites(to: device) }

    func onEvent(_ event: SchedulerEvent) {
        guard let data = try? JSONSerialization.data(withJSONObject: Self.json(event), options: [.sortedKeys]) else { return }
        lock.lock()
        defer { lock.unlock() }
        guard let file else { return }
        do {
            try (data + [0x0A]).withUnsafeBytes { try file.write($0) }
        } catch {
            self.file = nil
            Logger(label: "ember.driver").warning("the event log cannot be written any more; its events are dropped from here on",
                                                  metadata: ["path": "\(path)", "error": "\(String(describing: error))"])
        }
    }

    static func millis(_ t: Double) -> Int64 { Int64(t * 1000) }

    static func json(_ event: SchedulerEvent) -> [String: Any] {
        switch event {
        case .applicationStart(let id, let name, let t):
            return ["Event": "SparkListenerApplicationStart", "App ID": id, "App Name": name, "Timestamp": millis(t)]
        case .applicationEnd(let t):
            return ["Event": "SparkListenerApplicationEnd", "Timestamp": millis(t)]
        case .jobStart(let job, let stages, let parents, let t):
            return ["Event": "SparkListenerJobStart", "Job ID": job, "Stage IDs": stages, "Submission Time": millis(t),
                    "Stage Infos": stages.map { ["Stage ID": $0, "Parent IDs": parents[$0] ?? []] }]
        case .jobEnd(let job, let error, let t):
            var result: [String: Any] = ["Result": error == nil ? "JobSucceeded" : "JobFailed"]
            if let error { result["Exception"] = ["Message": error.message, "Code": error.code.rawValue] }
            return ["Event": "SparkListenerJobEnd", "Job ID": job, "Completion Time": millis(t), "Job Result": result]
        case .stageSubmitted(let stage, let attempt, let name, let tasks, let t):
            return ["Event": "SparkListenerStageSubmitted",
                    "Stage Info": ["Stage ID": stage, "Stage Attempt ID": attempt, "Stage Name": name, "Number of Tasks": tasks,
                                   "Submission Time": millis(t)]]
        case .stageCompleted(let stage, let attempt, let failure, let t):
            var info: [String: Any] = ["Stage ID": stage, "Stage Attempt ID": attempt, "Completion Time": millis(t)]
            if let failure { info["Failure Reason"] = failure }
            return ["Event": "SparkListenerStageCompleted", "Stage Info": info]
        case .taskStart(let i):
            return ["Event": "SparkListenerTaskStart", "Stage ID": i.stage, "Stage Attempt ID": i.stageAttempt, "Task Info": taskInfo(i)]
        case .taskEnd(let i, let error, let m):
            var reason: [String: Any] = ["Reason": "Success"]
            if let error {
                switch error.code {
                case .fetchFailed:
                    reason = ["Reason": "FetchFailed", "Shuffle ID": error.context("shuffle") ?? "", "Map Index": error.context("mapIndex") ?? "",
                              "Reduce ID": error.context("reduce") ?? "", "Message": error.message]
                case .executor:
                    reason = ["Reason": "ExecutorLostFailure", "Executor ID": i.executor, "Loss Reason": error.message]
                case .killed:
                    reason = ["Reason": "TaskKilled", "Kill Reason": error.message]
                default:
                    reason = ["Reason": "ExceptionFailure", "Class Name": "EmberError." + error.code.rawValue, "Description": error.message]
                }
            }
            return ["Event": "SparkListenerTaskEnd", "Stage ID": i.stage, "Stage Attempt ID": i.stageAttempt,
                    "Task End Reason": reason, "Task Info": taskInfo(i),
                    "Task Metrics": ["Executor Run Time": Int64(m.durationNanos / 1_000_000), "Peak Execution Memory": m.peakExecutionMemory,
                                     "Memory Bytes Spilled": m.memoryBytesSpilled, "Disk Bytes Spilled": m.diskBytesSpilled,
                                     "Input Metrics": ["Bytes Read": m.inputBytes, "Records Read": m.inputRows],
                                     "Shuffle Read Metrics": ["Local Bytes Read": m.shuffleReadBytes, "Total Records Read": m.shuffleReadRows,
                                                              "Local Blocks Fetched": m.shuffleBlocksFetched],
                                     "Shuffle Write Metrics": ["Shuffle Bytes Written": m.shuffleWriteBytes, "Shuffle Records Written": m.shuffleWriteRows],
                                     "Executor Peak RSS": m.executorPeakRSS,
                                     "Ember Heavy Key": heavyKey(m.heavyKey)]]
        case .executorAdded(let id, let host, let cores, let t):
            return ["Event": "SparkListenerExecutorAdded", "Executor ID": id, "Timestamp": millis(t),
                    "Executor Info": ["Host": host, "Total Cores": cores]]
        case .executorRemoved(let id, let reason, let exit, let signal, let byDriver, let t):
            var info: [String: Any] = ["Event": "SparkListenerExecutorRemoved", "Executor ID": id, "Removed Reason": reason, "Timestamp": millis(t),
                                       "Killed By Driver": byDriver]
            if let exit { info["Exit Code"] = exit }
            if let signal { info["Signal"] = signal }
            return info
        case .executorExcluded(let id, let reason, let t):
            return ["Event": "SparkListenerExecutorExcluded", "Executor ID": id, "Reason": reason, "Timestamp": millis(t)]
        case .rootCauseReport(let report, let t):
            return report.eventObject.merging(["Event": "EmberRootCauseReport", "Timestamp": millis(t)]) { $1 }
        }
    }

    static func heavyKey(_ k: HeavyKey?) -> Any {
        guard let k else { return NSNull() }
        return ["Key": k.key, "Rows": k.rows, "Partition Rows": k.partitionRows]
    }

    static func taskInfo(_ i: TaskEventInfo) -> [String: Any] {
        ["Task ID": i.taskId, "Index": i.partition, "Attempt": i.attempt, "Executor ID": i.executor, "Locality": i.locality.description,
         "Launch Time": millis(i.launchTime), "Finish Time": millis(i.finishTime),
         "Ember Planned Input Bytes": i.plannedInputBytes.map { $0 as Any } ?? NSNull()]
    }
}
