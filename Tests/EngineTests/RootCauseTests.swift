// Root-cause reports from real runs with injected faults: out-of-memory executors, an executor
// killed from outside, a heartbeat timeout, a damaged shuffle file, one executor failing
// repeatedly, and a skewed key; plus the event log with Spark's event names.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct RootCauseTests {
    func session(_ configure: (inout SessionConfig) -> Void) throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 4
        config.printRootCauseReport = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        configure(&config)
        return try Session(config: config)
    }

    func job(_ s: Session) -> DataFrame {
        s.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k")).agg(count(col("*")).alias("n")).orderBy("k")
    }

    @Test func outOfMemory() throws {
        // 16 MiB executors: a pool of 9.6 MiB, below one 12 MB batch of 4,000 rows of 3,000 bytes,
        // so the map tasks fail whether or not they share their executor with another task.
        let s = try session { $0.master = .local(executors: 2, cores: 2, memory: 16 << 20); $0.recoveryModeEnabled = false }
        defer { s.stop() }
        let df = s.range(0, 24_000, numPartitions: 6).select((col("id") % 5).alias("k"), randstr(3000, seed: col("id")).alias("v"))
            .repartition(3, col("k")).agg(count(col("*")), sum(length(col("v"))))
        let error = #expect(throws: EmberError.self) { _ = try df.collect() }
        let report = try #require(s.lastJobReport)
        #expect(report.jobFailed)
        let oom = try #require(report.findings.first { $0.cause.contains("ran out of memory") })
        #expect(oom.evidence.contains { $0.contains("code 52") })
        #expect(oom.evidence.contains { $0.contains("cannot reserve") })
        #expect(oom.evidence.contains { $0.hasPrefix("its execution memory peaked at ") || $0.hasPrefix("it held no execution memory yet") },
                "the task's memory peak: \(oom.evidence)")
        // range(0, 24000) in 6 slices of 4000 ids, 8 bytes each: every partition launched is the median.
        #expect(oom.evidence.contains { $0.hasPrefix("its partition: 32000 bytes, 1.0× the median 32000 bytes of the stage's ") }, "\(oom.evidence)")
        #expect(oom.fix.contains("more memory") && oom.fix.contains("recoveryModeEnabled"))
        #expect(error?.context("root cause")?.contains("out of memory") == true)
    }

    @Test func killedFromOutside() throws {
        let s = try session { $0.faults.killExecutor = (executor: 1, afterTasks: 1) }
        defer { s.stop() }
        _ = try job(s).collect()
        let report = try #require(s.lastJobReport)
        #expect(!report.jobFailed)
        #expect(report.findings.contains { $0.cause == "executor 1 was killed from outside Ember (SIGKILL)" })
    }

    @Test func heartbeatTimeout() throws {
        // 3 s of silence (30 heartbeats) declares the stopped executor lost; the live one keeps
        // within that even when the machine is loaded by the suite's parallel tests.
        let s = try session { $0.heartbeatIntervalMillis = 100; $0.executorHeartbeatTimeoutSeconds = 3 }
        defer { s.stop() }
        let victim = s.executorPIDs[0]
        kill(victim, SIGSTOP)
        defer { kill(victim, SIGKILL) }
        _ = try job(s).collect()
        let finding = try #require(s.lastJobReport?.findings.first { $0.cause.contains("stopped answering") })
        #expect(finding.fix.contains("executorHeartbeatTimeoutSeconds"))
        #expect(!(s.lastJobReport?.findings.contains { $0.cause.contains("killed from outside") } ?? true), "Ember's own kill is not an outside kill")
    }

    @Test func damagedShuffleFile() throws {
        let s = try session { $0.faults.corruptShuffleOutput = (.truncateData, 2) }
        defer { s.stop() }
        _ = try job(s).collect()
        let finding = try #require(s.lastJobReport?.findings.first { $0.cause.contains("shuffle data could not be read") })
        #expect(finding.cause.contains("map output 2"))
        #expect(finding.evidence.contains { $0.contains("file: ") && $0.contains("shuffle_") })
        #expect(finding.fix.contains("recomputed"))
    }

    @Test func oneExecutorFailingRepeatedly() throws {
        let s = try session { $0.faults.failTasksOnExecutor = 2 }
        defer { s.stop() }
        _ = try job(s).collect()
        let finding = try #require(s.lastJobReport?.findings.first { $0.cause.contains("keeps failing tasks") })
        #expect(finding.cause.hasPrefix("executor 2 "))
        #expect(finding.fix.contains("excludeOnFailureEnabled"))
    }

    @Test func skewedKey() throws {
        let s = try session { $0.shufflePartitions = 8 }
        defer { s.stop() }
        // 90 % of the rows have key 0.
        let df = s.range(0, 200_000, numPartitions: 4)
            .select((col("id") % 10 === 0).cast(.long).alias("cold"), col("id"))
            .select(((col("cold") * col("id")) % 97).alias("k"), randstr(20, seed: col("id")).alias("v"))
            .repartition(8, col("k")).agg(count(col("*")), sum(length(col("v"))))
        _ = try df.collect()
        let finding = try #require(s.lastJobReport?.findings.first { $0.cause.contains("data skew") })
        #expect(finding.evidence.contains { $0.contains("× the median") })
        // The skewed reduce task summarized its keys: key 0 holds 90 % of the rows (180,000 of 200,000 plus
        // its share of the others); the summary's count is a lower bound within 1/17 of the partition.
        #expect(finding.cause.contains("key k = 0"), "\(finding.cause)")
        let heavy = try #require(finding.evidence.first { $0.hasPrefix("key k = 0: at least ") })
        let counted = Int(heavy.dropFirst("key k = 0: at least ".count).prefix { $0.isNumber }) ?? 0
        #expect(counted >= 180_000 - 200_000 / 17 && counted <= 182_000, "\(heavy)")
        #expect(finding.fix.contains("salt"))
    }

    @Test func theEventLogUsesSparksEventNames() throws {
        let s = try session { _ in }
        _ = try job(s).collect()
        s.stop()
        let path = try #require(s.eventLogPath)   // <appId>, no longer <appId>.inprogress
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let names = lines.compactMap { line -> String? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["Event"] as? String
        }
        for expected in ["SparkListenerApplicationStart", "SparkListenerExecutorAdded", "SparkListenerJobStart", "SparkListenerStageSubmitted",
                         "SparkListenerTaskStart", "SparkListenerTaskEnd", "SparkListenerStageCompleted", "SparkListenerJobEnd",
                         "SparkListenerApplicationEnd"] {
            #expect(names.contains(expected), "\(expected) is logged")
        }
        let taskEnd = try #require(lines.first { $0.contains("SparkListenerTaskEnd") })
        #expect(taskEnd.contains("\"Task Metrics\"") && taskEnd.contains("\"Locality\"") && taskEnd.contains("\"Reason\":\"Success\""))
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite struct ProgressBarTests {
    @Test func rendersLikeSpark() {
        let line = ConsoleProgressBar.render([.init(id: 1, total: 200, done: 42, running: 4, started: 0)], width: 80)
        #expect(line.hasPrefix("[Stage 1:"))
        #expect(line.hasSuffix("(42 + 4) / 200]"))
        #expect(line.count == 80)
        #expect(line.contains("=>") && !line.contains("> ="))
        let two = ConsoleProgressBar.render([.init(id: 1, total: 10, done: 10, running: 0, started: 0),
                                             .init(id: 2, total: 4, done: 0, running: 2, started: 0)], width: 80)
        #expect(two.contains("[Stage 1:") && two.contains("[Stage 2:") && two.contains("(0 + 2) / 4]"))
    }
}
