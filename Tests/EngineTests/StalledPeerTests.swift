// A peer that stops reading its connection cannot block a sender for ever: a frame has a send
// deadline, after which the connection is shut down; and on the driver, an executor stopped with
// SIGSTOP while a large task launch is on its way is given up when that deadline passes, so the
// job finishes on the other executors instead of hanging the scheduler (before, the scheduler's
// thread blocked in send(2) once the socket buffers were full, and nothing else ran again).

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct StalledPeerTests {
    @Test func aFrameThePeerDoesNotReadTimesOutAndShutsTheConnectionDown() throws {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let sender = FrameConnection(fd: fds[0], sendTimeoutSeconds: 0.5)
        let reader = FrameConnection(fd: fds[1])
        // 8 MiB: far more than a socket pair buffers; the reader reads nothing.
        let error = #expect(throws: ConnectionError.self) {
            try sender.send(DriverMessage.removeCache(1), binary: [UInt8](repeating: 7, count: 8 << 20))
        }
        guard case .timedOut = error else { Issue.record("expected timedOut, got \(String(describing: error))"); return }
        // The frame went out in part: the connection is shut down, not left to carry a torn stream.
        #expect(throws: ConnectionError.self) { try sender.send(DriverMessage.removeCache(2)) }
        let drained = #expect(throws: ConnectionError.self) {
            while true { _ = try reader.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 30)) }
        }
        guard case .closed = drained else { Issue.record("the reader sees the connection closed, got \(String(describing: drained))"); return }
    }

    @Test func anExecutorThatStopsReadingIsGivenUpAndTheJobFinishesOnTheOthers() throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) { $0.executorSendTimeoutSeconds = 2 })
        defer { session.stop() }
        let victim = session.executorPIDs[0]
        kill(victim, SIGSTOP)
        defer { kill(victim, SIGKILL); kill(victim, SIGCONT) }
        // Every task's plan carries a 16 MiB literal: more than the stopped executor's socket
        // buffers take, so its launch cannot go out whole.
        let padding = String(repeating: "x", count: 16 << 20)
        // (Compared with a column, so planning cannot fold it away.)
        let frame = session.range(0, 4, numPartitions: 4).filter(col("id").cast(.string) =!= lit(padding))
        let rows = Mutex<[String]?>(nil)
        let job = Thread {
            let collected = (try? frame.collect().map { "\($0[0])" }) ?? ["the job failed"]
            rows.withLock { $0 = collected }
        }
        job.stackSize = 8 << 20
        job.start()
        let finished = waitUntil(seconds: 120) { rows.withLock { $0 } != nil }
        #expect(finished, "the job hung on the stopped executor")
        if !finished {
            kill(victim, SIGKILL)   // unblocks the send so the job (and this test) can end
            _ = waitUntil(seconds: 120) { rows.withLock { $0 } != nil }
            return
        }
        #expect(rows.withLock { $0 }?.sorted() == ["0", "1", "2", "3"])
        #expect(session.executorLossReasons.contains { $0.contains("stopped reading its connection") }, "\(session.executorLossReasons)")
    }
}
