// A replacement executor that never registers is not waited on forever: once the manual clock
// passes executorStartTimeoutSeconds, the scheduler kills it, counts the loss and launches another;
// its registration arriving after that is refused.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
import Testing

@Suite struct RegistrationDeadlineTests {
    @Test func aReplacementThatNeverRegistersIsKilledAndReplaced() throws {
        let dir = ScratchDir("fake-unregistered")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        backend.registers = { $0.value != "2" }   // the first replacement never registers
        let vanished = Mutex(false)
        backend.behavior = { _, executor in
            executor.value == "1" && vanished.withLock({ v in defer { v = true }; return !v }) ? .vanish : .run
        }
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 2)
        config.executorStartTimeoutSeconds = 30
        let clock = ManualClock()
        let scheduler = DAGScheduler(cluster: backend, config: config, clock: clock)
        try scheduler.start(executors: 1)
        let ticker = Thread {
            for _ in 0..<400 {
                usleep(25_000)
                clock.advance(by: 1)
            }
        }
        ticker.start()
        // On a thread of its own, so a scheduler that waits forever fails this test instead of hanging it.
        let outcome = Mutex<Result<[Int: [ColumnarBatch]], any Error>?>(nil)
        let graph = SchedulerTests().graph()
        let box = UncheckedBox(scheduler)   // only the job thread touches it until `finished`
        Thread {
            let result = Result { try box.value.runJob(graph) }
            outcome.withLock { $0 = result }
        }.start()
        let finished = waitUntil(seconds: 120) { outcome.withLock { $0 != nil } }
        #expect(finished, "the job still waited for an executor that never registers")
        guard finished, let result = try outcome.withLock({ $0 })?.get() else { return }
        #expect(SchedulerTests().counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.killed.contains(ExecutorID("2")), "the silent replacement was killed")
        #expect(backend.launched.map(\.value) == ["1", "2", "3"], "and replaced")
        #expect(scheduler.losses.contains { $0.executor == ExecutorID("2") && $0.reason.contains("did not register within 30 s") },
                "\(scheduler.losses)")

        // Executor 2's registration was in flight when it was killed: it lands now, and is refused
        // (killed again), not added as an executor too many.
        backend.events.post(.registered(ExecutorInfo(id: ExecutorID("2"), pid: 0, host: "fake", cores: 2)))
        #expect(SchedulerTests().counts(try scheduler.runJob(graph)) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(scheduler.executors.keys.map(\.value).sorted() == ["3"], "configured 1 executor")
        #expect(backend.killed.filter { $0 == ExecutorID("2") }.count == 2, "the late executor is killed again")
    }
}

/// Hands a value to one other thread (the test does not touch it until that thread is done).
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
