// TaskFailureReason: why a task attempt ended without success (Spark's TaskEndReason, Success
// aside). It is decided once, where the failure is known (the executor's TaskRunner maps the typed
// error that stopped the task; the driver's scheduler for lost executors and vanished tasks), and
// travels in the TaskStatus. The scheduler, the listeners, the event log and the root-cause report
// switch on it; none parses an error's text or context.
//
//   fetchFailed        a shuffle block could not be read   → recompute that map output (not counted)
//   cacheBlockMissing  a cached block is gone              → forget it, recompute the partition
//   outOfMemory        no memory even after spilling       → counted; the executor exits 52
//   taskKilled         asked to stop                       → not a failure
//   executorLost       its executor died or forgot it      → re-queued (not counted)
//   exception          any other EmberError                → counted, retried if retryable

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

@_spi(EmberInternal) public enum TaskFailureReason: Sendable, Codable {
    case fetchFailed(FetchFailure)
    case cacheBlockMissing(CacheBlockMissing)
    case outOfMemory(EmberError)
    /// The kill's reason, e.g. "another attempt succeeded".
    case taskKilled(reason: String)
    /// `causedByApp`: the loss is the application's doing (Spark's exitCausedByApp).
    case executorLost(executor: ExecutorID, causedByApp: Bool, message: String)
    case exception(EmberError)

    /// The reason of a task stopped by `error` (the one place a thrown error becomes a reason).
    @_spi(EmberInternal) public init(_ error: any Error) {
        switch error {
        case let fetch as FetchFailure: self = .fetchFailed(fetch)
        case let missing as CacheBlockMissing: self = .cacheBlockMissing(missing)
        case let killed as TaskKilled: self = .taskKilled(reason: killed.reason)
        case let ember as EmberError where ember.code == .outOfMemory: self = .outOfMemory(ember)
        default: self = .exception(EmberError.wrap(error))
        }
    }

    /// The failure as people read it (logs, UI, the job's error).
    @_spi(EmberInternal) public var error: EmberError {
        switch self {
        case .fetchFailed(let fetch): return fetch.error
        case .cacheBlockMissing(let missing): return missing.error
        case .outOfMemory(let error), .exception(let error): return error
        case .taskKilled(let reason): return EmberError(.killed, "task killed: \(reason)")
        case .executorLost(_, _, let message): return EmberError(.executor, message)
        }
    }

    /// Whether it counts toward task.maxFailures: fetch failures recompute the parent stage instead,
    /// and neither a kill nor a lost executor is the task's fault.
    @_spi(EmberInternal) public var countsTowardTaskFailures: Bool {
        switch self {
        case .fetchFailed, .taskKilled, .executorLost, .cacheBlockMissing: return false
        case .outOfMemory: return true
        case .exception(let error): return error.countsTowardTaskFailures
        }
    }

    @_spi(EmberInternal) public var isKilled: Bool {
        if case .taskKilled = self { return true }
        return false
    }

    @_spi(EmberInternal) public var isOutOfMemory: Bool {
        if case .outOfMemory = self { return true }
        return false
    }

    @_spi(EmberInternal) public var isExecutorLost: Bool {
        if case .executorLost = self { return true }
        return false
    }

    /// Adds where the failure happened (task and executor) to the error people read, once.
    @_spi(EmberInternal) public func naming(task: String, executor: ExecutorID) -> TaskFailureReason {
        func named(_ error: EmberError) -> EmberError {
            error.context("task") == nil ? error.with("task", task).with("executor", executor.value) : error
        }
        switch self {
        case .fetchFailed(var fetch):
            fetch.error = named(fetch.error)
            return .fetchFailed(fetch)
        case .outOfMemory(let error): return .outOfMemory(named(error))
        case .exception(let error): return .exception(named(error))
        case .cacheBlockMissing, .taskKilled, .executorLost: return self
        }
    }
}

/// A cached block a task should read is not on its executor (lost with an executor, or evicted).
@_spi(EmberInternal) public struct CacheBlockMissing: Error, Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var cacheId: Int
    @_spi(EmberInternal) public var partition: Int
    @_spi(EmberInternal) public var executorId: ExecutorID
    @_spi(EmberInternal) public init(cacheId: Int, partition: Int, executorId: ExecutorID) {
        self.cacheId = cacheId
        self.partition = partition
        self.executorId = executorId
    }

    @_spi(EmberInternal) public var error: EmberError {
        EmberError(.execution, "cached block rdd_\(cacheId)_\(partition) is not on executor \(executorId)",
                   hint: "the executor that held it was lost or evicted it; the driver recomputes the partition")
    }
}
