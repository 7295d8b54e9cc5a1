// ExecutorMemoryManager: the executor's execution memory, shared by its running tasks.
//
//   pool = executor memory × memory.fraction (0.6, Spark's spark.memory.fraction)
//   a task may hold at most pool / N, N = tasks currently holding memory (Spark's 1/N cap)
//   cached blocks (storage) use what execution does not; storage above the storage region
//   (pool × spark.memory.storageFraction, 0.5) is evicted when execution needs the room
//
// A request that does not fit is refused at once; the operator then spills and asks again, and
// fails with out-of-memory only if it cannot proceed with nothing buffered.
//
//   ┌──────────────── pool ────────────────┐
//   │ execution ──►        ◄── storage     │   execution may take storage's bytes beyond the
//   │                 │ storage region     │   region: the evictor drops MEMORY_ONLY blocks and
//   └─────────────────┴────────────────────┘   moves MEMORY_AND_DISK blocks to disk

@_spi(EmberInternal) import Planner
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@_spi(EmberInternal) public final class ExecutorMemoryManager: Sendable {
    /// Spark's `spark.memory.fraction`.
    @_spi(EmberInternal) public static let memoryFraction = 0.6
    /// Spark's `spark.memory.storageFraction`: the share of the pool whose cached blocks execution
    /// cannot evict.
    @_spi(EmberInternal) public static let storageFraction = 0.5
    @_spi(EmberInternal) public let poolBytes: Int
    /// Storage memory up to this many bytes is safe from eviction.
    @_spi(EmberInternal) public var storageRegionBytes: Int { Int(Double(poolBytes) * Self.storageFraction) }
    private struct State {
        var used: [TaskID: Int] = [:]
        var total = 0
        /// Tasks running now (Spark's active tasks: the N of the 1/N share).
        var running: Set<TaskID> = []
        /// Bytes held by cached blocks (storage memory, unified with execution memory).
        var storage = 0
    }
    private let state = Mutex(State())
    /// Frees storage memory when execution needs it (the executor's BlockManager).
    private let evictor = Mutex<WeakStorageEvictor>(WeakStorageEvictor())

    @_spi(EmberInternal) public init(executorMemory: Int64) {
        poolBytes = Int(Double(executorMemory) * Self.memoryFraction)
    }

    /// Registers a running task (it counts in the 1/N share from now on).
    @_spi(EmberInternal) public func taskStarted(_ task: TaskID) { state.withLock { _ = $0.running.insert(task) } }

    /// Unregisters a task and releases whatever it still holds.
    @_spi(EmberInternal) public func taskEnded(_ task: TaskID) {
        state.withLock { s in
            s.running.remove(task)
            if let mine = s.used.removeValue(forKey: task) { s.total -= mine }
        }
    }

    /// Who frees storage memory when execution needs it.
    @_spi(EmberInternal) public func setStorageEvictor(_ evictor: any StorageEvictor) {
        self.evictor.withLock { $0.evictor = evictor }
    }

    /// Grants `bytes` to a task if it stays within its share (pool / running tasks) and the pool.
    /// When only cached blocks beyond the storage region stand in the way, they are evicted first
    /// (Spark's UnifiedMemoryManager.maybeGrowExecutionPool).
    @_spi(EmberInternal) public func tryAcquire(_ bytes: Int, task: TaskID) -> Bool {
        for _ in 0..<3 {
            let outcome = state.withLock { s -> (granted: Bool, evict: Int) in
                let mine = s.used[task, default: 0]
                let holders = Swift.max(s.running.count, s.used.count + (s.used[task] == nil ? 1 : 0))
                let cap = poolBytes / Swift.max(1, holders)
                guard mine + bytes <= cap else { return (false, 0) }
                let missing = s.total + s.storage + bytes - poolBytes
                if missing > 0 {
                    let evictable = s.storage - storageRegionBytes
                    return (false, missing <= evictable ? missing : 0)
                }
                s.used[task] = mine + bytes
                s.total += bytes
                return (true, 0)
            }
            if outcome.granted { return true }
            // Evict outside the lock: moving a block to disk takes time, and the evictor calls back in.
            guard outcome.evict > 0, let evictor = evictor.withLock({ $0.evictor }),
                  evictor.evictStorage(atLeast: outcome.evict) > 0 else { return false }
        }
        return false
    }

    @_spi(EmberInternal) public func release(_ bytes: Int, task: TaskID) {
        state.withLock { s in
            guard let mine = s.used[task] else { return }
            let freed = Swift.min(mine, bytes)
            s.total -= freed
            s.used[task] = mine - freed == 0 ? nil : mine - freed
        }
    }

    /// Releases whatever a finished task still holds.
    @_spi(EmberInternal) public func releaseAll(task: TaskID) {
        state.withLock { s in
            if let mine = s.used.removeValue(forKey: task) { s.total -= mine }
        }
    }

    @_spi(EmberInternal) public var usedBytes: Int { state.withLock { $0.total } }

    /// Bytes held by cached blocks now.
    @_spi(EmberInternal) public var storageBytes: Int { state.withLock { $0.storage } }

    /// Storage memory for a cached block, from what execution is not using (unified model). Storage
    /// never evicts execution memory; a block that does not fit is not cached (or goes to disk).
    @_spi(EmberInternal) public func tryAcquireStorage(_ bytes: Int) -> Bool {
        state.withLock { s in
            guard s.total + s.storage + bytes <= poolBytes else { return false }
            s.storage += bytes
            return true
        }
    }

    @_spi(EmberInternal) public func releaseStorage(_ bytes: Int) { state.withLock { $0.storage = Swift.max(0, $0.storage - bytes) } }

    /// The most one task may hold now (pool / tasks holding memory, counting this one).
    @_spi(EmberInternal) public func taskCap(_ task: TaskID) -> Int {
        state.withLock { s in poolBytes / Swift.max(1, Swift.max(s.running.count, s.used.count + (s.used[task] == nil ? 1 : 0))) }
    }
}

/// Frees cached blocks' storage memory so that execution can use it.
@_spi(EmberInternal) public protocol StorageEvictor: AnyObject, Sendable {
    /// Evicts blocks held in memory until at least `bytes` of storage memory are released (or none
    /// are left); returns the bytes released.
    func evictStorage(atLeast bytes: Int) -> Int
}

/// The memory manager's reference to its evictor (the BlockManager, which refers to the manager).
struct WeakStorageEvictor: Sendable {
    weak var evictor: (any StorageEvictor)?
}

/// One task's reservation against its executor's memory manager.
@_spi(EmberInternal) public final class TaskMemoryReservation: MemoryReservation {
    let manager: ExecutorMemoryManager
    let task: TaskID
    @_spi(EmberInternal) public private(set) var reservedBytes = 0
    @_spi(EmberInternal) public private(set) var peakBytes = 0

    /// Refuses anything beyond this many bytes (fault injection), if set.
    let limit: Int?

    @_spi(EmberInternal) public init(manager: ExecutorMemoryManager, task: TaskID, limit: Int? = nil) {
        self.manager = manager
        self.task = task
        self.limit = limit
    }

    @_spi(EmberInternal) public func tryGrow(_ bytes: Int) -> Bool {
        if let limit, reservedBytes + bytes > limit { return false }
        guard manager.tryAcquire(bytes, task: task) else { return false }
        reservedBytes += bytes
        peakBytes = Swift.max(peakBytes, reservedBytes)
        return true
    }

    @_spi(EmberInternal) public func shrink(_ bytes: Int) {
        let freed = Swift.min(bytes, reservedBytes)
        manager.release(freed, task: task)
        reservedBytes -= freed
    }

    /// The most this task may hold now: its share of the executor, or less under an injected limit.
    @_spi(EmberInternal) public var cap: Int { Swift.min(manager.taskCap(task), limit ?? .max) }

    deinit { manager.releaseAll(task: task) }
}

/// Peak resident set size of this process (VmHWM from /proc/self/status), in bytes.
@_spi(EmberInternal) public func processPeakRSS() -> Int64 {
    guard let f = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(f) }
    var line = [UInt8](repeating: 0, count: 256)
    while line.withUnsafeMutableBufferPointer({ p in p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 256) { fgets($0, 256, f) } }) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            return (Int64(text.filter { $0.isNumber }) ?? 0) * 1024
        }
    }
    return 0
}

/// glibc's `malloc_trim` (not exported by the Glibc module): returns free heap memory to the system.
@_silgen_name("malloc_trim")
func malloc_trim(_ pad: Int) -> Int32
