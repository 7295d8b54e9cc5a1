// The DAGScheduler against a fake executor backend and a manual clock: tasks run in-process (no
// processes), and the test decides what each executor does with a launched task: run it, vanish,
// or go silent, and which heartbeats it sends. Time only moves when the test moves it.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
import Testing

/// Executors that live in the test: launched executors register at once, launched tasks are run by
/// a TaskRunner in this process unless `behavior` says otherwise.
final class FakeBackend: ExecutorBackend, @unchecked Sendable {
    enum Behavior { case run, vanish, silent }
    let events = BlockingQueue<ClusterEvent>()
    let appDir: String
    // Guarded by `lock`.
    private let lock = NSLock()
    private var next = 1
    private var launchedIDs: [ExecutorID] = []
    private var killedIDs: [ExecutorID] = []
    private var run: [(TaskID, ExecutorID)] = []
    var launched: [ExecutorID] { locked { launchedIDs } }
    var killed: [ExecutorID] { locked { killedIDs } }
    var tasksRun: [(TaskID, ExecutorID)] { locked { run } }
    private var plans: [ExecutorID: StagePlans] = [:]
    var behavior: @Sendable (TaskDescription, ExecutorID) -> Behavior = { _, _ in .run }
    /// Whether a launched executor registers (one that does not stays silent until killed).
    var registers: @Sendable (ExecutorID) -> Bool = { _ in true }

    init(appDir: String) { self.appDir = appDir }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func launchExecutor(cores: Int?) throws -> ExecutorID {
        lock.lock()
        let id = ExecutorID(String(next))
        next += 1
        launchedIDs.append(id)
        lock.unlock()
        if registers(id) { events.post(.registered(ExecutorInfo(id: id, pid: 0, host: "fake", cores: cores ?? 2))) }
        return id
    }

    func send(_ message: DriverMessage, to id: ExecutorID) -> Bool {
        lock.lock()
        let handled = plans[id, default: StagePlans()].handle(message)
        let known = plans[id] ?? StagePlans()
        lock.unlock()
        guard !handled, case .launchTask(let sent) = message, let task = try? known.withPlan(sent) else { return true }
        switch behavior(task, id) {
        case .run:
            locked { run.append((task.taskId, id)) }
            let (status, binary) = TaskRunner(executorId: id, localDir: appDir).run(task)
            events.post(.statusUpdate(status, binary))
        case .vanish:
            events.post(.lost(id, ExecutorLossReason(message: "fake executor vanished", exitCode: 1, causedByApp: true)))
        case .silent:
            break
        }
        return true
    }

    func kill(_ id: ExecutorID) {
        locked { killedIDs.append(id) }
        events.post(.lost(id, ExecutorLossReason(message: "killed by the scheduler", signal: 9, causedByApp: true)))
    }
}

@Suite struct SchedulerTests {
    func graph(_ rows: Int64 = 10_000) -> StageGraph {
        var plan = LogicalPlan.range(RangeSpec(start: 0, end: rows, step: 1, numPartitions: 4))
        plan = .aggregate(keys: [.binary(.remainder, .column("id"), .literal(.long(3)))], aggregates: [.alias(.aggregate(.count, nil), "n")], plan)
        let physical = PhysicalPlanner.plan(Optimizer.optimize(try! Analyzer.resolve(plan)), shufflePartitions: 2).plan
        var s = 0, sh = 0
        return StageGraph.build(physical, nextStageID: &s, nextShuffleID: &sh)
    }

    func counts(_ result: [Int: [ColumnarBatch]]) -> [String] {
        result.values.flatMap { $0.flatMap { b in (0..<b.numRows).map { b.row($0).description } } }.sorted()
    }

    func scheduler(_ backend: FakeBackend, clock: ManualClock, configure: (inout SessionConfig) -> Void = { _ in }) throws -> DAGScheduler {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2)
        configure(&config)
        let scheduler = DAGScheduler(cluster: backend, config: config, clock: clock)
        try scheduler.start(executors: 2)
        return scheduler
    }

    @Test func aJobRunsOnTheFakeBackend() throws {
        let dir = ScratchDir("fake")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        let scheduler = try scheduler(backend, clock: ManualClock())
        let result = try scheduler.runJob(graph())
        #expect(counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.tasksRun.count == 4 + 2, "4 map tasks and 2 reduce tasks")
        #expect(Set(backend.tasksRun.map(\.1)).count == 2, "both executors got tasks")
    }

    @Test func aVanishedExecutorsTaskRunsElsewhereAndTheExecutorIsReplaced() throws {
        let dir = ScratchDir("fake-loss")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        let vanished = Mutex(false)
        backend.behavior = { task, executor in
            // Executor 1 vanishes on its first task, once.
            if executor.value == "1" && vanished.withLock({ v in defer { v = true }; return !v }) { return .vanish }
            return .run
        }
        let scheduler = try scheduler(backend, clock: ManualClock())
        let result = try scheduler.runJob(graph())
        #expect(counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.launched.count == 3, "the lost executor was replaced")
        #expect(scheduler.losses.map(\.reason) == ["fake executor vanished"])
    }

    @Test func aSilentExecutorIsDeclaredLostWhenTheManualClockPassesTheHeartbeatTimeout() throws {
        let dir = ScratchDir("fake-silent")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        backend.behavior = { _, executor in executor.value == "2" ? .silent : .run }
        let clock = ManualClock()
        let scheduler = try scheduler(backend, clock: clock) { $0.executorHeartbeatTimeoutSeconds = 10 }
        // Move time forward while the job waits on the silent executor.
        let ticker = Thread {
            for _ in 0..<40 {
                usleep(50_000)
                clock.advance(by: 1)
            }
        }
        ticker.start()
        let result = try scheduler.runJob(graph())
        #expect(counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.killed.contains(ExecutorID("2")), "the silent executor was killed")
        #expect(scheduler.losses.first?.reason.contains("heartbeat timed out") == true)
    }

    /// Moves the clock 1 s forward every 50 ms, `times` times, each time posting a heartbeat that
    /// lists no running task from each executor `heartbeats(tick)` names.
    func tick(_ clock: ManualClock, _ backend: FakeBackend, times: Int, heartbeats: @escaping @Sendable (Int) -> [String]) {
        let ticker = Thread {
            for tick in 0..<times {
                usleep(50_000)
                clock.advance(by: 1)
                for id in heartbeats(tick) { backend.events.post(.heartbeat(ExecutorID(id), runningTasks: [])) }
            }
        }
        ticker.start()
    }

    @Test func aTaskMissingFromItsExecutorsHeartbeatsIsResubmitted() throws {
        let dir = ScratchDir("fake-vanished-task")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        // Executor 1 loses the first task it is given (never runs it, never mentions it again).
        let lost = Mutex<TaskID?>(nil)
        backend.behavior = { task, executor in
            if executor.value == "1", lost.withLock({ l in if l == nil { l = task.taskId; return true }; return false }) { return .silent }
            return .run
        }
        let clock = ManualClock()
        let scheduler = try scheduler(backend, clock: clock) { $0.executorHeartbeatTimeoutSeconds = 30 }
        let logs = LogCapture()
        scheduler.log = logs.logger
        // Both executors heartbeat, listing no task, once per (manual) second. After 60 s executor 1
        // goes quiet, so that a scheduler ignoring the lists would end the wait only by a timeout.
        tick(clock, backend, times: 200) { tick in tick < 60 ? ["1", "2"] : ["2"] }
        let result = try scheduler.runJob(graph())
        #expect(counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.killed.isEmpty, "no executor was given up on: \(backend.killed)")
        #expect(scheduler.losses.isEmpty, "\(scheduler.losses)")
        let lostTask = try #require(lost.withLock { $0 })
        #expect(logs.warnings.contains { $0.contains("task \(lostTask) is not in executor 1's heartbeats") }, "\(logs.warnings)")
    }

    @Test func aSilentExecutorIsLoggedWhileTheDriverWaitsBeforeItIsDeclaredLost() throws {
        let dir = ScratchDir("fake-silent-warning")
        defer { dir.cleanup() }
        let backend = FakeBackend(appDir: dir.path)
        backend.behavior = { _, executor in executor.value == "2" ? .silent : .run }
        let clock = ManualClock()
        let scheduler = try scheduler(backend, clock: clock) { $0.executorHeartbeatTimeoutSeconds = 20 }
        let logs = LogCapture()
        scheduler.log = logs.logger
        // Executor 1 heartbeats every second; executor 2 says nothing at all.
        tick(clock, backend, times: 60) { _ in ["1"] }
        let result = try scheduler.runJob(graph())
        #expect(counts(result) == ["[0, 3334]", "[1, 3333]", "[2, 3333]"])
        #expect(backend.killed.contains(ExecutorID("2")), "the silent executor was declared lost in the end")
        let warnings = logs.warnings.filter { $0.contains("executor 2 has sent no heartbeat") }
        #expect(warnings.count == 1, "one warning per silence: \(logs.warnings)")
        #expect(warnings.first?.contains("declared lost after 20 s") == true, "\(warnings)")
        #expect(!logs.warnings.contains { $0.contains("executor 1 has sent no heartbeat") }, "executor 1 kept talking")
    }
}
