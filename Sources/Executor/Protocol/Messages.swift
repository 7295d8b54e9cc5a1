// Messages between the driver and executor processes. Each message is one frame (see
// FrameConnection); the JSON part carries the message, the binary part carries result batches.
//
//   executor → driver: register (first, with the application secret), statusUpdate, heartbeat
//   driver → executor: registered, launchTask, killTask, shutdown

import Planner
import Shuffle

/// Which shuffle's rows a skewed reduce task should summarize, and by which partitioning keys.
package struct KeySummaryRequest: Sendable, Codable, Hashable {
    package var shuffleId: ShuffleID
    /// The exchange's hash-partitioning keys, bound to the shuffle's schema.
    package var keys: [BoundExpression]
    /// How the keys are shown (e.g. "k").
    package var keyNames: [String]
    package init(shuffleId: ShuffleID, keys: [BoundExpression], keyNames: [String]) {
        self.shuffleId = shuffleId
        self.keys = keys
        self.keyNames = keyNames
    }
}

/// Faults the driver asks one task attempt to suffer (FaultInjection in the session config).
package struct TaskFaults: Sendable, Codable, Hashable {
    /// Fail the attempt (as a task error that counts toward task.maxFailures).
    package var fail = false
    /// Sleep this long before running.
    package var delayMillis = 0
    /// Refuse memory reservations beyond this many bytes.
    package var memoryLimit: Int? = nil
    /// The attempt's shuffle files are written to /dev/full: every write fails with ENOSPC.
    package var fullDisk = false
    /// Sleep this long before passing on each input batch (a straggler that can still be killed).
    package var millisPerBatch = 0
    /// Make the first attempt to send the status fail (as a status too large for a frame would).
    package var unsendableStatus = false
    /// Fail the attempt after its pipeline finished (a late failure, as of a commit).
    package var failAtEnd = false
    package init() {}
    package var isEmpty: Bool { !fail && delayMillis == 0 && memoryLimit == nil && !fullDisk && millisPerBatch == 0 && !unsendableStatus && !failAtEnd }
}

/// A stage attempt, as the key of its plan on an executor.
package struct StagePlanKey: Sendable, Codable, Hashable {
    package var stage: StageID
    package var attempt: Int
    package init(stage: StageID, attempt: Int) {
        self.stage = stage
        self.attempt = attempt
    }
}

/// Everything an executor needs to run one task attempt.
package struct TaskDescription: Sendable, Codable {
    package var taskId: TaskID
    package var stageId: StageID
    package var stageAttempt: Int
    package var partition: Int
    package var attempt: Int
    /// The stage's operator tree (file scans without their splits). On the wire, when `planKey` is
    /// set, the plan travelled ahead once per executor and stage attempt (`stagePlan`), and this
    /// is `TaskDescription.planSentAhead` until the executor puts the plan back.
    package var plan: PhysicalPlan
    package var planKey: StagePlanKey? = nil
    /// What `plan` holds on the wire while the plan travels ahead (an empty range: a few bytes).
    package static let planSentAhead = PhysicalPlan.range(RangeSpec(start: 0, end: 0, step: 1, numPartitions: 1))
    package var output: StageOutput
    /// What the task reads, per leaf of the plan.
    package var inputs: [TaskInput]
    package var compressionLevel: Int32
    package var faults = TaskFaults()
    /// Set by the driver for a reduce partition far larger than its siblings: summarize its keys.
    package var keySummary: KeySummaryRequest? = nil
    /// A result larger than this (encoded bytes) goes to a result file instead of the status frame
    /// (Spark's spark.task.maxDirectResultSize).
    package var maxDirectResultSize = 1 << 20

    package init(taskId: TaskID, stageId: StageID, stageAttempt: Int, partition: Int, attempt: Int, plan: PhysicalPlan,
                output: StageOutput, inputs: [TaskInput], compressionLevel: Int32 = 1) {
        self.taskId = taskId
        self.stageId = stageId
        self.stageAttempt = stageAttempt
        self.partition = partition
        self.attempt = attempt
        self.plan = plan
        self.output = output
        self.inputs = inputs
        self.compressionLevel = compressionLevel
    }

    /// "task 3.0 in stage 1.0" as Spark names attempts.
    package var displayName: String { "task \(partition).\(attempt) in stage \(stageId).\(stageAttempt) (TID \(taskId))" }
}

package enum TaskState: String, Sendable, Codable {
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"
}

package struct TaskStatus: Sendable, Codable {
    package var taskId: TaskID
    package var executorId: ExecutorID
    package var state: TaskState
    /// For shuffle map tasks: the map output they committed.
    package var mapStatus: MapStatus?
    /// For result tasks: number of encoded batches (in the frame's binary part, or in `resultFile`).
    package var resultBatches: Int
    /// For result tasks whose result was too large for the frame: the file that holds it.
    package var resultFile: ResultFileRef? = nil
    /// For result tasks: encoded bytes of the whole result (Spark's serialized result size).
    package var resultBytes: Int64 = 0
    /// Why the task did not finish (nil when it did).
    package var failure: TaskFailureReason?
    /// The failure as people read it.
    package var error: EmberError? { failure?.error }
    package var metrics: TaskMetrics
    /// Partitions this task cached (cache/persist).
    package var cachedBlocks: [CachedBlockInfo] = []
    /// The executor's cached blocks when the task ended (evictions tell the driver this way).
    package var storage: StorageReport? = nil
    package init(taskId: TaskID, executorId: ExecutorID, state: TaskState, mapStatus: MapStatus? = nil, resultBatches: Int = 0,
                failure: TaskFailureReason? = nil, metrics: TaskMetrics) {
        self.taskId = taskId
        self.executorId = executorId
        self.state = state
        self.mapStatus = mapStatus
        self.resultBatches = resultBatches
        self.failure = failure
        self.metrics = metrics
    }
}

package struct ExecutorRegistration: Sendable, Codable {
    package var secret: String
    package var executorId: ExecutorID
    package var pid: Int32
    package var host: String
    package var cores: Int
    package init(secret: String, executorId: ExecutorID, pid: Int32, host: String, cores: Int) {
        self.secret = secret
        self.executorId = executorId
        self.pid = pid
        self.host = host
        self.cores = cores
    }
}

package enum ExecutorMessage: Sendable, Codable {
    case register(ExecutorRegistration)
    case statusUpdate(TaskStatus)
    case heartbeat(ExecutorID, runningTasks: [TaskID])
}

package enum DriverMessage: Sendable, Codable {
    case registered
    case launchTask(TaskDescription)
    /// A stage attempt's operator tree, sent to an executor before its first task of that attempt.
    case stagePlan(StagePlanKey, PhysicalPlan)
    /// Stage attempts whose plans the executor may drop (their job ended).
    case forgetStagePlans([StagePlanKey])
    /// Stop a running task attempt at its next batch boundary, for this reason.
    case killTask(TaskID, reason: String)
    /// Drop every block of a cached DataFrame (unpersist).
    case removeCache(Int)
    case shutdown
}

/// Environment variables through which the driver configures an executor process.
package enum ExecutorEnvironment {
    /// Set (to "1") in an executor process; a program that re-executes itself checks it first.
    package static let role = "EMBER_EXECUTOR"
    package static let driverAddress = "EMBER_DRIVER_ADDRESS"
    package static let secret = "EMBER_APP_SECRET"
    package static let executorId = "EMBER_EXECUTOR_ID"
    package static let cores = "EMBER_EXECUTOR_CORES"
    package static let memory = "EMBER_EXECUTOR_MEMORY"
    package static let localDir = "EMBER_LOCAL_DIR"
    package static let heartbeatInterval = "EMBER_HEARTBEAT_INTERVAL_MS"
    /// How long the executor waits to be registered (connect, register, the driver's reply).
    package static let registrationTimeout = "EMBER_REGISTRATION_TIMEOUT_MS"
}
