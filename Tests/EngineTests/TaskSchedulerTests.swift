// The TaskScheduler's one record per running attempt: a launch takes a slot, every way a task
// ends (its status, vanishing from heartbeats, its executor's loss) removes the record once, and
// the slot comes back unless the executor went with it.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner
import Testing

@Suite struct TaskSchedulerTests {
    func record(_ n: Int, on executor: String) -> RunningTask {
        RunningTask(executor: ExecutorID(executor), launchedAt: Double(n),
                    info: TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: executor, locality: .any, launchTime: 0))
    }

    @Test func slotsFollowTheRunningRecords() {
        let dir = ScratchDir("task-scheduler")
        defer { dir.cleanup() }
        var tasks = TaskScheduler(backend: FakeBackend(appDir: dir.path))
        tasks.addExecutor(ExecutorInfo(id: ExecutorID("1"), pid: 0, host: "h", cores: 2), cores: 2)
        tasks.addExecutor(ExecutorInfo(id: ExecutorID("2"), pid: 0, host: "h", cores: 1), cores: 1)
        let ids = (0..<3).map { _ in tasks.newTaskID() }
        #expect(ids == [TaskID(0), TaskID(1), TaskID(2)])
        tasks.launched(ids[0], record(0, on: "1"))
        tasks.launched(ids[1], record(1, on: "1"))
        tasks.launched(ids[2], record(2, on: "2"))
        #expect(!tasks.hasFreeSlots && tasks.isBusy(ExecutorID("1")))

        // A kill is asked once; unlisted heartbeats count in a row until the task is listed again.
        let asked = (tasks.requestKill(ids[0], stage: StageID(0), partition: 0), tasks.requestKill(ids[0], stage: StageID(0), partition: 0))
        #expect(asked == (true, false), "a kill is asked once")
        let unlisted = (tasks.unlisted(ids[1]), tasks.unlisted(ids[1]))
        tasks.listed(ids[1])
        #expect(unlisted == (1, 2) && tasks.unlisted(ids[1]) == 1)

        // Its status ends task 0: the record (with its kill) comes back once, and its slot is free.
        let first = tasks.ended(ids[0]), second = tasks.ended(ids[0])
        #expect(first?.kill?.partition == 0)
        #expect(second == nil, "a duplicate status ends nothing")
        #expect(tasks.hasFreeSlot(ExecutorID("1")))

        // Executor 2 is lost with task 2: its record goes, and there is no slot to give back.
        let gone = tasks.removeExecutor(ExecutorID("2"))
        #expect(gone.removed && gone.tasks.map(\.0) == [ids[2]])
        let late = tasks.ended(ids[2])
        #expect(late == nil && tasks.executors[ExecutorID("2")] == nil)

        let abandoned = tasks.abandonAll().map(\.0)
        #expect(abandoned == [ids[1]])
        #expect(tasks.running.isEmpty && tasks.executors[ExecutorID("1")]?.freeCores == 1, "an abandoned record keeps its slot")
    }
}
