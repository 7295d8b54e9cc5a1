// EventLogReader: reads an event log (JSON lines in Spark's format, written by EventLogWriter) back
// into scheduler events, so `ember history <event log>` can serve an application's UI and REST API.
// It reads the logs named as Spark names them (`<appId>`, `<appId>.inprogress`) and the older
// `<appId>.jsonl` logs alike, and skips the events it has no use for (SparkListenerLogStart).
// A log is input from outside: every size, duration and code in it is range-checked before any
// arithmetic, and a value out of range is an error naming the line, not a crash.

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

public enum EventLogReader {
    /// Replays an event log into a fresh status store.
    static func load(_ requested: String) throws -> AppStatusStore {
        let path = existing(requested)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EmberError(.input, "cannot read the event log", context: [.init("file", requested)],
                             hint: "event logs are <tmp>/ember-events-<uid>/<appId> (<appId>.inprogress while the application runs) "
                                 + "unless SessionConfig.eventLogDir says otherwise")
        }
        var maxMemory: Int64 = 0
        let store = AppStatusStore(maxMemory: 0, metrics: nil)
        for (n, line) in text.split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw EmberError(.input, "line \(n + 1) of the event log is not a JSON object", context: [.init("file", path), .init("line", String(n + 1))])
            }
            do {
                if let event = try event(object) { store.onEvent(event) }
            } catch let error as EmberError {
                throw error.with("file", path).with("line", String(n + 1))
            }
            maxMemory = Swift.max(maxMemory, 0)
        }
        return store
    }

    /// The log at `path`, or under the name it has since taken: a running application's
    /// `<appId>.inprogress` becomes `<appId>` when it ends.
    static func existing(_ path: String) -> String {
        let suffix = EventLogWriter.inProgressSuffix
        let other = path.hasSuffix(suffix) ? String(path.dropLast(suffix.count)) : path + suffix
        return !FileManager.default.fileExists(atPath: path) && FileManager.default.fileExists(atPath: other) ? other : path
    }

    /// A time in milliseconds since the epoch (0 when absent), in seconds: range-checked like an amount.
    static func seconds(_ v: Any?, _ field: String) throws -> Double { Double(try amount(v, field)) / 1000 }
    /// The failure a Spark TaskEndReason describes (nil for Success); see SparkEventJSON.endReason.
    static func failureReason(_ reason: [String: Any]) -> TaskFailureReason? {
        guard let kind = reason["Reason"] as? String, kind != "Success" else { return nil }
        switch kind {
        case "FetchFailed":
            let message = reason["Message"] as? String ?? kind
            return .fetchFailed(FetchFailure(shuffleId: ShuffleID(int(reason["Shuffle ID"])), mapId: TaskID(int(reason["Map ID"])),
                                             mapIndex: int(reason["Map Index"]), reduceId: int(reason["Reduce ID"]),
                                             executorId: ExecutorID(reason["Ember Executor ID"] as? String ?? "?"),
                                             file: reason["Ember File"] as? String ?? "?", error: EmberError(.fetchFailed, message)))
        case "TaskKilled":
            return .taskKilled(reason: reason["Kill Reason"] as? String ?? kind)
        case "ExecutorLostFailure":
            return .executorLost(executor: ExecutorID(reason["Executor ID"] as? String ?? "?"),
                                 causedByApp: reason["Exit Caused By App"] as? Bool ?? true, message: reason["Loss Reason"] as? String ?? kind)
        default:
            if reason["Ember Reason"] as? String == "CacheBlockMissing" {
                return .cacheBlockMissing(CacheBlockMissing(cacheId: int(reason["Ember Cache ID"]), partition: int(reason["Ember Partition"]),
                                                            executorId: ExecutorID(reason["Ember Executor ID"] as? String ?? "?")))
            }
            let className = reason["Class Name"] as? String ?? ""
            let code = className.hasPrefix(SparkEventJSON.exceptionClassPrefix)
                ? ErrorCode(rawValue: String(className.dropFirst(SparkEventJSON.exceptionClassPrefix.count))) ?? .execution : .execution
            let error = EmberError(code, reason["Description"] as? String ?? kind)
            return code == .outOfMemory ? .outOfMemory(error) : .exception(error)
        }
    }

    static func int(_ v: Any?) -> Int { (v as? NSNumber)?.intValue ?? Int(v as? String ?? "") ?? 0 }

    /// Sizes, counts, durations and times are whole numbers below 2^48 (256 TiB, or 8,900 years in
    /// ms): so converting units cannot overflow (totals over many tasks saturate, SaturatingSum).
    static let maxAmount = Double(Int64(1) << 48)

    /// A size, count or duration (0 when absent).
    static func amount(_ v: Any?, _ field: String) throws -> Int64 {
        guard let v else { return 0 }
        guard let n = v as? NSNumber, n.doubleValue >= 0, n.doubleValue < maxAmount, n.doubleValue.rounded() == n.doubleValue else {
            throw EmberError(.input, "the event log's \(field) is out of range: \(v)",
                             hint: "the log is damaged or was not written by Ember; sizes, durations and times must be whole numbers from 0 to 2^48")
        }
        return n.int64Value
    }

    /// An exit code or signal number.
    static func code(_ v: Any?, _ field: String) throws -> Int32? {
        guard let v else { return nil }
        guard let n = v as? NSNumber, let code = Int32(exactly: n.doubleValue) else {
            throw EmberError(.input, "the event log's \(field) is not an exit code or signal number: \(v)",
                             hint: "the log is damaged or was not written by Ember")
        }
        return code
    }

    static func event(_ o: [String: Any]) throws -> SchedulerEvent? {
        switch o["Event"] as? String {
        case "SparkListenerApplicationStart":
            return .applicationStart(appId: o["App ID"] as? String ?? "", appName: o["App Name"] as? String ?? "", time: try seconds(o["Timestamp"], "Timestamp"))
        case "SparkListenerApplicationEnd": return .applicationEnd(time: try seconds(o["Timestamp"], "Timestamp"))
        case "SparkListenerJobStart":
            let infos = Dictionary((o["Stage Infos"] as? [[String: Any]] ?? []).map { (int($0["Stage ID"]), $0) }) { a, _ in a }
            let ids = (o["Stage IDs"] as? [Any] ?? []).map { int($0) }
            let parents = ids.map { id in (infos[id]?["Parent IDs"] as? [Any] ?? []).map { int($0) } }
            let shuffleMapStages = Set(parents.joined())   // a stage some other stage reads from
            let stages = try zip(ids, parents).map { id, stageParents in
                JobStageInfo(id: id, name: infos[id]?["Stage Name"] as? String ?? "",
                             numTasks: try infos[id]?["Number of Tasks"].map { Int(try amount($0, "Number of Tasks")) }, parents: stageParents,
                             isShuffleMap: shuffleMapStages.contains(id))
            }
            return .jobStart(job: int(o["Job ID"]), stages: stages, time: try seconds(o["Submission Time"], "Submission Time"))
        case "SparkListenerJobEnd":
            let result = o["Job Result"] as? [String: Any] ?? [:]
            let failure = (result["Exception"] as? [String: Any])?["Message"] as? String
            return .jobEnd(job: int(o["Job ID"]), error: failure.map { EmberError(.execution, $0) }, time: try seconds(o["Completion Time"], "Completion Time"))
        case "SparkListenerStageSubmitted":
            let i = o["Stage Info"] as? [String: Any] ?? [:]
            return .stageSubmitted(stage: int(i["Stage ID"]), attempt: int(i["Stage Attempt ID"]), name: i["Stage Name"] as? String ?? "",
                                   tasks: Int(try amount(i["Number of Tasks"], "Number of Tasks")),
                                   time: try seconds(i["Submission Time"], "Submission Time"))
        case "SparkListenerStageCompleted":
            let i = o["Stage Info"] as? [String: Any] ?? [:]
            return .stageCompleted(stage: int(i["Stage ID"]), attempt: int(i["Stage Attempt ID"]), failure: i["Failure Reason"] as? String,
                                   time: try seconds(i["Completion Time"], "Completion Time"))
        case "SparkListenerTaskStart":
            return .taskStart(try info(o))
        case "SparkListenerTaskEnd":
            let failure = Self.failureReason(o["Task End Reason"] as? [String: Any] ?? [:])
            let m = o["Task Metrics"] as? [String: Any] ?? [:]
            var metrics = TaskMetrics()
            let runMillis = try amount(m["Executor Run Time"], "Executor Run Time")
            let (runNanos, overflow) = UInt64(runMillis).multipliedReportingOverflow(by: 1_000_000)
            if overflow { throw EmberError(.input, "the event log's Executor Run Time is out of range: \(runMillis)") }
            metrics.durationNanos = runNanos
            metrics.peakExecutionMemory = try amount(m["Peak Execution Memory"], "Peak Execution Memory")
            metrics.diskBytesSpilled = try amount(m["Disk Bytes Spilled"], "Disk Bytes Spilled")
            metrics.memoryBytesSpilled = try amount(m["Memory Bytes Spilled"], "Memory Bytes Spilled")
            let input = m["Input Metrics"] as? [String: Any] ?? [:]
            metrics.inputBytes = try amount(input["Bytes Read"], "Bytes Read")
            metrics.inputRows = try amount(input["Records Read"], "Records Read")
            metrics.rowGroupsRead = try amount(input["Ember Row Groups Read"], "Ember Row Groups Read")
            metrics.rowGroupsSkipped = try amount(input["Ember Row Groups Skipped"], "Ember Row Groups Skipped")
            let read = m["Shuffle Read Metrics"] as? [String: Any] ?? [:]
            metrics.shuffleReadBytes = try amount(read["Local Bytes Read"], "Local Bytes Read")
            metrics.shuffleReadRows = try amount(read["Total Records Read"], "Total Records Read")
            metrics.shuffleBlocksFetched = Int(try amount(read["Local Blocks Fetched"], "Local Blocks Fetched"))
            let write = m["Shuffle Write Metrics"] as? [String: Any] ?? [:]
            metrics.shuffleWriteBytes = try amount(write["Shuffle Bytes Written"], "Shuffle Bytes Written")
            metrics.shuffleWriteRows = try amount(write["Shuffle Records Written"], "Shuffle Records Written")
            metrics.executorPeakRSS = try amount(m["Executor Peak RSS"], "Executor Peak RSS")
            let output = m["Output Metrics"] as? [String: Any] ?? [:]
            metrics.outputBytes = try amount(output["Bytes Written"], "Bytes Written")
            metrics.outputFiles = Int(try amount(output["Ember Files Written"], "Ember Files Written"))
            if metrics.outputFiles > 0 { metrics.outputRows = try amount(output["Records Written"], "Records Written") }
            if let heavy = m["Ember Heavy Key"] as? [String: Any], let key = heavy["Key"] as? String {
                metrics.heavyKey = HeavyKey(key: key, rows: try amount(heavy["Rows"], "Rows"),
                                            partitionRows: try amount(heavy["Partition Rows"], "Partition Rows"))
            }
            return .taskEnd(try info(o), failure: failure, metrics: metrics)
        case "SparkListenerExecutorAdded":
            let i = o["Executor Info"] as? [String: Any] ?? [:]
            return .executorAdded(executor: o["Executor ID"] as? String ?? "", host: i["Host"] as? String ?? "", cores: int(i["Total Cores"]),
                                  time: try seconds(o["Timestamp"], "Timestamp"))
        case "SparkListenerExecutorRemoved":
            let exitCode = try code(o["Exit Code"], "Exit Code"), signal = try code(o["Signal"], "Signal")
            return .executorRemoved(executor: o["Executor ID"] as? String ?? "", reason: o["Removed Reason"] as? String ?? "",
                                    kind: (o["Ember Loss Kind"] as? String).flatMap(ExecutorLossKind.init(rawValue:))
                                        ?? ExecutorLossKind(exitCode: exitCode, signal: signal),
                                    exitCode: exitCode, signal: signal,
                                    killedByDriver: o["Killed By Driver"] as? Bool ?? false, time: try seconds(o["Timestamp"], "Timestamp"))
        case "EmberRootCauseReport":
            return .rootCauseReport(RootCauseReport(eventObject: o), time: try seconds(o["Timestamp"], "Timestamp"))
        case "org.apache.spark.scheduler.SparkListenerExecutorExcluded":
            return .executorExcluded(executor: o["executorId"] as? String ?? "", reason: o["Ember Reason"] as? String ?? "", time: try seconds(o["time"], "time"))
        case "SparkListenerExecutorExcluded":   // logs written before Ember wrote Spark's form
            return .executorExcluded(executor: o["Executor ID"] as? String ?? "", reason: o["Reason"] as? String ?? "", time: try seconds(o["Timestamp"], "Timestamp"))
        default:
            return nil
        }
    }

    static func info(_ o: [String: Any]) throws -> TaskEventInfo {
        let i = o["Task Info"] as? [String: Any] ?? [:]
        let locality = TaskLocality.allCases.first { $0.description == i["Locality"] as? String } ?? .any
        return TaskEventInfo(taskId: int(i["Task ID"]), stage: int(o["Stage ID"]), stageAttempt: int(o["Stage Attempt ID"]),
                             partition: int(i["Index"]), attempt: int(i["Attempt"]), executor: i["Executor ID"] as? String ?? "",
                             locality: locality, launchTime: try seconds(i["Launch Time"], "Launch Time"), finishTime: try seconds(i["Finish Time"], "Finish Time"),
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
