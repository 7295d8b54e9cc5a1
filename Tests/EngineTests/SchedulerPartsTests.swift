// The scheduler's parts alone, with times given by the test: the ExecutorAllocationManager ramps
// up 1, 2, 4… while a backlog lasts and removes idle executors down to the minimum; the
// HealthTracker names an executor to exclude after enough counted failures, and only those count.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Testing

@Suite struct SchedulerPartsTests {
    @Test func allocationRampsUpWhileTasksWaitAndRemovesIdleExecutorsDownToTheMinimum() {
        var policy = SessionConfig.DynamicAllocation()
        policy.enabled = true
        policy.minExecutors = 1
        policy.schedulerBacklogTimeoutSeconds = 1
        policy.executorIdleTimeoutSeconds = 60
        var manager = ExecutorAllocationManager(policy: policy)
        var expected = 1
        var added: [Int] = []
        for second in 0..<5 {
            let add = manager.executorsToAdd(backlogged: true, expected: expected, maxExecutors: 6, now: Double(second))
            added.append(add)
            expected += add
        }
        #expect(added == [0, 1, 2, 2, 0], "1, then 2, then what is left below the maximum of 6")
        #expect(manager.executorsToAdd(backlogged: false, expected: expected, maxExecutors: 6, now: 5) == 0)

        let ids = (1...3).map { ExecutorID(String($0)) }
        for id in ids { manager.becameIdle(id, at: 10) }
        let early = manager.idleExecutorsToRemove(ids, busy: { _ in false }, expected: 3, now: 69)
        #expect(early.isEmpty, "not idle long enough")
        let removed = manager.idleExecutorsToRemove(ids, busy: { $0 == ids[0] }, expected: 3, now: 70)
        #expect(removed == [ids[1], ids[2]] && manager.removing == Set(removed), "the busy one stays")
        let gone = (manager.executorGone(ids[1]), manager.executorGone(ids[0]))
        #expect(gone == (true, false), "a removal is expected, another loss is not")
    }

    @Test func healthTrackerExcludesAfterEnoughCountedFailures() {
        var health = HealthTracker(enabled: true, maxFailedTasksPerExecutor: 2)
        let one = ExecutorID("1")
        let notCounted = health.taskFailed(on: one, .fetchFailed(FetchFailure(
            shuffleId: ShuffleID(0), mapId: TaskID(0), mapIndex: 0, reduceId: 0, executorId: one, file: "f", error: EmberError(.fetchFailed, "x"))))
        let first = health.taskFailed(on: one, .exception(EmberError(.execution, "boom")))
        let second = health.taskFailed(on: one, .outOfMemory(EmberError(.outOfMemory, "no room")))
        #expect(notCounted == nil && first == nil)
        #expect(second?.failedTasks == 2 && second?.reason.contains("last: no room") == true)
        health.jobStarted()
        let afterReset = health.taskFailed(on: one, .exception(EmberError(.execution, "boom")))
        #expect(afterReset == nil, "a new job starts with a clean slate")
        var off = HealthTracker(enabled: false, maxFailedTasksPerExecutor: 1)
        let disabled = off.taskFailed(on: one, .exception(EmberError(.execution, "boom")))
        #expect(disabled == nil)
    }
}
