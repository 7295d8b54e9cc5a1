// ExecutorAllocationManager: Spark's dynamic allocation, simplified. While tasks wait for slots
// longer than schedulerBacklogTimeout it asks for more executors (1, 2, 4… each round the backlog
// lasts, up to the maximum); an executor without running tasks for executorIdleTimeout is removed,
// down to minExecutors. It decides from the times it is given (the scheduler's clock, on the event
// loop's allocation timer) and acts through an ExecutorAllocationClient, which launches executors
// and shuts idle ones down.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// What the ExecutorAllocationManager needs of the cluster side (Spark's ExecutorAllocationClient).
protocol ExecutorAllocationClient: AnyObject {
    /// Registered executors.
    var registeredExecutors: [ExecutorID] { get }
    /// Executors registered or launching.
    var expectedExecutors: Int { get }
    /// Whether an executor runs tasks.
    func isBusy(_ id: ExecutorID) -> Bool
    /// Launches `count` more executors.
    func requestExecutors(_ count: Int)
    /// Shuts an idle executor down; its loss arrives later, as an expected removal.
    func removeIdleExecutor(_ id: ExecutorID)
}

struct ExecutorAllocationManager {
    let policy: SessionConfig.DynamicAllocation
    private var backlogSince: Double? = nil
    private var nextRampUp = 1
    /// When each registered executor last became idle (nil: it runs tasks).
    private var idleSince: [ExecutorID: Double] = [:]
    /// Executors asked to shut down for being idle, until their loss arrives.
    private(set) var removing: Set<ExecutorID> = []

    init(policy: SessionConfig.DynamicAllocation) { self.policy = policy }

    /// One round (the allocation timer): ramps up while `backlogged` (tasks wait and no slot is
    /// free), then removes executors idle for the idle timeout.
    mutating func schedule(backlogged: Bool, maxExecutors: Int, now: Double, client: some ExecutorAllocationClient) {
        let add = executorsToAdd(backlogged: backlogged, expected: client.expectedExecutors, maxExecutors: maxExecutors, now: now)
        if add > 0 { client.requestExecutors(add) }
        removeIdleExecutors(now: now, client: client)
    }

    /// Removes executors without running tasks for the idle timeout or longer, keeping minExecutors.
    mutating func removeIdleExecutors(now: Double, client: some ExecutorAllocationClient) {
        let idle = idleExecutorsToRemove(client.registeredExecutors, busy: { client.isBusy($0) }, expected: client.expectedExecutors, now: now)
        for id in idle { client.removeIdleExecutor(id) }
    }

    /// How many executors to launch now. `backlogged`: tasks wait and no slot is free; `expected`:
    /// executors registered or launching, of which `removing` do not count.
    mutating func executorsToAdd(backlogged: Bool, expected: Int, maxExecutors: Int, now: Double) -> Int {
        guard backlogged else {
            backlogSince = nil
            nextRampUp = 1
            return 0
        }
        let since = backlogSince ?? now
        backlogSince = since
        guard now - since >= policy.schedulerBacklogTimeoutSeconds else { return 0 }
        let add = Swift.max(0, Swift.min(nextRampUp, maxExecutors - (expected - removing.count)))
        if add > 0 { nextRampUp *= 2 }
        backlogSince = now   // Spark's sustainedSchedulerBacklogTimeout: keep ramping while it lasts
        return add
    }

    /// An executor has no running task from `now` on (it registered, or its last task ended).
    mutating func becameIdle(_ id: ExecutorID, at now: Double) { idleSince[id] = now }

    /// Executors idle long enough to remove now (recorded as being removed). `executors`: the
    /// registered ones; `busy`: whether one runs tasks; `expected`: registered plus launching.
    mutating func idleExecutorsToRemove(_ executors: [ExecutorID], busy: (ExecutorID) -> Bool, expected: Int, now: Double) -> [ExecutorID] {
        guard policy.enabled else { return [] }
        var removed: [ExecutorID] = []
        for id in executors.sorted() where !busy(id) {
            let since = idleSince[id] ?? now
            idleSince[id] = since
            if now - since >= policy.executorIdleTimeoutSeconds && expected - removing.count > policy.minExecutors && !removing.contains(id) {
                removing.insert(id)
                removed.append(id)
            }
        }
        return removed
    }

    /// An executor went away; returns whether it was being removed (an expected removal, not a loss).
    mutating func executorGone(_ id: ExecutorID) -> Bool {
        idleSince[id] = nil
        return removing.remove(id) != nil
    }
}
