// Result tasks and frame sizes, over a real socket pair whose frames are limited to 64 KiB: a
// result several times larger than the limit travels as a result file, so its status frame goes
// through and the result reads back whole; a status that cannot be sent anyway becomes a FAILED
// status on the same, still usable, connection.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct StatusFrameTests {
    static let frameLimit = 64 << 10

    func pair() -> (FrameConnection, FrameConnection) {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        return (FrameConnection(fd: fds[0], maxFrameBytes: Self.frameLimit), FrameConnection(fd: fds[1], maxFrameBytes: Self.frameLimit))
    }

    /// The result task of `range(0, rows)` with a 100-character string per row.
    func resultTask(rows: Int64) throws -> TaskDescription {
        let plan = LogicalPlan.project([.column("id"), .alias(.function(.randstr(length: 100), [.column("id")]), "s")],
                                       .range(RangeSpec(start: 0, end: rows, step: 1, numPartitions: 1)))
        let physical = PhysicalPlanner.plan(Optimizer.optimize(try Analyzer.resolve(plan)), shufflePartitions: 1).plan
        var s = 0, sh = 0
        let stage = StageGraph.build(physical, nextStageID: &s, nextShuffleID: &sh).resultStage
        return TaskDescription(taskId: TaskID(1), stageId: stage.id, stageAttempt: 0, partition: 0, attempt: 0, plan: stage.plan,
                               output: stage.output, inputs: stage.plan.taskInputs(partition: 0) { _, _ in [] })
    }

    @Test func aResultLargerThanTheFrameLimitTravelsAsAFile() throws {
        let dir = ScratchDir("status-frame")
        defer { dir.cleanup() }
        let task = try resultTask(rows: 50_000)
        let (status, binary) = TaskRunner(executorId: ExecutorID("1"), localDir: dir.path).run(task)
        #expect(status.state == .finished, "\(String(describing: status.error))")
        #expect(status.resultBytes > 16 * Int64(Self.frameLimit), "the result is far larger than a frame: \(status.resultBytes)")
        let (executor, driver) = pair()
        try executor.send(ExecutorMessage.statusUpdate(status), binary: binary)
        let (message, received) = try driver.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 30))
        guard case .statusUpdate(let arrived) = message else { Issue.record("got \(message)"); return }
        var reader = try TaskResult(partition: 0, status: arrived, binary: received).reader(schema: task.plan.schema, appDir: dir.path)
        var ids: [Int64] = []
        while let batch = try reader.next() { ids += (0..<batch.numRows).map { batch.row($0)[0].longValue ?? -1 } }
        #expect(ids == Array(0..<50_000))
    }

    @Test func aStatusThatCannotBeSentBecomesAFailedTaskOnTheSameConnection() throws {
        let dir = ScratchDir("status-unsendable")
        defer { dir.cleanup() }
        var task = try resultTask(rows: 2_000)
        task.maxDirectResultSize = 1 << 20   // ~230 KB come back in the frame: too large for it
        let (status, binary) = TaskRunner(executorId: ExecutorID("1"), localDir: dir.path).run(task)
        #expect(binary.count > Self.frameLimit)
        let (executor, driver) = pair()
        StatusReporter(connection: executor, task: task, blocks: BlockManager(directory: dir.path, memory: nil)).report(status, binary)
        let (message, _) = try driver.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 30))
        guard case .statusUpdate(let failed) = message else { Issue.record("got \(message)"); return }
        #expect(failed.state == .failed && failed.taskId == task.taskId)
        #expect(failed.error?.message.contains("could not be sent to the driver") == true, "\(String(describing: failed.error))")
        // The connection still carries frames.
        try executor.send(ExecutorMessage.heartbeat(ExecutorID("1"), runningTasks: []))
        let (next, _) = try driver.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 30))
        guard case .heartbeat = next else { Issue.record("got \(next)"); return }
    }
}
