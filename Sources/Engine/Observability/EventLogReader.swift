// EventLogReader: reads an event log (JSON lines written by EventLogWriter) back into scheduler
// events, so `ember history <event log>` can serve a finished application's UI and REST API.

import Foundation
import Planner

public enum EventLogReader {
    /// Replays an event log into a fresh status store.
    static func load(_ path: String) throws -> AppStatusStore {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EmberError(.input, "cannot read the event log", context: [.init("file", path)],
                             hint: "event logs are in <tmp>/ember-events/<appId>.jsonl unless SessionConfig.eventLogDir says otherwise")
        }
        var maxMemory: Int64 = 0
        let store = AppStatusStore(maxMemory: 0, metrics: nil)
        for (n, line) in text.split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw EmberError(.input, "line \(n + 1) of the event log is not a JSON object", context: [.init("file", path), .init("line", String(n + 1))])
            }
            if let event = event(object) { store.onEvent(event) }
            maxMemory = Swift.max(maxMemory, 0)
        }
        return store
    }

    static func seconds(_ v: Any?) -> Double { Double((v as? NSNumber)?.int64Value ?? 0) / 1000 }
    static func int(_ v: Any?) -> Int { (v as? NSNumber)?.intValue ?? Int(v as? String ?? "") ?? 0 }
    static func int64(_ v: Any?) -> Int64 { (v as? NSNumber)?.int64Value ?? 0 }

    static func event(_ o: [String: Any]) -> SchedulerEvent? {
        switch o["Event"] as? String {
        case "SparkListenerApplicationStart":
            return .applicationStart(appId: o["App ID"] as? String ?? "", appName: o["App Name"] as? String ?? "", time: seconds(o["Timestamp"]))
        case "SparkListenerApplicationEnd": return .applicationEnd(time: seconds(o["Timestamp"]))
        case "SparkListenerJobStart":
            let infos = o["Stage Infos"] as? [[String: Any]] ?? []
            let parents = Dictionary(infos.map { (int($0["Stage ID"]), ($0["Parent IDs"] as? [Any] ?? []).map { int($0) }) }) { a, _ in a }
            return .jobStart(job: int(o["Job ID"]), stages: (o["Stage IDs"] as? [Any] ?? []).map { int($0) }, parents: parents,
                             time: seconds(o["Submission Time"]))
        case "SparkListenerJobEnd":
            let result = o["Job Result"] as? [String: Any] ?? [:]
            let failure = (result["Exception"] as? [String: Any])?["Message"] as? String
            return .jobEnd(job: int(o["Job ID"]), error: failure.map { EmberError(.execution, $0) }, time: seconds(o["Completion Time"]))
        case "SparkListenerStageSubmitted":
            let i = o["Stage Info"] as? [String: Any] ?? [:]
            return .stageSubmitted(stage: int(i["Stage ID"]), attempt: int(i["Stage Attempt ID"]), name: i["Stage Name"] as? String ?? "",
                                   tasks: int(i["Number of Tasks"]), time: seconds(i["Submission Time"]))
        case "SparkListenerStageCompleted":
            let i = o["Stage Info"] as? [String: Any] ?? [:]
            return .stageCompleted(stage: int(i["Stage ID"]), attempt: int(i["Stage Attempt ID"]), failure: i["Failure Reason"] as? String,
                                   time: seconds(i["Completion Time"]))
        case "SparkListenerTaskStart":
            return .taskStart(info(o))
        case "SparkListenerTaskEnd":
            let reason = o["Task End Reason"] as? [String: Any] ?? [:]
            var error: EmberError? = nil
            if let r = reason["Reason"] as? String, r != "Success" {
                let message = (reason["Description"] ?? reason["Message"] ?? reason["Loss Reason"]) as? String ?? r
                error = EmberError(r == "FetchFailed" ? .fetchFailed : (r == "ExecutorLostFailure" ? .executor : .execution), message)
            }
            let m = o["Task Metrics"] as? [String: Any] ?? [:]
            var metrics = TaskMetrics()
            metrics.durationNanos = UInt64(Swift.max(0, int64(m["Executor Run Time"]))) * 1_000_000
            metrics.peakExecutionMemory = int64(m["Peak Execution Memory"])
            metrics.diskBytesSpilled = int64(m["Disk Bytes Spilled"])
            let input = m["Input Metrics"] as? [String: Any] ?? [:]
            metrics.inputBytes = int64(input["Bytes Read"])
            metrics.inputRows = int64(input["Records Read"])
            let read = m["Shuffle Read Metrics"] as? [String: Any] ?? [:]
            metrics.shuffleReadBytes = int64(read["Local Bytes Read"])
            metrics.shuffleReadRows = int64(read["Total Records Read"])
            let write = m["Shuffle Write Metrics"] as? [String: Any] ?? [:]
            metrics.shuffleWriteBytes = int64(write["Shuffle Bytes Written"])
            metrics.shuffleWriteRows = int64(write["Shuffle Records Written"])
            metrics.executorPeakRSS = int64(m["Executor Peak RSS"])
            if let heavy = m["Ember Heavy Key"] as? [String: Any], let key = heavy["Key"] as? String {
                metrics.heavyKey = HeavyKey(key: key, rows: int64(heavy["Rows"]), partitionRows: int64(heavy["Partition Rows"]))
            }
            return .taskEnd(info(o), error: error, metrics: metrics)
        case "SparkListenerExecutorAdded":
            let i = o["Executor Info"] as? [String: Any] ?? [:]
            return .executorAdded(executor: o["Executor ID"] as? String ?? "", host: i["Host"] as? String ?? "", cores: int(i["Total Cores"]),
                                  time: seconds(o["Timestamp"]))
        case "SparkListenerExecutorRemoved":
            return .executorRemoved(executor: o["Executor ID"] as? String ?? "", reason: o["Removed Reason"] as? String ?? "",
                                    exitCode: (o["Exit Code"] as? NSNumber).map { Int32($0.intValue) },
                                    signal: (o["Signal"] as? NSNumber).map { Int32($0.intValue) },
                                    killedByDriver: o["Killed By Driver"] as? Bool ?? false, time: seconds(o["Timestamp"]))
        case "EmberRootCauseReport":
            return .rootCauseReport(RootCauseReport(eventObject: o), time: seconds(o["Timestamp"]))
        case "SparkListenerExecutorExcluded":
            return .executorExcluded(executor: o["Executor ID"] as? String ?? "", reason: o["Reason"] as? String ?? "", time: seconds(o["Timestamp"]))
        default:
            return nil
        }
    }

    static func info(_ o: [String: Any]) -> TaskEventInfo {
        let i = o["Task Info"] as? [String: Any] ?? [:]
        let locality = TaskLocality.allCases.first { $0.description == i["Locality"] as? String } ?? .any
        return TaskEventInfo(taskId: int(i["Task ID"]), stage: int(o["Stage ID"]), stageAttempt: int(o["Stage Attempt ID"]),
                             partition: int(i["Index"]), attempt: int(i["Attempt"]), executor: i["Executor ID"] as? String ?? "",
                             locality: locality, launchTime: seconds(i["Launch Time"]), finishTime: seconds(i["Finish Time"]),
                             plannedInputBytes: (i["Ember Planned Input Bytes"] as? NSNumber)?.int64Value)
    }
}

/// `ember history`: serves a finished application's UI and REST API from its event log.
public final class HistoryServer: Sendable {
    private let server: UIServer
    public let url: String
    public let appId: String

    public init(eventLog: String, port: UInt16 = 18080) throws {
        let store = try EventLogReader.load(eventLog)
        appId = store.snapshot.appId
        server = try UIServer(store: store, preferred: port)
        url = server.url
    }

    public func stop() { server.stop() }
}
