// A running job does not hold up the Session: while a job waits on a task that would sleep for ten
// minutes, another thread reads the session's executors, losses, last job's tasks, killed tasks,
// cached blocks, storage reports and shuffle statistics, unpersists a cache, and then stops the
// session; each returns while the job is still running, and the job ends with "the session was
// stopped" instead of running to its end. No timing thresholds: each step waits for its condition,
// with deadlines far beyond what the step needs.

@testable import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
import Testing

@Suite struct SessionConcurrencyTests {
    /// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
    func wait(seconds: Double, for condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    @Test func accessorsAndStopDoNotWaitForARunningJob() throws {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 1, memory: 256 << 20)
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.eventLogDir = nil
        config.uiEnabled = false
        // Partition 0's first attempt sleeps ten minutes (it can be killed while it sleeps).
        config.faults.delayTasks = [(task: TaskSelector(partition: 0), millis: 600_000)]
        let session = try Session(config: config)
        defer { session.stop() }
        #expect(session.executorPIDs.count == 2)

        let outcome = Mutex<Result<Int, any Error>?>(nil)
        let job = Thread {
            let result = Result { try session.range(0, 1_000, numPartitions: 2).count() }
            outcome.withLock { $0 = result.map { Int($0) } }
        }
        job.start()
        #expect(wait(seconds: 120) { session.isRunningJob }, "the job started")

        // The accessors answer from another thread while the job runs.
        let answered = Mutex<(pids: [Int32], tasks: Int, losses: [String], count: Int)?>(nil)
        Thread {
            let value = (session.executorPIDs, session.lastJobTasks.count, session.executorLossReasons, session.executorCount)
            answered.withLock { $0 = value }
        }.start()
        #expect(wait(seconds: 120) { answered.withLock { $0 != nil } }, "the accessors returned")
        #expect(outcome.withLock { $0 == nil } && session.isRunningJob, "while the job was still running")
        let seen = try #require(answered.withLock { $0 })
        #expect(seen.pids.count == 2 && seen.count == 2 && seen.losses.isEmpty)
        #expect(seen.tasks <= 1, "at most the partition without a delay finished")

        // stop() from another thread ends the job instead of waiting for it.
        let stopped = Atomic<Bool>(false)
        Thread {
            session.stop()
            stopped.store(true, ordering: .releasing)
        }.start()
        #expect(wait(seconds: 120) { stopped.load(ordering: .acquiring) }, "stop() returned")
        #expect(wait(seconds: 120) { outcome.withLock { $0 != nil } }, "the job ended")
        guard case .failure(let error as EmberError)? = outcome.withLock({ $0 }) else {
            Issue.record("the job should fail because the session stopped, got \(String(describing: outcome.withLock { $0 }))")
            return
        }
        #expect(error.message.contains("the session was stopped"), "\(error)")
        #expect(session.executorPIDs.isEmpty, "no executors after stop")
    }

    @Test func cacheShuffleAndKillAccessorsAndUnpersistDoNotWaitForARunningJob() throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) {
            $0.shufflePartitions = 2
            // Only the long job has a partition 7: its first attempt sleeps ten minutes.
            $0.faults.delayTasks = [(task: TaskSelector(partition: 7), millis: 600_000)]
        })
        defer { session.stop() }

        // A first job caches two partitions and runs a shuffle, so there is something to read.
        let cached = session.range(0, 1_000, numPartitions: 2).persist(.memoryOnly)
        #expect(try cached.groupBy((col("id") % 3).alias("k")).count().collect().count == 3)
        let blocksBefore = session.cachedBlockLocations.values.flatMap { $0.values }.filter { !$0.isEmpty }.count
        let shufflesBefore = Set(session.shuffleStatistics.keys)
        let reportsBefore = session.storageReports.count
        #expect(blocksBefore == 2 && !shufflesBefore.isEmpty && reportsBefore > 0)

        let outcome = Mutex<Result<Int64, any Error>?>(nil)
        Thread {
            let result = Result { try session.range(0, 1_000, numPartitions: 8).count() }
            outcome.withLock { $0 = result }
        }.start()
        #expect(wait(seconds: 120) { session.isRunningJob }, "the job started")

        // A third thread reads what the driver knows of blocks, shuffles and kills, and unpersists.
        let answered = Mutex<(blocks: Int, shuffles: Set<ShuffleID>, reports: Int, killed: Int)?>(nil)
        Thread {
            let blocks = session.cachedBlockLocations.values.flatMap { $0.values }.filter { !$0.isEmpty }.count
            let value = (blocks, Set(session.shuffleStatistics.keys), session.storageReports.count, session.killedTasks.count)
            cached.unpersist()
            answered.withLock { $0 = value }
        }.start()
        #expect(wait(seconds: 120) { answered.withLock { $0 != nil } }, "the accessors and unpersist returned")
        #expect(outcome.withLock { $0 == nil } && session.isRunningJob, "while the job was still running")
        let seen = try #require(answered.withLock { $0 })
        // (The running job's map outputs and storage reports may have joined those of the first.)
        #expect(seen.blocks == blocksBefore && seen.shuffles.isSuperset(of: shufflesBefore) && seen.reports >= reportsBefore
                && seen.killed == 0, "\(seen)")

        // The running job's scheduler takes the unpersist request at its next turn: the driver forgets the blocks.
        #expect(wait(seconds: 120) { session.cachedBlockLocations.values.allSatisfy { $0.values.allSatisfy(\.isEmpty) } },
                "the driver forgot the unpersisted blocks")
        #expect(outcome.withLock { $0 == nil }, "while the job was still running")

        session.stop()
        #expect(wait(seconds: 120) { outcome.withLock { $0 != nil } }, "the job ended")
        guard case .failure(let error as EmberError)? = outcome.withLock({ $0 }) else {
            Issue.record("the job should fail because the session stopped, got \(String(describing: outcome.withLock { $0 }))")
            return
        }
        #expect(error.message.contains("the session was stopped"), "\(error)")
    }

    /// unpersist() while a job reads the cache: the job finishes on the blocks it started with,
    /// and the blocks are dropped when it ends (not dropped under it, failing and rerunning it,
    /// which stored them again).
    @Test func unpersistWhileAJobReadsTheCacheLeavesNoBlocksBehind() throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) {
            $0.faults.delayTasks = [(task: TaskSelector(partition: 1), millis: 5_000)]
        })
        defer { session.stop() }
        let cached = session.range(0, 1_000, numPartitions: 2).persist(.memoryOnly)
        #expect(try cached.count() == 1_000)
        let blocks = { session.cachedBlockLocations.values.flatMap { $0.values }.filter { !$0.isEmpty }.count }
        #expect(blocks() == 2)
        let outcome = Mutex<Result<Int64, any Error>?>(nil)
        Thread { let r = Result { try cached.count() }; outcome.withLock { $0 = r } }.start()
        #expect(waitUntil(seconds: 120) { session.isRunningJob })
        cached.unpersist()
        #expect(waitUntil(seconds: 120) { outcome.withLock { $0 != nil } })
        #expect(try outcome.withLock { $0 }?.get() == 1_000)
        #expect(waitUntil(seconds: 60) { blocks() == 0 })
        // The job ran once: its cache-read tasks were not failed by the unpersist.
        #expect(session.lastJobFailures.isEmpty)
    }
}
