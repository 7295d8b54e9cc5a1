// Messages between the driver and executor processes. Each message is one frame (see
// FrameConnection); the JSON part carries the message, the binary part carries result batches.
//
//   executor → driver: register (first, with the application secret), statusUpdate, heartbeat
//   driver → executor: registered, launchTask, killTask, shutdown

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

/// Which shuffle's rows a skewed reduce task should summarize, and by which partitioning keys.
@_spi(EmberInternal) public struct KeySummaryRequest: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var shuffleId: ShuffleID
    /// The exchange's hash-partitioning keys, bound to the shuffle's schema.
    @_spi(EmberInternal) public var keys: [BoundExpression]
    /// How the keys are shown (e.g. "k").
    @_spi(EmberInternal) public var keyNames: [String]
    @_spi(EmberInternal) public init(shuffleId: ShuffleID, keys: [BoundExpression], keyNames: [String]) {
        self.shuffleId = shuffleId
        self.keys = keys
        self.keyNames = keyNames
    }
}

/// Faults the driver asks one task attempt to suffer (FaultInjection in the session config).
@_spi(EmberInternal) public struct TaskFaults: Sendable, Codable, Hashable {
    /// Fail the attempt (as a task error that counts toward task.maxFailures).
    @_spi(EmberInternal) public var fail = false
    /// Sleep this long before running.
    @_spi(EmberInternal) public var delayMillis = 0
    /// Refuse memory reservations beyond this many bytes.
    @_spi(EmberInternal) public var memoryLimit: Int? = nil
    /// The attempt's shuffle files are written to /dev/full: every write fails with ENOSPC.
    @_spi(EmberInternal) public var fullDisk = false
    /// Sleep this long before passing on each input batch (a straggler that can still be killed).
    @_spi(EmberInternal) public var millisPerBatch = 0
    /// Make the first attempt to send the status fail (as a status too large for a frame would).
    @_spi(EmberInternal) public var unsendableStatus = false
    /// Fail the attempt after its pipeline finished (a late failure, as of a commit).
    @_spi(EmberInternal) public var failAtEnd = false
    @_spi(EmberInternal) public init() {}
    @_spi(EmberInternal) public var isEmpty: Bool { !fail && delayMillis == 0 && memoryLimit == nil && !fullDisk && millisPerBatch == 0 && !unsendableStatus && !failAtEnd }
}

/// A stage attempt, as the key of its plan on an executor.
@_spi(EmberInternal) public struct StagePlanKey: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var stage: StageID
    @_spi(EmberInternal) public var attempt: Int
    @_spi(EmberInternal) public init(stage: StageID, attempt: Int) {
        self.stage = stage
        self.attempt = attempt
    }
}

/// Everything an executor needs to run one task attempt.
@_spi(EmberInternal) public struct TaskDescription: Sendable, Codable {
    @_spi(EmberInternal) public var taskId: TaskID
    @_spi(EmberInternal) public var stageId: StageID
    @_spi(EmberInternal) public var stageAttempt: Int
    @_spi(EmberInternal) public var partition: Int
    @_spi(EmberInternal) public var attempt: Int
    /// The stage's operator tree (file scans without their splits). On the wire, when `planKey` is
    /// set, the plan travelled ahead once per executor and stage attempt (`stagePlan`), and this
    /// is `TaskDescription.planSentAhead` until the executor puts the plan back.
    @_spi(EmberInternal) public var plan: PhysicalPlan
    @_spi(EmberInternal) public var planKey: StagePlanKey? = nil
    /// What `plan` holds on the wire while the plan travels ahead (an empty range: a few bytes).
    @_spi(EmberInternal) public static let planSentAhead = PhysicalPlan.range(RangeSpec(start: 0, end: 0, step: 1, numPartitions: 1))
    @_spi(EmberInternal) public var output: StageOutput
    /// What the task reads, per leaf of the plan.
    @_spi(EmberInternal) public var inputs: [TaskInput]
    @_spi(EmberInternal) public var compressionLevel: Int32
    @_spi(EmberInternal) public var faults = TaskFaults()
    /// Set by the driver for a reduce partition far larger than its siblings: summarize its keys.
    @_spi(EmberInternal) public var keySummary: KeySummaryRequest? = nil
    /// A result larger than this (encoded bytes) goes to a result file instead of the status frame
    /// (Spark's spark.task.maxDirectResultSize).
    @_spi(EmberInternal) public var maxDirectResultSize = 1 << 20
    /// Final aggregates expecting at least this many rows partition them (RadixPartitions).
    @_spi(EmberInternal) public var aggregatePartitionMinRows = RadixPartitions.minExpectedRows
    /// Partial aggregates judge whether they reduce after this many rows (PartialBackOff).
    @_spi(EmberInternal) public var partialBackOffMinRows = PartialBackOff.minRows

    @_spi(EmberInternal) public init(taskId: TaskID, stageId: StageID, stageAttempt: Int, partition: Int, attempt: Int, plan: PhysicalPlan,
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
    @_spi(EmberInternal) public var displayName: String { "task \(partition).\(attempt) in stage \(stageId).\(stageAttempt) (TID \(taskId))" }
}

@_spi(EmberInternal) public enum TaskState: String, Sendable, Codable {
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"
}

@_spi(EmberInternal) public struct TaskStatus: Sendable, Codable {
    @_spi(EmberInternal) public var taskId: TaskID
    @_spi(EmberInternal) public var executorId: ExecutorID
    @_spi(EmberInternal) public var state: TaskState
    /// For shuffle map tasks: the map output they committed.
    @_spi(EmberInternal) public var mapStatus: MapStatus?
    /// For result tasks: number of encoded batches (in the frame's binary part, or in `resultFile`).
    @_spi(EmberInternal) public var resultBatches: Int
    /// For result tasks whose result was too large for the frame: the file that holds it.
    @_spi(EmberInternal) public var resultFile: ResultFileRef? = nil
    /// For result tasks: encoded bytes of the whole result (Spark's serialized result size).
    @_spi(EmberInternal) public var resultBytes: Int64 = 0
    /// For write tasks: the files the attempt wrote (the driver commits them).
    @_spi(EmberInternal) public var written: WriteTaskReport? = nil
    /// Why the task did not finish (nil when it did).
    @_spi(EmberInternal) public var failure: TaskFailureReason?
    /// The failure as people read it.
    @_spi(EmberInternal) public var error: EmberError? { failure?.error }
    @_spi(EmberInternal) public var metrics: TaskMetrics
    /// Partitions this task cached (cache/persist).
    @_spi(EmberInternal) public var cachedBlocks: [CachedBlockInfo] = []
    /// The executor's cached blocks when the task ended (evictions tell the driver this way).
    @_spi(EmberInternal) public var storage: StorageReport? = nil
    @_spi(EmberInternal) public init(taskId: TaskID, executorId: ExecutorID, state: TaskState, mapStatus: MapStatus? = nil, resultBatches: Int = 0,
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

@_spi(EmberInternal) public struct ExecutorRegistration: Sendable, Codable {
    @_spi(EmberInternal) public var secret: String
    @_spi(EmberInternal) public var executorId: ExecutorID
    @_spi(EmberInternal) public var pid: Int32
    @_spi(EmberInternal) public var host: String
    @_spi(EmberInternal) public var cores: Int
    @_spi(EmberInternal) public init(secret: String, executorId: ExecutorID, pid: Int32, host: String, cores: Int) {
        self.secret = secret
        self.executorId = executorId
        self.pid = pid
        self.host = host
        self.cores = cores
    }
}

@_spi(EmberInternal) public enum ExecutorMessage: Sendable, Codable {
    case register(ExecutorRegistration)
    case statusUpdate(TaskStatus)
    case heartbeat(ExecutorID, runningTasks: [TaskID])
}

@_spi(EmberInternal) public enum DriverMessage: Sendable, Codable {
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
@_spi(EmberInternal) public enum ExecutorEnvironment {
    /// Set (to "1") in an executor process; a program that re-executes itself checks it first.
    @_spi(EmberInternal) public static let role = "EMBER_EXECUTOR"
    @_spi(EmberInternal) public static let driverAddress = "EMBER_DRIVER_ADDRESS"
    @_spi(EmberInternal) public static let secret = "EMBER_APP_SECRET"
    @_spi(EmberInternal) public static let executorId = "EMBER_EXECUTOR_ID"
    @_spi(EmberInternal) public static let cores = "EMBER_EXECUTOR_CORES"
    @_spi(EmberInternal) public static let memory = "EMBER_EXECUTOR_MEMORY"
    @_spi(EmberInternal) public static let localDir = "EMBER_LOCAL_DIR"
    @_spi(EmberInternal) public static let heartbeatInterval = "EMBER_HEARTBEAT_INTERVAL_MS"
    /// How long the executor waits to be registered (connect, register, the driver's reply).
    @_spi(EmberInternal) public static let registrationTimeout = "EMBER_REGISTRATION_TIMEOUT_MS"
}
