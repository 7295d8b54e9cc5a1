// Session.cancelAllJobs (Spark's SparkContext.cancelAllJobs) on real executors: a running job ends
// with a JOB_CANCELLED error, its tasks are killed, and the session runs the next job normally; a
// cancel with no job running does nothing, and does not reach the job after it.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Synchronization
import Testing

@Suite(.serialized) struct CancelJobTests {
    @Test func cancelStopsTheRunningJobAndTheSessionGoesOn() throws {
        let session = try makeSession(executors: 2, cores: 1)
        defer { session.stop() }
        #expect(session.cancelAllJobs() == false)   // nothing runs: nothing to cancel
        // Billions of rows: far longer than the test waits.
        let endless = session.range(0, 4_000_000_000, numPartitions: 4).filter(col("id") % 7 === 3)
        let outcome = Mutex<Result<Int64, any Error>?>(nil)
        let runner = Thread {
            let result = Result { try endless.count() }   // not under the lock: the test polls it meanwhile
            outcome.withLock { $0 = result }
        }
        runner.start()
        #expect(waitUntil(seconds: 120) { session.cancelAllJobs() || outcome.withLock { $0 != nil } })
        #expect(waitUntil(seconds: 120) { outcome.withLock { $0 != nil } }, "the cancelled job did not end")
        let result = outcome.withLock { $0 }
        guard case .failure(let error as EmberError)? = result else {
            Issue.record("the job was not cancelled: \(String(describing: result))")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.message.contains("cancelled"))
        #expect(waitUntil(seconds: 60) { !session.killedTasks.isEmpty }, "the running tasks were not killed")
        // The session and its executors still work, and the old request does not cancel this job.
        #expect(try session.range(0, 1000, numPartitions: 3).filter(col("id") % 10 === 0).count() == 100)
        #expect(session.executorCount == 2)
    }
}
