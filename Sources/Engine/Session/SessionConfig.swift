// Session configuration: the master (how many executor processes, cores and memory each) and
// engine settings, named after Spark's where Spark has one.

import Foundation
@_spi(EmberInternal) import Executor
import Metrics
@_spi(EmberInternal) import Planner

/// Where tasks run.
public enum Master: Sendable, Hashable {
    /// `executors` local executor processes, each running up to `cores` tasks at once on threads,
    /// with a memory budget of `memory` bytes.
    case local(executors: Int, cores: Int, memory: Int64)

    /// Convenience: `.local(executors: 2, cores: 2)` with 1 GiB per executor.
    public static func local(executors: Int, cores: Int) -> Master {
        .local(executors: executors, cores: cores, memory: 1 << 30)
    }
}

/// Byte sizes written the way users write them.
public enum ByteSize {
    public static func megabytes(_ n: Int64) -> Int64 { n << 20 }
    public static func gigabytes(_ n: Int64) -> Int64 { n << 30 }

    /// Parses "512m", "1g", "64k", "1048576"; nil for anything else, including a size that does
    /// not fit in 64 bits ("99999999999999g").
    public static func parse(_ text: String) -> Int64? {
        let t = text.lowercased().trimming(" ")
        let units: [(String, Int64)] = [("gb", 1 << 30), ("g", 1 << 30), ("mb", 1 << 20), ("m", 1 << 20), ("kb", 1 << 10), ("k", 1 << 10), ("b", 1)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count)) else { return nil }
            let (bytes, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : bytes
        }
        return Int64(t)
    }
}

public struct SessionConfig: Sendable {
    public var appName: String = "ember"
    public var master: Master = .local(executors: 2, cores: 2)
    /// Partitions of every shuffle (Spark's `spark.sql.shuffle.partitions`). Spark's default is 200;
    /// Ember's default is 2 × the total task slots, which suits a single machine.
    public var shufflePartitions: Int? = nil
    /// Joins broadcast a side estimated at most this many bytes (Spark's
    /// `spark.sql.autoBroadcastJoinThreshold`, 10 MB); -1 broadcasts only sides marked `broadcast(df)`.
    public var autoBroadcastJoinThreshold: Int64 = PhysicalPlanner.defaultBroadcastThreshold
    /// Equi-joins that are not broadcast sort both sides and merge (Spark's
    /// `spark.sql.join.preferSortMergeJoin`). Ember's default is false: a shuffled hash join is
    /// faster, and a task whose build side does not fit in memory sorts and merges anyway.
    public var preferSortMergeJoin = false
    /// Adaptive execution (Spark's `spark.sql.adaptive.enabled`, true): a shuffled join whose side
    /// turns out small at run time becomes a broadcast join (see AdaptiveBroadcastJoin).
    public var adaptiveEnabled = true
    /// The size under which adaptive execution broadcasts a join side, by its shuffle output's bytes
    /// (Spark's `spark.sql.adaptive.autoBroadcastJoinThreshold`; nil: autoBroadcastJoinThreshold).
    public var adaptiveAutoBroadcastJoinThreshold: Int64? = nil
    /// The threshold the planner gives adaptive joins: -1 when adaptive execution is off.
    var effectiveAdaptiveBroadcastThreshold: Int64 {
        adaptiveEnabled ? (adaptiveAutoBroadcastJoinThreshold ?? autoBroadcastJoinThreshold) : -1
    }
    /// Runtime filters (Spark's `spark.sql.optimizer.runtime.bloomFilter.enabled`, true; here exact,
    /// see RuntimeJoinFilter): a shuffled join's side computed first, filtered and small, drops the
    /// other side's rows without a partner before that side is shuffled. Needs adaptive execution.
    public var runtimeFilterEnabled = true
    /// The most a runtime filter's keys may take as rows (Spark's
    /// `spark.sql.optimizer.runtime.bloomFilter.creationSideThreshold`, 10 MB).
    public var runtimeFilterCreationSideThreshold: Int64 = 10 << 20
    /// The threshold the planner gives runtime filters: -1 when they or adaptive execution are off.
    var effectiveRuntimeFilterThreshold: Int64 {
        adaptiveEnabled && runtimeFilterEnabled ? runtimeFilterCreationSideThreshold : -1
    }
    /// Maximum bytes per file split (Spark's `spark.sql.files.maxPartitionBytes`, 128 MB).
    public var maxPartitionBytes: Int64 = 128 << 20
    /// The format `df.write.save(path)` writes and `session.read.load(path)` reads when no
    /// `format` is given (Spark's `spark.sql.sources.default`, parquet): csv, json, parquet or text.
    public var defaultDataSource = "parquet"
    /// The longest line a CSV, JSON lines or text read takes, in bytes; a longer one fails the read
    /// naming its file and line. At most (and by default) 2 GiB − 1, what a string can hold.
    public var maxLineBytes: Int = Int(Int32.max)
    /// A file scan cuts its batches once their string bytes reach this (as well as at 4096 rows),
    /// so large values never overflow a batch's 2 GiB of string bytes. Default 64 MiB.
    public var scanBatchStringBytes: Int = 64 << 20
    /// zstd level of shuffle files (Spark's `spark.io.compression.zstd.level`, 1).
    public var shuffleCompressionLevel: Int32 = 1
    /// Attempts per task before the job fails (Spark's `spark.task.maxFailures`, 4).
    public var taskMaxFailures: Int = 4
    /// Consecutive failed attempts per stage before the job fails (Spark's `spark.stage.maxConsecutiveAttempts`, 4).
    public var stageMaxConsecutiveAttempts: Int = 4
    /// Executor program; nil = find one (see `ExecutorLauncher`).
    public var executorPath: String? = nil
    /// Base directory for the application's local directory (shuffle files, executor logs).
    public var localDir: String? = nil
    /// How long to wait for an executor to register, at startup and after launching a replacement
    /// (an executor waits as long for the driver's reply, then exits with code 50).
    public var executorStartTimeoutSeconds: Double = 60
    /// How long a connection to the driver's executor port has to present the application secret:
    /// one deadline for the whole handshake, however its bytes are spread out.
    public var handshakeTimeoutSeconds: Double = 10
    /// How long one message to an executor may take to send (Spark's `spark.network.timeout`,
    /// 120 s): an executor that stops reading its connection for longer is given up as lost.
    public var executorSendTimeoutSeconds: Double = 120
    /// An executor silent for this long is declared lost and killed (Spark's
    /// `spark.executor.heartbeatInterval` × …, bounded by `spark.network.timeout` = 120 s).
    public var executorHeartbeatTimeoutSeconds: Double = 120

    /// Executor heartbeat interval (Spark's `spark.executor.heartbeatInterval`, 10 s; shorter here
    /// because executors are local).
    public var heartbeatIntervalMillis: Int = 1000

    /// Map outputs outlive their executor (Spark's external shuffle service, `spark.shuffle.service.enabled`):
    /// the files stay in the application directory. When false, a lost executor's map outputs are
    /// unregistered and recomputed. (Spark's default is false; Ember's files always outlive the
    /// executor process, so true is the honest default here.)
    public var shuffleServiceEnabled = true

    /// After an executor is lost to out-of-memory (exit code 52, or SIGKILL which may be the kernel's
    /// OOM killer), start replacements with one task slot and the same memory, so a skewed task gets
    /// the whole executor (Spark's allocation.recoveryMode, SPARK-55639). Sticky for the session.
    public var recoveryModeEnabled = true

    /// Host labels of the local executors: executor n runs "on" hosts[(n - 1) % hosts.count], so that
    /// locality levels are exercised on one machine (empty: every executor is on "localhost").
    public var hosts: [String] = []
    /// Rack of each host label.
    public var racks: [String: String] = [:]
    /// Delay scheduling (Spark's spark.locality.wait = 3 s, with process/node/rack overrides).
    public var localityWaits = LocalityWaits()

    /// Where the event log goes (JSON lines, one file per application); nil turns it off. The
    /// default is private to the user: `<tmp>/ember-events-<uid>`. The directory is created 0700 if
    /// missing, and refused if it is a symlink, another user's, or writable by others.
    /// When the default cannot be used (another user's, a symlink), the session runs without an
    /// event log after a warning; a directory set here that cannot be used stops it with an error.
    public var eventLogDir: String? = EventLogDirectory.defaultPath { didSet { eventLogDirChosen = true } }
    /// Whether `eventLogDir` was set (rather than left at the default).
    var eventLogDirChosen = false
    /// Serve the REST API (/api/v1), /metrics and the web UI on loopback while the session runs
    /// (Spark's spark.ui.enabled, on by default). The server has its own threads; false turns it off.
    public var uiEnabled = true
    /// First port to try (Spark's 4040); the next 15 are tried when it is taken.
    public var uiPort: UInt16 = 4040

    /// Show Spark's console progress bar on stderr (only when stderr is a terminal).
    public var showProgress = true
    /// Print the root-cause report to stderr when a job fails or recovers from failures.
    public var printRootCauseReport = true

    /// The program's own swift-metrics backend, if it wants Ember's metrics too. Ember never calls
    /// `MetricsSystem.bootstrap` (that is the program's, once per process): its metrics go to its
    /// own Prometheus registry (served at /metrics) and, when this is set, to this factory as well.
    public var metricsFactory: (any MetricsFactory)? = nil

    /// Dynamic allocation (Spark's spark.dynamicAllocation.*): start `initialExecutors`; while tasks
    /// have waited longer than `schedulerBacklogTimeoutSeconds` (1 s), add executors 1, 2, 4, … at a
    /// time up to `maxExecutors`; remove executors idle longer than `executorIdleTimeoutSeconds` (60 s),
    /// never going below `minExecutors`. The master's executor count is the maximum when this is on.
    public struct DynamicAllocation: Sendable {
        public var enabled = false
        public var minExecutors = 0
        public var initialExecutors = 1
        public var maxExecutors = Int.max
        public var schedulerBacklogTimeoutSeconds = 1.0
        public var executorIdleTimeoutSeconds = 60.0
        public init() {}
    }
    public var dynamicAllocation = DynamicAllocation()

    /// Exclude executors that keep failing tasks (Spark's spark.excludeOnFailure.enabled, off by
    /// default as in Spark). An executor with `excludeOnFailureMaxFailedTasksPerExecutor` (2, Spark's
    /// default) failed tasks in a job gets no more tasks; because local executors are cheap, it is
    /// then killed and replaced (Spark's killExcludedExecutors, which Spark leaves off).
    public var excludeOnFailureEnabled = false
    public var excludeOnFailureMaxFailedTasksPerExecutor = 2

    /// Speculative execution of stragglers (Spark's spark.speculation, off by default): once
    /// `speculationQuantile` of a stage's tasks finished, a task running longer than
    /// `speculationMultiplier` × the median successful duration (and at least
    /// `speculationMinTaskRuntimeSeconds`) gets a copy on another executor; the first to finish wins.
    public var speculation = false
    public var speculationQuantile = 0.75
    public var speculationMultiplier = 1.5
    public var speculationMinTaskRuntimeSeconds = 0.1

    /// A result task's output larger than this many encoded bytes is written to a result file in the
    /// application directory, and the driver streams it from there (Spark's
    /// spark.task.maxDirectResultSize, 1 MiB); smaller ones come back in the task's status message.
    public var maxDirectResultSize = 1 << 20
    /// A Final aggregate expecting at least this many rows holds them in hash partitions that each
    /// aggregate within the cache (RadixPartitions; tests lower it to reach that path on small data).
    public var aggregatePartitionMinRows = 1 << 18
    /// A Partial aggregate that has taken this many rows and holds nearly as many groups stops
    /// aggregating and passes its input on raw (tests lower it to reach that path on small data).
    public var partialAggregateBackOffMinRows = 100_000
    /// collect(), take() and show() fail once the results that arrived exceed this many encoded
    /// bytes (Spark's spark.driver.maxResultSize, 1g; 0 = no limit). Writing a result out streams it
    /// and is not limited.
    public var maxResultSize: Int64 = 1 << 30
    /// Encoded bytes of small results the driver holds in memory while they wait (for an earlier
    /// partition, or for a sorted result's merge); results beyond it wait in result files.
    public var maxWaitingResultMemory: Int64 = 64 << 20

    /// Faults to inject into real runs (tests, chaos drills). Off by default.
    public var faults = FaultInjection()

    public init() {}

    public var totalCores: Int {
        switch master {
        case .local(let e, let c, _):
            let (slots, overflow) = e.multipliedReportingOverflow(by: c)
            return overflow ? Int.max : max(1, slots)
        }
    }

    /// The shuffle partitions jobs use: the setting, or 2 × the task slots, at most
    /// ``SessionLimits/manyShufflePartitions``.
    public var effectiveShufflePartitions: Int {
        shufflePartitions ?? max(2, 2 * min(totalCores, SessionLimits.manyShufflePartitions / 2))
    }

    /// The execution memory one task can count on: its executor's memory × memory.fraction shared by
    /// its cores (or less under an injected refusal limit). The planner broadcasts no side above it.
    var taskExecutionMemory: Int64 {
        switch master {
        case .local(_, let cores, let memory):
            let share = Int64(Double(memory) * ExecutorMemoryManager.memoryFraction) / Int64(max(1, cores))
            return faults.refuseMemoryAbove.map { min(Int64($0), share) } ?? share
        }
    }
}
