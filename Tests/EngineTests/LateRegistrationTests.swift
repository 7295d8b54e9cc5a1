// A registration from an executor the driver already gave up on is refused: one whose process
// exited (and was reported lost) is not admitted by the cluster, and one whose registration
// deadline passed is killed by the scheduler, not added as an executor too many.

@testable import Engine
@testable import Executor
import Foundation
import Synchronization
import Testing

@Suite(.serialized) struct LateRegistrationTests {
    @Test func anExecutorWhoseProcessExitedIsNotAdmitted() throws {
        let standIn = try DriverPortTests.StandIn()
        defer { standIn.stop() }
        // The process dies before its registration is admitted (as an executor that crashes right
        // after sending `register`).
        kill(try #require(standIn.cluster.pid(of: standIn.id)), SIGKILL)
        guard case .lost = standIn.nextEvent() else { Issue.record("no loss for the dead process"); return }
        let connection = try standIn.register(as: standIn.id)
        defer { connection.close() }
        let answer = try? connection.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 30))
        #expect(answer == nil, "the driver answered a registration of an executor reported lost: \(String(describing: answer))")
        var after: [String] = []
        while let event = standIn.cluster.events.take(timeout: 2) {
            switch event {
            case .registered(let info): after.append("registered \(info.id)")
            case .lost(let id, _): after.append("lost \(id)")
            default: after.append("other")
            }
        }
        #expect(after.isEmpty, "events after the executor was reported lost: \(after)")
    }

    @Test func aRegistrationAfterTheDeadlineIsRefused() throws {
        let dir = ScratchDir("late-registration")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        backend.registers = { $0.value != "2" }
        let vanished = Mutex(false)
        backend.behavior = { _, executor in
            executor.value == "1" && vanished.withLock({ v in defer { v = true }; return !v }) ? .vanish : .run
        }
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 2)
        config.executorStartTimeoutSeconds = 30
        let clock = ManualClock()
        let scheduler = DAGScheduler(cluster: backend, config: config, clock: clock.read)
        try scheduler.start(executors: 1)
        // Executor 1 vanishes with its first task; its replacement 2 never registers and is killed at
        // its deadline; 3 runs the job.
        let done = Atomic(false)
        let ticker = Thread { while !done.load(ordering: .relaxed) { usleep(20_000); clock.advance(by: 1) } }
        ticker.start()
        defer { done.store(true, ordering: .relaxed) }
        let graph = SchedulerTests().graph()
        _ = try scheduler.runJob(graph)
        #expect(backend.killed.contains(ExecutorID("2")))
        // Executor 2's registration was in flight when it was killed: it lands now.
        backend.events.post(.registered(ExecutorInfo(id: ExecutorID("2"), pid: 0, host: "fake", cores: 2)))
        let counts = try scheduler.runJob(graph)
        #expect(SchedulerTests().counts(counts).count == 3)
        #expect(scheduler.executors.keys.map(\.value).sorted() == ["3"], "configured 1 executor")
        #expect(backend.killed.filter { $0 == ExecutorID("2") }.count == 2, "the late executor is killed again")
    }
}
