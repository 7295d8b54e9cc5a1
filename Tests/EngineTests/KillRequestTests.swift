// A kill the driver asks for is forgotten when the task ends, however it ends: a task that
// finished or failed before the kill reached it (the losing copy of a speculated task often does)
// must not stay in the driver's kill requests for the rest of a long-lived session.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite struct KillRequestTests {
    @Test(arguments: [TaskState.finished, .failed, .killed])
    func aKillRequestIsForgottenWhenTheTaskEnds(_ end: TaskState) throws {
        let dir = ScratchDir("kill-requests")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 2)
        let scheduler = DAGScheduler(cluster: backend, config: config, clock: ManualClock())
        try scheduler.start(executors: 1)
        let executor = ExecutorID("1")
        for n in 0..<100 {
            let task = TaskID(n)
            let info = TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: "1", locality: .any, launchTime: 0)
            scheduler.tasks.launched(task, RunningTask(executor: executor, launchedAt: 0, info: info))
            scheduler.tasks.kill(task, stage: StageID(0), partition: n, reason: "another attempt succeeded")
            #expect(scheduler.tasks.running[task]?.kill != nil)
            // The task ended on its own before the kill arrived (or, for .killed, because of it).
            scheduler.handleClusterEvent(.statusUpdate(TaskStatus(taskId: task, executorId: executor, state: end, metrics: TaskMetrics()), []),
                                         job: nil)
        }
        #expect(scheduler.tasks.running.isEmpty, "\(scheduler.tasks.running.count) running records kept for tasks that ended \(end)")
        #expect(scheduler.executors[executor]?.freeCores == 2, "every slot is free again")
    }
}
