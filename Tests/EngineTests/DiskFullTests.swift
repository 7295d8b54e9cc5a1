// A full local disk in a real run: one task attempt's shuffle files are written to /dev/full, so the
// kernel fails its writes with ENOSPC. The task is retried and the job succeeds (Spark retries a task
// whose shuffle write failed); when every attempt finds the disk full, the job fails after
// task.maxFailures attempts and the root-cause report names the full disk, the file and the errno,
// and where to put the local directory instead.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct DiskFullTests {
    func session(fullDiskAttempts: [Int]) throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 4
        config.printRootCauseReport = false
        config.eventLogDir = nil
        config.uiEnabled = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.faults.fillDisk = fullDiskAttempts.map { TaskSelector(stage: 0, partition: 1, attempt: $0) }
        return try Session(config: config)
    }

    func job(_ s: Session) -> DataFrame {
        s.range(0, 40_000, numPartitions: 4).groupBy((col("id") % 7).alias("k")).agg(count(col("*")).alias("n"), sum(col("id")).alias("s"))
            .orderBy("k")
    }

    /// The answer computed by hand.
    var expected: [[String]] {
        (0..<7).map { k in
            let ids = Array(stride(from: Int64(k), to: 40_000, by: 7))
            return ["\(k)", "\(ids.count)", "\(ids.reduce(Int64(0), +))"]
        }
    }

    func rows(_ df: DataFrame) throws -> [[String]] {
        try df.collect().map { row in (0..<3).map { row[$0].description } }
    }

    @Test func aTransientFullDiskFailsTheTaskNotTheJob() throws {
        let s = try session(fullDiskAttempts: [0])
        defer { s.stop() }
        #expect(try rows(job(s)) == expected)
        let failure = try #require(s.lastJobFailures.first)
        #expect(failure.code == .localDisk, "\(failure)")
        #expect(failure.context("errno") == String(ENOSPC))
        #expect(failure.message.contains("No space left on device"))
        let report = try #require(s.lastJobReport)
        #expect(!report.jobFailed)
        let disk = try #require(report.findings.first { $0.cause.hasPrefix("the local disk is full") }, "\(report)")
        #expect(disk.evidence.contains { $0.contains("temp_shuffle_") || $0.contains("shuffle_0_") })
        #expect(disk.evidence.contains { $0.contains("errno \(ENOSPC)") })
        #expect(disk.fix.hasPrefix("none needed now"))
    }

    @Test func aPersistentlyFullDiskFailsTheJobNamingTheDisk() throws {
        let s = try session(fullDiskAttempts: [0, 1, 2, 3])
        defer { s.stop() }
        let error = try #require(throws: EmberError.self) { _ = try job(s).collect() }
        #expect(error.message.contains("failed 4 times") && error.message.contains("No space left on device"), "\(error)")
        #expect(s.lastJobFailures.filter { $0.code == .localDisk }.count == 4, "retried up to task.maxFailures")
        #expect(error.context("root cause")?.hasPrefix("the local disk is full") == true, "\(error)")
        let report = try #require(s.lastJobReport)
        #expect(report.jobFailed)
        let disk = try #require(report.findings.first)
        #expect(disk.cause == "the local disk is full: 4 task attempt(s) could not write their local files")
        #expect(disk.component.contains(s.appDir))
        #expect(disk.evidence.contains { $0.contains("free space under \(s.appDir) now: ") })
        #expect(disk.fix.hasPrefix("free space on that disk, or point Ember's local directory at a disk with room: "
                                   + "SessionConfig.localDir or EMBER_LOCAL_DIR"))
        #expect(!report.findings.contains { $0.cause.contains("keeps failing tasks") }, "the disk is the cause, not an executor")
    }
}
