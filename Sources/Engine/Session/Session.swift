// Session: the entry point (Spark's SparkSession). Creating one starts the executor processes of
// its master; `read` makes DataFrames; actions on them run here, one job at a time; `stop()` shuts
// the executors down and removes the application's local directory.
//
// A Session leaves its host program's process-wide state alone: it installs no signal handlers
// (SIGINT/SIGTERM/SIGHUP handling is an explicit opt-in, `Session.handleTerminationSignals()`), leaves
// SIGPIPE as it found it (sockets send with MSG_NOSIGNAL), and never bootstraps swift-metrics.

import Foundation
@_spi(EmberInternal) import Executor
import Logging
@_spi(EmberInternal) import Planner
import Synchronization

public final class Session: Sendable {
    /// The settings the session started with; `conf` holds the ones that change while it runs.
    public let config: SessionConfig
    /// Settings by their Spark names while the session runs (Spark's `spark.conf`).
    public let conf: RuntimeConfig
    /// The session's temporary views (Spark's `spark.catalog`).
    public let catalog = Catalog()
    /// Application id, e.g. `ember-1763740000000-4f2a`.
    public let appId: String
    /// Local directory of the application (shuffle files, executor logs).
    public let appDir: String

    /// The scheduler and what plans number, held while a job runs (one job at a time). Nothing
    /// else waits for it: accessors read `schedulerStatus`, `cachedBlocks` and `mapOutputs`,
    /// unpersist is a request the scheduler takes, and `stop()` asks the job to end first.
    struct DriverState {
        var scheduler: DAGScheduler?
        var nextStageID = 0
        var nextShuffleID = 0
    }
    private let driver: Mutex<DriverState>
    /// What the scheduler publishes for other threads while a job runs.
    private let schedulerStatus: SchedulerStatus
    /// The scheduler's parts that other threads read directly (each keeps its own lock).
    private let cachedBlocks: BlockManagerMaster
    private let mapOutputs: MapOutputTracker
    /// Woken each time a job lets go of `driver`, so `stop()` can take it at once (no item is posted).
    private let driverReleased = BlockingQueue<Bool>()
    /// How long `stop()` gives a running job to end (it ends at its event loop's next turn) before
    /// stopping the executors under it; such a job ends the application itself as it leaves.
    static let stopGraceSeconds = 10.0
    private let stopping = Atomic<Bool>(false)
    private let cacheIDs = Atomic<Int>(0)
    private let cluster: LocalCluster
    private let trace = JobTrace()
    private let status: AppStatusStore
    private let ui: UIServer?
    /// Where the UI and REST API are served, e.g. http://127.0.0.1:4040 (nil when turned off).
    public var uiURL: String? { ui?.url }
    private let report = Mutex<RootCauseReport?>(nil)
    /// Set once the executors are stopped and the application directory removed (by `stop()` or by
    /// the termination cleanup, whichever comes first). Held while that runs: the other caller waits
    /// for it to finish (the termination cleanup must not end the process while `stop()` is midway).
    private let released = Mutex<Bool>(false)
    /// Registration with ``TerminationCleanup`` (removed by `stop()`).
    private let cleanupRegistration = Mutex<Int?>(nil)
    private let eventLog: EventLogWriter?
    /// The application's event log (Spark's format): `<dir>/<appId>.inprogress` while the session
    /// runs, `<dir>/<appId>` once it stopped; nil when the event log is off.
    public var eventLogPath: String? { eventLog?.path }

    /// The root-cause report of the most recent job, if it failed or recovered from failures.
    public var lastJobReport: RootCauseReport? { report.withLock { $0 } }

    /// Call first thing in `main` of a program that creates Sessions: when the program was launched as an
    /// executor it runs the executor and never returns; otherwise it records that the program may
    /// re-execute itself as its executors (so user code is the same in driver and executors).
    public static func runExecutorIfRequested() {
        if ExecutorProcess.isLaunchedAsExecutor { ExecutorProcess.main() }
        programCanRunExecutors.store(true, ordering: .relaxed)
    }

    public convenience init(master: Master, appName: String = "ember") throws {
        var config = SessionConfig()
        config.master = master
        config.appName = appName
        try self.init(config: config)
    }

    public convenience init(config: SessionConfig) throws {
        try self.init(config: config, clock: MonotonicClock())
    }

    /// A session whose scheduler runs on `clock` (tests drive time-driven behaviour with a ManualClock).
    init(config: SessionConfig, clock: any SchedulerClock) throws {
        guard case .local(let executors, let cores, let memory) = config.master, executors >= 1, cores >= 1, memory > 0 else {
            throw EmberError(.configuration, "a local master needs at least 1 executor, 1 core and some memory",
                             hint: "e.g. .local(executors: 2, cores: 2)")
        }
        for warning in try SessionLimits.check(config) { Logger(label: "ember.driver").warning("\(warning)") }
        self.config = config
        self.conf = RuntimeConfig(config)
        let base = config.localDir ?? ProcessInfo.processInfo.environment["EMBER_LOCAL_DIR"] ?? NSTemporaryDirectory()
        ApplicationDirectory.removeStale(in: base)
        let directory = try ApplicationDirectory.create(base: base)
        self.appId = directory.appId
        self.appDir = directory.path
        // Until the executors run, a signal only needs to take the directory away.
        let early = TerminationCleanup.add { [appDir] in DirectoryTree.remove(appDir) }
        let store = AppStatusStore(maxMemory: Int64(Double(memory) * ExecutorMemoryManager.memoryFraction),
                                   metrics: ExecutorMetrics(appId: appId, appName: config.appName, hostFactory: config.metricsFactory))
        status = store
        do {
            ui = config.uiEnabled ? try UIServer(store: store, preferred: config.uiPort) : nil
        } catch {
            TerminationCleanup.remove(early)
            DirectoryTree.remove(appDir)
            throw error
        }
        var started: LocalCluster? = nil
        do {
            cluster = try LocalCluster(config: config, appDir: appDir)
            started = cluster
            let scheduler = DAGScheduler(cluster: cluster, config: config, clock: clock)
            scheduler.listeners.append(trace)
            scheduler.listeners.append(store)
            scheduler.listeners.append(DriverLog(appId: appId))
            if ConsoleProgressBar.enabled(config) { scheduler.listeners.append(ConsoleProgressBar()) }
            if let dir = config.eventLogDir, let log = try EventLogDirectory.openLog(dir, appId: appId, config: config) {
                if config.faults.fullEventLogDisk { try log.redirectWrites(to: "/dev/full") }
                eventLog = log
                scheduler.listeners.append(log)
            } else {
                eventLog = nil
            }
            scheduler.post(.applicationStart(appId: appId, appName: config.appName, time: DAGScheduler.wallClock()))
            schedulerStatus = scheduler.status
            cachedBlocks = scheduler.cachedBlocks
            mapOutputs = scheduler.tracker
            driver = Mutex(DriverState(scheduler: scheduler))
            let initial = config.dynamicAllocation.enabled
                ? Swift.min(executors, Swift.max(config.dynamicAllocation.initialExecutors, config.dynamicAllocation.minExecutors))
                : executors
            try driver.withLock { try $0.scheduler!.start(executors: initial) }
        } catch {
            started?.stop()   // its executors and its listener
            ui?.stop()
            TerminationCleanup.remove(early)
            DirectoryTree.remove(appDir)
            throw error
        }
        TerminationCleanup.remove(early)
        let registration = TerminationCleanup.add { [weak self] in self?.releaseResources() }
        cleanupRegistration.withLock { $0 = registration }
    }

    deinit { stop() }

    public var read: DataFrameReader { DataFrameReader(session: self) }

    /// A temporary view as a DataFrame whose columns answer to the view's name (`t.col`).
    public func table(_ name: String) throws -> DataFrame {
        DataFrame(session: self, plan: try catalog.lookup(name))
    }

    /// A DataFrame with one `id` column holding start, start + step, … below end (Spark's `range`),
    /// in `numPartitions` slices (default: the total task slots).
    public func range(_ start: Int64, _ end: Int64, step: Int64 = 1, numPartitions: Int? = nil) -> DataFrame {
        DataFrame(session: self, plan: .range(RangeSpec(start: start, end: end, step: step,
                                                        numPartitions: numPartitions ?? config.totalCores)))
    }

    public func range(_ end: Int64) -> DataFrame { range(0, end) }

    /// The loopback address executors connect to (`127.0.0.1:port`).
    public var driverAddress: String { cluster.driverAddress }

    /// Executors currently registered.
    public var executorCount: Int { schedulerStatus.read(\.executors.count) }

    /// Process ids of the running executors (for tests and diagnostics).
    public var executorPIDs: [Int32] { schedulerStatus.read(\.executors).compactMap { cluster.pid(of: $0) } }

    /// Every executor loss of the session, with its reason (exit code, signal, heartbeat timeout…).
    public var executorLossReasons: [String] { schedulerStatus.read(\.losses).map { "executor \($0.executor): \($0.reason)" } }

    /// Executors removed by dynamic allocation because they were idle.
    public var removedIdleExecutors: [String] { schedulerStatus.read(\.removedIdle).map(\.value) }

    /// Executors excluded for failing tasks, with the reason (excludeOnFailure).
    public var exclusions: [String] { schedulerStatus.read(\.exclusions).map { "executor \($0.executor): \($0.reason)" } }

    /// True once an executor was lost to out-of-memory: replacements run one task at a time.
    public var inRecoveryMode: Bool { schedulerStatus.read(\.recoveryMode) }

    /// Executors lost since the session started (each one was replaced).
    public var executorsLost: Int { schedulerStatus.read(\.executorLosses) }

    /// Task failures of the most recent job, including fetch failures it recovered from.
    public var lastJobFailures: [EmberError] { schedulerStatus.read(\.lastJobFailures) }

    /// The tasks of the most recent job that finished successfully (where they ran, their metrics).
    public var lastJobTasks: [TaskRecord] { schedulerStatus.read(\.lastJobTasks) }

    /// True while a job runs.
    var isRunningJob: Bool { schedulerStatus.read(\.jobRunning) }

    /// Bytes and rows per reduce partition of every shuffle run so far (from the map outputs' MapStatus).
    public var shuffleStatistics: [ShuffleID: MapOutputStatistics] {
        stopping.load(ordering: .acquiring) ? [:] : mapOutputs.allStatistics
    }

    /// The most recent task attempts that were killed (losing speculative copies, tasks of ended
    /// jobs), with their metrics at the moment they stopped. Includes kills reported since the last job.
    public var killedTasks: [TaskRecord] {
        catchUpBetweenJobs()
        return stopping.load(ordering: .acquiring) ? [] : schedulerStatus.read(\.killedTasks)
    }

    /// The newest storage report of each executor (its cached blocks and their storage memory).
    var storageReports: [ExecutorID: StorageReport] {
        catchUpBetweenJobs()
        return stopping.load(ordering: .acquiring) ? [:] : cachedBlocks.reports
    }

    /// Where the driver believes each cached partition is: cache id → partition → executors.
    var cachedBlockLocations: [Int: [Int: Set<ExecutorID>]] { stopping.load(ordering: .acquiring) ? [:] : cachedBlocks.locations }

    /// Between jobs nothing else handles what executors report (late kills, storage reports): the
    /// scheduler catches up now. While a job runs, its loop keeps up, and this does not wait for it.
    private func catchUpBetweenJobs() { _ = driver.withLockIfAvailable { $0.scheduler?.catchUp() } }

    /// Stops the executors and deletes the application directory. Safe to call more than once.
    /// A job running on another thread ends at the scheduler's next turn (it fails with "the
    /// session was stopped"), which the stop request wakes it for; `stop()` waits for that at most
    /// `stopGraceSeconds`.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        schedulerStatus.requestStop()
        let deadline = Date(timeIntervalSinceNow: Self.stopGraceSeconds)
        while driver.withLockIfAvailable({ endApplication(&$0) }) == nil && Date() < deadline {
            _ = driverReleased.take(timeout: 0.05)
        }
        schedulerStatus.update { $0.executors = [] }
        // Released before the signal cleanup forgets it: a signal meanwhile then waits for this
        // release (see `released`) instead of ending the process halfway through it.
        releaseResources()
        if let registration = cleanupRegistration.withLock({ $0 }) { TerminationCleanup.remove(registration) }
        ui?.stop()
    }

    /// Cancels the job running now, if any (Spark's `SparkContext.cancelAllJobs`), from any thread:
    /// its running tasks are killed and the action that started it throws an error with code
    /// `.cancelled`. The session stays usable. Returns whether a job was running. A query that
    /// runs several jobs (a sort samples its keys first) is cancelled at the job running now;
    /// call again while the action has not returned to stop the ones after it.
    @discardableResult
    public func cancelAllJobs() -> Bool { schedulerStatus.requestCancel() }

    /// Lets the tasks killed at their job's end report, ends the application for the listeners and
    /// drops the scheduler: once, by `stop()` or by the job that was running when it was called.
    private func endApplication(_ state: inout DriverState) {
        guard let scheduler = state.scheduler else { return }
        scheduler.settleLingeringTasks(timeout: 2)
        scheduler.post(.applicationEnd(time: DAGScheduler.wallClock()))
        state.scheduler = nil
    }

    /// Stops the executors and removes the application directory, once. Needs no driver lock, so
    /// the termination cleanup can run it while a job holds the session.
    private func releaseResources() {
        released.withLock { done in
            guard !done else { return }
            done = true
            cluster.stop()
            DirectoryTree.remove(appDir)
        }
    }

    // MARK: query execution

    struct PlannedQuery {
        let analyzed: ResolvedPlan
        let optimized: ResolvedPlan
        let physical: PhysicalQuery
    }

    /// `resultToDriver: false` plans a write: the last stage's tasks keep their rows (see PhysicalPlanner).
    func planQuery(_ plan: LogicalPlan, resultToDriver: Bool = true) throws -> PlannedQuery {
        let analyzed = try Analyzer.resolve(plan)
        let config = conf.current
        // Joins moved by SelectiveJoinPlacement rely on adaptive execution to broadcast again,
        // which a write's last stage does not do.
        let adaptive = config.effectiveAdaptiveBroadcastThreshold
        let optimized = Optimizer.optimize(analyzed, selectiveJoinBytes: adaptive >= 0 && resultToDriver ? adaptive : nil)
        let physical = PhysicalPlanner.plan(optimized, shufflePartitions: config.effectiveShufflePartitions,
                                            autoBroadcastJoinThreshold: config.autoBroadcastJoinThreshold,
                                            preferSortMergeJoin: config.preferSortMergeJoin, taskMemoryBytes: config.taskExecutionMemory,
                                            adaptiveBroadcastThreshold: config.effectiveAdaptiveBroadcastThreshold,
                                            runtimeFilterThreshold: config.effectiveRuntimeFilterThreshold, resultToDriver: resultToDriver)
        for warning in physical.warnings { Logger(label: "ember.driver").warning("\(warning)") }
        return PlannedQuery(analyzed: analyzed, optimized: optimized, physical: physical)
    }

    /// Plans and runs a query; returns the result schema and batches in result order. The results
    /// that arrive may total at most `SessionConfig.maxResultSize`.
    func execute(_ plan: LogicalPlan) throws -> (StructType, [ColumnarBatch]) {
        var batches: [ColumnarBatch] = []
        let schema = try execute(plan, maxResultSize: config.maxResultSize) { batches.append($0) }
        return (schema, batches)
    }

    /// Plans and runs a query, handing its result batches to `consume` in result order while the
    /// job runs (see ResultStream): the driver never holds the whole result.
    func execute(_ plan: LogicalPlan, maxResultSize: Int64?, _ consume: @escaping (ColumnarBatch) throws -> Void) throws -> StructType {
        let q = try planQuery(plan)
        let schema = q.physical.plan.schema
        let stream = ResultStream(schema: schema, ordering: q.physical.resultOrdering, limit: q.physical.resultLimit,
                                                      maxResultSize: maxResultSize, appDir: appDir, memoryBudget: config.maxWaitingResultMemory,
                                                      compressionLevel: config.shuffleCompressionLevel, consume: consume)
        defer { stream.discardPending() }
        try run(q.physical.plan, into: stream, finish: stream.finish, discard: stream.discardPending)
        return schema
    }

    /// Runs a physical plan's jobs, handing the last stage's task results to `receiver` (`output`:
    /// what those tasks do with their rows); `finish` after a successful job, `discard` before a
    /// job runs again because a cached block was gone.
    func run(_ physicalPlan: PhysicalPlan, output: StageOutput = .result, into receiver: any ResultReceiver,
             finish: () throws -> Void, discard: () -> Void) throws {
        defer { driverReleased.wake() }   // after letting go of the driver (see stop())
        try driver.withLock { state in
            // A session stopped while this job ran is ended here, if stop() did not get to it.
            defer { if stopping.load(ordering: .acquiring) { endApplication(&state) } }
            guard let scheduler = state.scheduler, !stopping.load(ordering: .acquiring) else {
                throw EmberError(.configuration, "the session was stopped", hint: "create a new Session")
            }
            // A cached plan whose partitions are all held by executors is read from them instead of
            // computed (Spark skips the stages below a fully cached RDD). If a block turns out to be
            // gone, forget it and run the job again, computing what is missing; partitions already
            // handed on are not computed again.
            var bounds: [RangePartitioning: [[Value]]] = [:]
            // Shuffles the sampling jobs wrote, which the query's own job reads instead of writing
            // them again (a sort of an aggregate's output samples that output).
            var shuffles: [PhysicalPlan: ShuffleID] = [:]
            for _ in 0..<3 {
                scheduler.catchUp()   // learn of losses and evictions since the last job first
                let plan = Self.readingCaches(physicalPlan) { scheduler.isFullyCached($0) }
                do {
                    let sampled = try sampleRangeBounds(plan, scheduler, &state, known: &bounds, shuffles: &shuffles)
                    scheduler.forgetRewrittenShuffles(&shuffles)
                    let graph = StageGraph.build(sampled, output: output, nextStageID: &state.nextStageID,
                                                 nextShuffleID: &state.nextShuffleID, shuffles: &shuffles)
                    try scheduler.runJob(graph, results: receiver)
                    try finish()
                    explain(scheduler)
                    return
                } catch is CacheBlockMissing {
                    discard()   // the scheduler forgot the block; the next attempt computes it
                } catch let error as EmberError where schedulerStatus.stopRequested || error.code == .cancelled {
                    throw error   // stopped or cancelled from another thread: no failure to explain
                } catch var error as EmberError {
                    // A value that contradicts a sampled CSV schema does not end the work: the caller
                    // infers the schema from every record and runs again (GroupByJob.run), so the
                    // report of this attempt is kept but not printed as a failure.
                    let retried = error.context(inferredTypeMismatchKey) != nil
                    if let found = explain(scheduler, print: !retried)?.findings.first {
                        error = error.with("root cause", found.cause)
                        error.hint = (error.hint.map { $0 + "; " } ?? "") + "fix: " + found.fix
                    }
                    throw error
                }
            }
            throw EmberError(.internal, "cached blocks kept disappearing")
        }
    }

    /// Builds the root-cause report of the job that just ended, hands it to the scheduler's listeners
    /// (status store, event log, log) and prints it unless turned off.
    @discardableResult
    private func explain(_ scheduler: DAGScheduler, print: Bool = true) -> RootCauseReport? {
        let found = RootCauseAnalyzer.analyze(trace.snapshot, config: config, appDir: appDir)
        report.withLock { $0 = found }
        if let found { scheduler.post(.rootCauseReport(found, time: DAGScheduler.wallClock())) }
        if let found, print, config.printRootCauseReport {
            StandardError.write(found.description)
        }
        return found
    }

    /// Replaces fully cached subplans by reads of their blocks.
    static func readingCaches(_ plan: PhysicalPlan, isCached: (CacheSpec) -> Bool) -> PhysicalPlan {
        func go(_ p: PhysicalPlan) -> PhysicalPlan {
            switch p {
            case .cache(let spec, let child): return isCached(spec) ? .cacheRead(spec) : .cache(spec, go(child))
            default: return p.withNewChildren(p.children.map(go))
            }
        }
        return go(plan)
    }

    /// A new cache id (cache/persist).
    func nextCacheID() -> Int { cacheIDs.add(1, ordering: .relaxed).newValue }

    /// Drops a cache's blocks on every executor: a request the scheduler takes at once between jobs,
    /// or at its loop's next turn while a job runs.
    func unpersist(_ id: Int) {
        schedulerStatus.requestUnpersist(id)
        catchUpBetweenJobs()
    }

    /// Splits input files into byte ranges for map tasks; `partitionValues`: a file's values of
    /// its `col=value` directories, by the bytes of its path.
    func splitFiles(_ paths: [String], partitionValues: [[UInt8]: [Value]] = [:]) throws -> [FileSplit] {
        var splits = try FileSplitter.splits(paths: paths, targetSplitBytes: conf.current.maxPartitionBytes, minSplits: config.totalCores)
        if !partitionValues.isEmpty {
            for i in splits.indices { splits[i].partitionValues = partitionValues[Array(splits[i].path.utf8)] ?? [] }
        }
        return splits
    }
}
