// SparkEventJSON: one scheduler event as one line of Spark's event log (JsonProtocol's form), so
// Spark's own History Server lists Ember's applications and shows their jobs, stages, tasks and
// executors. Every event is written here, and only here.
//
// Spark's parser needs more than Ember's events carry, so the encoder keeps what later lines
// repeat: the stages of each job (StageCompleted restates the whole StageInfo, or Spark takes the
// stage for skipped; TaskEnd names its Task Type) and each executor's host (Task Info's "Host").
// Fields Ember does not measure (CPU time, GC time, deserialization, remote reads…) are written as 0.
//
// Ember's own fields ride along under keys Spark's JsonProtocol never reads, so it ignores them:
// "Ember Planned Input Bytes" (Task Info), "Executor Peak RSS" and "Ember Heavy Key" (Task Metrics),
// "Exit Code", "Signal", "Killed By Driver" and "Ember Loss Kind" (ExecutorRemoved), "Ember Executor ID" and "Ember File" (FetchFailed), "Ember Reason" (an ExceptionFailure that is a missing cached block), "Code" (a failed job's
// Exception), "Ember Reason" (ExecutorExcluded), and the whole "EmberRootCauseReport" event (an
// event class Spark does not know is dropped). EventLogReader reads all of them back.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct SparkEventJSON {
    /// The Spark release whose event log format this follows (SparkListenerLogStart's "Spark Version").
    static let formatVersion = "4.0.0"

    /// The user who runs the driver (ApplicationStart's "User", shown as the app's Spark user).
    let user: String

    /// The first line of every log.
    static var logStart: OrderedJSON {
        ["Event": "SparkListenerLogStart", "Spark Version": .string(formatVersion), "Ember Writer": "Ember"]
    }

    /// SparkListenerEnvironmentUpdate (Spark's pages read it): the session's settings under Spark's
    /// property names. Ember runs no JVM, and its runtime fields say so.
    static func environment(_ config: SessionConfig, appId: String) -> OrderedJSON {
        guard case .local(let executors, let cores, let memory) = config.master else { return [:] }
        let megabytes = memory >> 20
        let properties: [(String, String)] = [
            ("spark.app.id", appId), ("spark.app.name", config.appName),
            ("spark.master", "local-cluster[\(executors),\(cores),\(megabytes)]"),
            ("spark.executor.instances", String(executors)), ("spark.executor.cores", String(cores)),
            ("spark.executor.memory", "\(megabytes)m"), ("spark.scheduler.mode", "FIFO"),
            ("spark.sql.shuffle.partitions", String(config.effectiveShufflePartitions)),
            ("spark.sql.autoBroadcastJoinThreshold", String(config.autoBroadcastJoinThreshold)),
            ("spark.sql.join.preferSortMergeJoin", String(config.preferSortMergeJoin)),
            ("spark.sql.files.maxPartitionBytes", String(config.maxPartitionBytes)),
            ("spark.sql.sources.default", config.defaultDataSource),
            ("spark.task.maxFailures", String(config.taskMaxFailures)),
            ("spark.stage.maxConsecutiveAttempts", String(config.stageMaxConsecutiveAttempts)),
            ("spark.shuffle.service.enabled", String(config.shuffleServiceEnabled)),
            ("spark.dynamicAllocation.enabled", String(config.dynamicAllocation.enabled)),
            ("spark.speculation", String(config.speculation)),
            ("spark.excludeOnFailure.enabled", String(config.excludeOnFailureEnabled)),
            ("spark.eventLog.enabled", "true"), ("spark.eventLog.dir", config.eventLogDir ?? ""),
        ]
        return ["Event": "SparkListenerEnvironmentUpdate",
                "JVM Information": ["Java Version": "none (Ember runs natively, in Swift)", "Java Home": "", "Scala Version": ""],
                "Spark Properties": .object(properties.map { ($0.0, .string($0.1)) }),
                "Hadoop Properties": [:], "System Properties": [:], "Metrics Properties": [:], "Classpath Entries": [:]]
    }

    private struct Submitted {
        var name: String
        var numTasks: Int
        var time: Double
    }
    /// Stages of the running jobs, by stage id, and each job's stage ids.
    private var jobStages: [Int: JobStageInfo] = [:]
    private var stagesOfJob: [Int: [Int]] = [:]
    /// Each started task's type, by task id, until it ends: a task can end after its job did
    /// (killed once the job no longer needed it), when its stage is no longer known.
    private var taskTypes: [Int: OrderedJSON] = [:]
    /// Submitted stage attempts, by "stage.attempt", until they complete.
    private var submitted: [String: Submitted] = [:]
    private var hosts: [String: String] = [:]

    init(user: String) { self.user = user }

    /// Milliseconds since the epoch, as every time in the log (and the REST API) is written.
    /// Times beyond Int64's range (only a damaged log could hold one) saturate.
    static func millis(_ seconds: Double) -> Int64 {
        let millis = (seconds * 1000).rounded()
        if millis.isNaN { return 0 }
        if millis >= Double(Int64.max) { return .max }
        if millis <= Double(Int64.min) { return .min }
        return Int64(millis)
    }

    mutating func encode(_ event: SchedulerEvent) -> OrderedJSON {
        switch event {
        case .applicationStart(let id, let name, let t):
            return ["Event": "SparkListenerApplicationStart", "App Name": .string(name), "App ID": .string(id),
                    "Timestamp": .int(Self.millis(t)), "User": .string(user)]
        case .applicationEnd(let t):
            return ["Event": "SparkListenerApplicationEnd", "Timestamp": .int(Self.millis(t))]
        case .jobStart(let job, let stages, let t):
            for stage in stages { jobStages[stage.id] = stage }
            stagesOfJob[job] = stages.map(\.id)
            return ["Event": "SparkListenerJobStart", "Job ID": .int(job), "Submission Time": .int(Self.millis(t)),
                    "Stage Infos": .array(stages.map { stageInfo(id: $0.id, attempt: 0, name: $0.name, numTasks: $0.numTasks ?? 0) }),
                    "Stage IDs": .array(stages.map { .int($0.id) }), "Properties": [:]]
        case .jobEnd(let job, let error, let t):
            for stage in stagesOfJob.removeValue(forKey: job) ?? [] { jobStages[stage] = nil }
            var result: OrderedJSON = ["Result": "JobSucceeded"]
            if let error {
                result = ["Result": "JobFailed",
                          "Exception": ["Message": .string(error.message), "Stack Trace": [], "Code": .string(error.code.rawValue)]]
            }
            return ["Event": "SparkListenerJobEnd", "Job ID": .int(job), "Completion Time": .int(Self.millis(t)), "Job Result": result]
        case .stageSubmitted(let stage, let attempt, let name, let tasks, let t):
            submitted[AppStatusStore.key(stage, attempt)] = Submitted(name: name, numTasks: tasks, time: t)
            return ["Event": "SparkListenerStageSubmitted",
                    "Stage Info": stageInfo(id: stage, attempt: attempt, name: name, numTasks: tasks, submitted: t),
                    "Properties": [:]]
        case .stageCompleted(let stage, let attempt, let failure, let t):
            let s = submitted.removeValue(forKey: AppStatusStore.key(stage, attempt))
            return ["Event": "SparkListenerStageCompleted",
                    "Stage Info": stageInfo(id: stage, attempt: attempt, name: s?.name ?? jobStages[stage]?.name ?? "",
                                            numTasks: s?.numTasks ?? 0, submitted: s?.time, completed: t, failure: failure)]
        case .taskStart(let i):
            taskTypes[i.taskId] = jobStages[i.stage]?.isShuffleMap == false ? "ResultTask" : "ShuffleMapTask"
            return ["Event": "SparkListenerTaskStart", "Stage ID": .int(i.stage), "Stage Attempt ID": .int(i.stageAttempt),
                    "Task Info": taskInfo(i, ended: nil)]
        case .taskEnd(let i, let failure, let m):
            return ["Event": "SparkListenerTaskEnd", "Stage ID": .int(i.stage), "Stage Attempt ID": .int(i.stageAttempt),
                    "Task Type": taskTypes.removeValue(forKey: i.taskId) ?? (jobStages[i.stage]?.isShuffleMap == false ? "ResultTask" : "ShuffleMapTask"),
                    "Task End Reason": endReason(failure), "Task Info": taskInfo(i, ended: failure),
                    "Task Metrics": Self.taskMetrics(m)]
        case .executorAdded(let id, let host, let cores, let t):
            hosts[id] = host
            return ["Event": "SparkListenerExecutorAdded", "Timestamp": .int(Self.millis(t)), "Executor ID": .string(id),
                    "Executor Info": ["Host": .string(host), "Total Cores": .int(cores), "Log Urls": [:], "Attributes": [:],
                                      "Resources": [:], "Resource Profile Id": 0]]
        case .executorRemoved(let id, let reason, let kind, let exit, let signal, let byDriver, let t):
            var line: OrderedJSON = ["Event": "SparkListenerExecutorRemoved", "Timestamp": .int(Self.millis(t)), "Executor ID": .string(id),
                                     "Removed Reason": .string(reason), "Killed By Driver": .bool(byDriver), "Ember Loss Kind": .string(kind.rawValue)]
            if let exit { line = line.appending([("Exit Code", .int(exit))]) }
            if let signal { line = line.appending([("Signal", .int(signal))]) }
            return line
        case .executorExcluded(let id, let reason, let t):
            // Spark writes this event through Jackson: its full class name and camelCase fields.
            return ["Event": "org.apache.spark.scheduler.SparkListenerExecutorExcluded", "time": .int(Self.millis(t)),
                    "executorId": .string(id), "Ember Reason": .string(reason)]
        case .rootCauseReport(let report, let t):
            return ["Event": "EmberRootCauseReport", "Timestamp": .int(Self.millis(t)), "Job ID": .int(report.jobId),
                    "Job Failed": .bool(report.jobFailed),
                    "Findings": .array(report.findings.map {
                        ["Cause": .string($0.cause), "Component": .string($0.component),
                         "Evidence": .array($0.evidence.map { .string($0) }), "Fix": .string($0.fix)]
                    })]
        }
    }

    /// Spark's StageInfo. Ember has no RDDs, accumulators or call sites: those are empty.
    private func stageInfo(id: Int, attempt: Int, name: String, numTasks: Int, submitted: Double? = nil, completed: Double? = nil,
                           failure: String? = nil) -> OrderedJSON {
        var fields: [(String, OrderedJSON)] = [
            ("Stage ID", .int(id)), ("Stage Attempt ID", .int(attempt)), ("Stage Name", .string(name)), ("Number of Tasks", .int(numTasks)),
            ("RDD Info", []), ("Parent IDs", .array((jobStages[id]?.parents ?? []).map { .int($0) })), ("Details", ""),
        ]
        if let submitted { fields.append(("Submission Time", .int(Self.millis(submitted)))) }
        if let completed { fields.append(("Completion Time", .int(Self.millis(completed)))) }
        if let failure { fields.append(("Failure Reason", .string(failure))) }
        fields += [("Accumulables", []), ("Resource Profile Id", 0), ("Shuffle Push Enabled", false), ("Shuffle Push Mergers Count", 0)]
        return .object(fields)
    }

    /// Spark's TaskInfo (`ended`: how the task ended, nil if it did not or succeeded). "Failed",
    /// "Killed" and a non-zero "Finish Time" make Spark show the task as FAILED, KILLED or SUCCESS;
    /// "Index" and "Partition ID" are both the partition.
    private func taskInfo(_ i: TaskEventInfo, ended failure: TaskFailureReason?) -> OrderedJSON {
        let killed = failure?.isKilled == true
        return ["Task ID": .int(i.taskId), "Index": .int(i.partition), "Attempt": .int(i.attempt), "Partition ID": .int(i.partition),
                "Launch Time": .int(Self.millis(i.launchTime)), "Executor ID": .string(i.executor), "Host": .string(hosts[i.executor] ?? "localhost"),
                "Locality": .string(i.locality.description), "Speculative": false, "Getting Result Time": 0,
                "Finish Time": .int(Self.millis(i.finishTime)), "Failed": .bool(failure != nil && !killed), "Killed": .bool(killed), "Accumulables": [],
                "Ember Planned Input Bytes": .optional(i.plannedInputBytes)]
    }

    /// Spark's TaskEndReason for how a task ended. A missing cached block and an out-of-memory
    /// error are Spark ExceptionFailures; "Ember Reason" and the cache's fields let Ember read them back.
    private func endReason(_ failure: TaskFailureReason?) -> OrderedJSON {
        guard let failure else { return ["Reason": "Success"] }
        switch failure {
        case .fetchFailed(let f):
            // No "Block Manager Address": Ember has no block managers serving shuffle blocks, and
            // Spark's History Server fails its job pages on a made-up one.
            return ["Reason": "FetchFailed",
                    "Shuffle ID": .int(f.shuffleId.value), "Map ID": .int(f.mapId.value), "Map Index": .int(f.mapIndex),
                    "Reduce ID": .int(f.reduceId), "Message": .string(f.error.message),
                    "Ember Executor ID": .string(f.executorId.value), "Ember File": .string(f.file)]
        case .taskKilled(let reason):
            return ["Reason": "TaskKilled", "Kill Reason": .string(reason), "Accumulator Updates": []]
        case .executorLost(let executor, let causedByApp, let message):
            return ["Reason": "ExecutorLostFailure", "Executor ID": .string(executor.value), "Exit Caused By App": .bool(causedByApp),
                    "Loss Reason": .string(message)]
        case .cacheBlockMissing(let missing):
            return Self.exceptionFailure(missing.error).appending([("Ember Reason", "CacheBlockMissing"), ("Ember Cache ID", .int(missing.cacheId)),
                                                                    ("Ember Partition", .int(missing.partition)),
                                                                    ("Ember Executor ID", .string(missing.executorId.value))])
        case .outOfMemory(let error), .exception(let error):
            return Self.exceptionFailure(error)
        }
    }

    /// Spark's ExceptionFailure for an EmberError (its class name carries the code).
    private static func exceptionFailure(_ error: EmberError) -> OrderedJSON {
        let className = exceptionClassPrefix + error.code.rawValue
        return ["Reason": "ExceptionFailure", "Class Name": .string(className), "Description": .string(error.message),
                "Stack Trace": [], "Full Stack Trace": .string(className + ": " + error.message), "Accumulator Updates": []]
    }

    /// How an ExceptionFailure's class names an EmberError's code.
    static let exceptionClassPrefix = "EmberError."

    /// Spark's TaskMetrics, every group present (Spark's parser needs them).
    static func taskMetrics(_ m: TaskMetrics) -> OrderedJSON {
        ["Executor Deserialize Time": 0, "Executor Deserialize CPU Time": 0, "Executor Run Time": .int(m.durationNanos / 1_000_000),
         "Executor CPU Time": 0, "Peak Execution Memory": .int(m.peakExecutionMemory), "Result Size": 0, "JVM GC Time": 0,
         "Result Serialization Time": 0,
         "Memory Bytes Spilled": .int(m.memoryBytesSpilled),
         "Disk Bytes Spilled": .int(m.diskBytesSpilled),
         "Shuffle Read Metrics": ["Remote Blocks Fetched": 0, "Local Blocks Fetched": .int(m.shuffleBlocksFetched), "Fetch Wait Time": 0,
                                  "Remote Bytes Read": 0, "Remote Bytes Read To Disk": 0, "Local Bytes Read": .int(m.shuffleReadBytes),
                                  "Total Records Read": .int(m.shuffleReadRows), "Remote Requests Duration": 0],
         "Shuffle Write Metrics": ["Shuffle Bytes Written": .int(m.shuffleWriteBytes), "Shuffle Write Time": 0,
                                   "Shuffle Records Written": .int(m.shuffleWriteRows)],
         "Input Metrics": ["Bytes Read": .int(m.inputBytes), "Records Read": .int(m.inputRows),
                           "Ember Row Groups Read": .int(m.rowGroupsRead), "Ember Row Groups Skipped": .int(m.rowGroupsSkipped)],
         "Output Metrics": ["Bytes Written": .int(m.outputBytes), "Records Written": .int(m.outputFiles > 0 ? m.outputRows : 0),
                            "Ember Files Written": .int(Int64(m.outputFiles))],
         "Updated Blocks": [],
         "Executor Peak RSS": .int(m.executorPeakRSS),
         "Ember Heavy Key": m.heavyKey.map { ["Key": .string($0.key), "Rows": .int($0.rows), "Partition Rows": .int($0.partitionRows)] } ?? .null]
    }
}
