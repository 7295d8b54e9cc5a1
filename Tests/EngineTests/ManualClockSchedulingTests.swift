// Time-driven scheduling on a manual clock: the scheduler's timers (heartbeat timeout, idle
// timeout, locality wait, registration deadline, speculation) fire when the test moves the clock past their time,
// and not before. Real executor processes where the behaviour involves them; the fake backend for
// the scheduler alone. "Not before" is judged once the loop waits again having seen the new time
// (`ManualClock.isWaiting(at:)`: every timer due by then has fired); "at" waits for the outcome.
// No real-time sleep triggers anything.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
import Testing

@Suite struct ManualClockSchedulingTests {
    /// What a body run on a thread of its own ended with (nil while it runs).
    final class Outcome<T: Sendable>: Sendable {
        private let result = Mutex<Result<T, any Error>?>(nil)
        init(_ body: @escaping @Sendable () throws -> T) {
            Thread { [self] in
                let ended = Result { try body() }
                result.withLock { $0 = ended }
            }.start()
        }
        var ended: Bool { result.withLock { $0 != nil } }
        func value() throws -> T? { try result.withLock { $0 }?.get() }
        var error: EmberError? {
            guard case .failure(let error as EmberError)? = result.withLock({ $0 }) else { return nil }
            return error
        }
    }

    /// A session on `clock` running a job whose one map task's first attempt never reports (it
    /// sleeps ten minutes); returns once the job's loop waits at time 0.
    func sessionWithAStuckTask(_ clock: ManualClock, executors: Int,
                               _ configure: @escaping (inout SessionConfig) -> Void) throws -> (Session, Outcome<Int64>) {
        let config = testConfig(executors: executors, cores: 1) {
            $0.heartbeatIntervalMillis = 3_600_000   // no heartbeats: nothing but the clock moves
            $0.faults.delayTasks = [(task: TaskSelector(stage: 0, partition: 0), millis: 600_000)]
            configure(&$0)
        }
        let session = try Session(config: config, clock: clock)
        let outcome = Outcome { try session.range(0, 100, numPartitions: 1).count() }
        #expect(waitUntil(seconds: 120) { session.isRunningJob && clock.isWaiting(at: 0) }, "the job runs and its loop waits")
        return (session, outcome)
    }

    /// Moves the clock to half a second before `time`: once the loop has seen that, `happened` must
    /// not hold; then to `time`, and waits until it holds.
    func expect(_ what: String, at time: Double, on clock: ManualClock, _ happened: () -> Bool,
                sourceLocation: SourceLocation = #_sourceLocation) {
        clock.advance(by: time - 0.5 - clock.now())
        #expect(waitUntil(seconds: 120) { clock.isWaiting(at: time - 0.5) }, sourceLocation: sourceLocation)
        let early = happened()
        #expect(!early, "\(what) before \(time) s", sourceLocation: sourceLocation)
        clock.advance(by: 0.5)
        let onTime = waitUntil(seconds: 120, happened)
        #expect(onTime, "\(what) at \(time) s", sourceLocation: sourceLocation)
    }

    @Test func anExecutorThatStopsHeartbeatingIsDeclaredLostWhenTheClockPassesTheTimeoutAndNotBefore() throws {
        let clock = ManualClock()
        // The executor is heard from when it registers (at 0), then never; the stuck attempt is
        // lost with it, and its second attempt runs on the replacement at once.
        let (session, outcome) = try sessionWithAStuckTask(clock, executors: 1) { $0.executorHeartbeatTimeoutSeconds = 30 }
        defer { session.stop() }
        expect("executor 1 declared lost", at: 30, on: clock) { !session.executorLossReasons.isEmpty }
        #expect(session.executorLossReasons == ["executor 1: executor heartbeat timed out after 30000 ms (limit 30000 ms)"])
        #expect(waitUntil(seconds: 120) { outcome.ended }, "the job ended")
        #expect(try outcome.value() == 100)
        #expect(session.executorsLost == 1 && session.executorCount == 1)
    }

    @Test func anIdleExecutorIsRemovedWhenTheClockPassesTheIdleTimeoutAndNotBefore() throws {
        let clock = ManualClock()
        // The stuck task keeps one executor busy; the other is idle from its registration at 0.
        let (session, outcome) = try sessionWithAStuckTask(clock, executors: 2) {
            $0.dynamicAllocation.enabled = true
            $0.dynamicAllocation.minExecutors = 1
            $0.dynamicAllocation.initialExecutors = 2
            $0.dynamicAllocation.maxExecutors = 2
            $0.dynamicAllocation.executorIdleTimeoutSeconds = 60
        }
        defer { session.stop() }
        expect("an idle executor removed", at: 60, on: clock) { !session.removedIdleExecutors.isEmpty }
        #expect(session.removedIdleExecutors.count == 1)
        #expect(waitUntil(seconds: 120) { session.executorCount == 1 }, "the removed executor left; the busy one stays")
        #expect(session.executorLossReasons.isEmpty, "a removal is not a loss")

        // stop() ends the job that waits on the stuck task.
        session.stop()
        #expect(waitUntil(seconds: 120) { outcome.ended }, "the job ended")
        #expect(outcome.error?.message.contains("the session was stopped") == true, "\(String(describing: outcome.error))")
    }

    @Test func aTaskWaitingForItsHostRunsElsewhereWhenTheClockPassesTheLocalityWaitAndNotBefore() throws {
        let dir = ScratchDir("manual-locality")
        defer { dir.cleanup() }
        let clock = ManualClock()
        let hosts = ["a", "b"]
        let session = try Session(config: testConfig(executors: 1, cores: 1) {
            $0.heartbeatIntervalMillis = 3_600_000   // no heartbeats: nothing but the clock moves
            $0.hosts = hosts                         // executor 1 is on host a
            $0.maxPartitionBytes = 1 << 10
        }, clock: clock)
        defer { session.stop() }
        // A file whose splits are placed on both hosts: those on b wait (locality.wait.node = 3 s)
        // for an executor there, then run on a.
        let lines = (0..<400).map { "line \($0)" }
        var path = "", onA = 0
        for n in 0... {
            path = dir.write("in-\(n).txt", lines.joined(separator: "\n") + "\n")
            let placed = try session.splitFiles([path]).map { DAGScheduler.host(of: $0, hosts: hosts) }
            onA = placed.filter { $0 == "a" }.count
            if onA > 0 && onA < placed.count { break }
        }
        let input = path
        let outcome = Outcome { try session.read.text(input).count() }
        #expect(waitUntil(seconds: 120) { session.lastJobTasks.count == onA && clock.isWaiting(at: 0) }, "the splits on a ran at once")
        expect("the job ended", at: 3, on: clock) { outcome.ended }
        #expect(try outcome.value() == Int64(lines.count))
        let map = session.lastJobTasks.filter { $0.stageId == session.lastJobTasks.first?.stageId }
        #expect(map.filter { $0.locality == .nodeLocal }.count == onA && map.filter { $0.locality == .any }.count == map.count - onA,
                "\(map.map(\.locality))")
    }

    @Test func aStragglerGetsACopyWhenTheClockPassesTheSpeculationThresholdAndNotBefore() throws {
        let dir = ScratchDir("manual-speculation")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        // The first attempt of map partition 0 never reports; every other attempt runs at once.
        backend.behavior = { task, _ in task.stageId == StageID(0) && task.partition == 0 && task.attempt == 0 ? .silent : .run }
        let clock = ManualClock()
        let scheduler = try SchedulerTests().scheduler(backend, clock: clock) {
            $0.speculation = true
            $0.speculationMinTaskRuntimeSeconds = 5   // the others took no time: the threshold is this
        }
        let box = UncheckedBox(scheduler)   // only the job thread touches it until the job ended
        let graph = SchedulerTests().graph()
        let outcome = Outcome { SchedulerTests().counts(try box.value.runJob(graph)) }
        #expect(waitUntil(seconds: 120) { clock.isWaiting(at: 0) && backend.tasksRun.count == 3 }, "three map tasks ran")

        // Running for longer than 5 s, not 5 s itself, makes a straggler.
        expect("the copy ran and the job ended", at: 5.5, on: clock) { outcome.ended }
        #expect(backend.tasksRun.count == 3 + 1 + 2, "3 map tasks, the straggler's copy, 2 reduce tasks")
        #expect(try outcome.value() == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
    }

    @Test func startupGivesUpWhenTheClockPassesTheRegistrationDeadlineAndNotBefore() throws {
        let dir = ScratchDir("manual-registration")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        backend.registers = { $0.value != "2" }
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2)
        config.executorStartTimeoutSeconds = 30
        let clock = ManualClock()
        let box = UncheckedBox(DAGScheduler(cluster: backend, config: config, clock: clock))
        let outcome = Outcome { try box.value.start(executors: 2) }
        #expect(waitUntil(seconds: 120) { clock.isWaiting(at: 0) })
        expect("startup gave up", at: 30, on: clock) { outcome.ended }
        let error = try #require(outcome.error, "startup should fail")
        #expect(error.message == "executors did not register within 30 s" && error.context("waiting for") == "2", "\(error)")
    }

    /// A locality timeout that passes between the offers and the arming of the timer still fires.
    @Test func aLocalityTimeoutThatPassesDuringTheOffersIsStillArmed() throws {
        let dir = ScratchDir("locality-window")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        let clock = ManualClock()
        let scheduler = try SchedulerTests().scheduler(backend, clock: clock) { $0.hosts = ["a", "a", "b"] }
        let graph = SchedulerTests().graph()
        let stage = try #require(graph.stages.first { $0.isShuffleMap })
        var job = DAGScheduler.JobState(graph: graph)
        job.running[stage.id] = TaskSetManager(stage: stage, attempt: 0, partitions: [0], preferred: [0: [TaskLocation(host: "b")]],
                                               waits: scheduler.config.localityWaits, now: clock.now())
        let offeredAt = clock.now()
        scheduler.launchTasks(&job)
        #expect(scheduler.tasks.running.isEmpty && scheduler.tasks.hasFreeSlots)
        clock.advance(by: scheduler.config.localityWaits.node)
        scheduler.armLocalityTimer(job, offeredAt: offeredAt)
        #expect(scheduler.loop.dueTime(of: .localityWait) != nil)
    }
}
