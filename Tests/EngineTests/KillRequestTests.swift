// A kill the driver asks for is forgotten when the task ends, however it ends: a task that
// finished or failed before the kill reached it (the losing copy of a speculated task often does)
// must not stay in the driver's kill requests for the rest of a long-lived session.

@testable import Engine
@testable import Executor
import Foundation
import Planner
import Testing

@Suite struct KillRequestTests {
    @Test(arguments: [TaskState.finished, .failed, .killed])
    func aKillRequestIsForgottenWhenTheTaskEnds(_ end: TaskState) throws {
        let dir = ScratchDir("kill-requests")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 2)
        let scheduler = DAGScheduler(cluster: backend, config: config, clock: ManualClock().read)
        try scheduler.start(executors: 1)
        let executor = ExecutorID("1")
        for n in 0..<100 {
            let task = TaskID(n)
            scheduler.runningTasks[task] = executor
            scheduler.kill(task, on: executor, stage: StageID(0), partition: n, reason: "another attempt succeeded")
            #expect(scheduler.killRequested[task] != nil)
            // The task ended on its own before the kill arrived (or, for .killed, because of it).
            scheduler.handleClusterEvent(.statusUpdate(TaskStatus(taskId: task, executorId: executor, state: end, metrics: TaskMetrics()), []),
                                         job: nil)
        }
        #expect(scheduler.killRequested.isEmpty, "\(scheduler.killRequested.count) kill requests kept for tasks that ended \(end)")
    }
}
