// Every task and executor the event log starts, it also ends: tasks killed because their job no
// longer needed them (their KILLED status arrives after the job ended, or never, when the session
// stops first), and executors that dynamic allocation removed for being idle (a removal, not a
// loss). Otherwise Spark's History Server and Ember's UI show them running or active forever.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct TaskEndEventTests {
    /// The event log's lines with the given "Event" value, decoded.
    func events(_ path: String, _ name: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["Event"] as? String == name ? object : nil
        }
    }

    func taskIds(_ events: [[String: Any]]) -> Set<Int> {
        Set(events.compactMap { ($0["Task Info"] as? [String: Any])?["Task ID"] as? Int })
    }

    @Test func tasksKilledAfterTheirJobEndedStillEndInTheEventLog() throws {
        let dir = ScratchDir("task-end")
        defer { dir.cleanup() }
        // Partitions 1-7 are stragglers (2 s per batch); partition 0 alone holds the 5 rows asked
        // for, so the job ends while they run, and the session stops right after.
        let session = try Session(config: testConfig { config in
            config.eventLogDir = dir.path
            config.faults.slowTasks = (1..<8).map { (TaskSelector(stage: 0, partition: $0), 2000) }
        })
        let rows = try session.range(0, 800_000, numPartitions: 8).filter(col("id") % 1000 === 0).limit(5).collect()
        #expect(rows.count == 5)
        session.stop()
        let log = try #require(session.eventLogPath)
        let started = taskIds(try events(log, "SparkListenerTaskStart"))
        let ends = try events(log, "SparkListenerTaskEnd")
        #expect(started.count >= 2, "the stragglers were launched")
        #expect(taskIds(ends) == started, "every started task ended: missing \(started.subtracting(taskIds(ends)).sorted())")
        let reasons = ends.compactMap { ($0["Task End Reason"] as? [String: Any])?["Reason"] as? String }
        #expect(reasons.filter { $0 == "TaskKilled" }.count == started.count - 1, "the stragglers ended KILLED: \(reasons)")
        // One result stage: every task is a ResultTask, those that ended after the job too.
        #expect(ends.map { $0["Task Type"] as? String } == Array(repeating: "ResultTask", count: ends.count),
                "\(ends.map { $0["Task Type"] ?? "-" })")
    }

    @Test func anExecutorRemovedForBeingIdleIsRemovedInTheEventLogButIsNoLoss() throws {
        let dir = ScratchDir("idle-removal")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig(executors: 2, cores: 1) { config in
            config.eventLogDir = dir.path
            config.dynamicAllocation.enabled = true
            config.dynamicAllocation.minExecutors = 1
            config.dynamicAllocation.initialExecutors = 2
            config.dynamicAllocation.maxExecutors = 2
            config.dynamicAllocation.executorIdleTimeoutSeconds = 0.3
        })
        _ = try session.range(0, 1_000, numPartitions: 1).count()
        // An idle executor is removed when the next job starts; its exit then reaches the driver.
        let deadline = Date(timeIntervalSinceNow: 60)
        while session.executorCount > 1 && Date() < deadline {
            usleep(400_000)
            _ = try session.range(0, 10, numPartitions: 1).count()
        }
        let removed = try #require(session.removedIdleExecutors.first)
        #expect(session.executorsLost == 0, "a removal is not a loss: \(session.executorLossReasons)")
        session.stop()
        let log = try #require(session.eventLogPath)
        let removals = try events(log, "SparkListenerExecutorRemoved")
        let mine = removals.first { $0["Executor ID"] as? String == removed }
        #expect((mine?["Removed Reason"] as? String)?.contains("dynamic allocation") == true, "\(removals)")
    }
}
