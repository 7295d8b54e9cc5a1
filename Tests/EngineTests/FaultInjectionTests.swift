// Faults injected through configuration into real runs: a failing task attempt is retried on
// another executor; a task failing every attempt fails the job after task.maxFailures (4) with its
// first and last errors; a delayed task and an executor killed after N tasks still give the right
// result; refused memory forces spills; without a shuffle service a lost executor's map outputs are
// recomputed.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct FaultInjectionTests {
    func session(_ configure: (inout SessionConfig) -> Void) throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 4
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        configure(&config)
        return try Session(config: config)
    }

    func job(_ s: Session) -> DataFrame {
        s.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k")).agg(count(col("*")).alias("n"), sum("id").alias("s")).orderBy("k")
    }

    static let expected: [String] = (0..<7).map { (k: Int) -> String in
        let ids: [Int64] = Array(stride(from: Int64(k), to: Int64(100_000), by: 7))
        let total: Int64 = ids.reduce(0, +)
        return "[\(k),\(ids.count),\(total)]"
    }

    @Test func aFailedAttemptIsRetriedOnAnotherExecutor() throws {
        let s = try session { $0.faults.failTasks = [TaskSelector(partition: 2, attempt: 0)] }
        defer { s.stop() }
        #expect(try job(s).collect().map(\.description) == Self.expected)
        let injected = s.lastJobFailures.filter { $0.message.contains("injected failure") }
        #expect(injected.count >= 1)
        let failedOn = Set(injected.compactMap { $0.context("executor") })
        let retried = s.lastJobTasks.filter { $0.partition == 2 }
        #expect(retried.allSatisfy { !failedOn.contains($0.executorId.value) }, "the retry ran on another executor")
    }

    @Test func aTaskFailingEveryAttemptFailsTheJobWithFirstAndLastError() throws {
        let s = try session { $0.faults.failTasks = (0..<4).map { TaskSelector(partition: 1, attempt: $0) } }
        defer { s.stop() }
        let error = #expect(throws: EmberError.self) { _ = try job(s).collect() }
        #expect(error?.message.contains("failed 4 times") == true)
        #expect(error?.message.contains("injected failure of task 1.3") == true, "last error: \(String(describing: error))")
        #expect(error?.context("first failure")?.contains("task 1.0") == true)
    }

    @Test func delaysKillsRefusedMemoryAndNoShuffleServiceStillGiveTheRightResult() throws {
        let delayed = try session { $0.faults.delayTasks = [(TaskSelector(partition: 0), 300)] }
        #expect(try job(delayed).collect().map(\.description) == Self.expected)
        delayed.stop()

        let killed = try session {
            $0.faults.killExecutor = (executor: 1, afterTasks: 2)
            $0.shuffleServiceEnabled = false
        }
        #expect(try job(killed).collect().map(\.description) == Self.expected)
        #expect(killed.executorsLost == 1)
        killed.stop()

        let starved = try session { $0.faults.refuseMemoryAbove = 1 << 20 }
        let df = starved.range(0, 200_000, numPartitions: 2).select((col("id") % 1000).alias("k"), randstr(40, seed: col("id")).alias("v"))
            .repartition(3, col("k")).agg(count(col("*")), sum(length(col("v"))))
        #expect(try df.collect().map(\.description) == ["[200000,8000000]"])
        #expect(starved.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount } > 0, "1 MB of memory per task forces spills")
        starved.stop()
    }
}

@Suite(.serialized) struct SpeculationTests {
    /// Partition 0 of the map stage is a straggler that takes 1 s per input batch (25,000 rows in 7
    /// batches). Its speculative copy wins; the straggler must then be stopped at a batch boundary
    /// and reported KILLED, having read less than its input, and the result counted once.
    @Test func theLosingCopyIsKilledAtABatchBoundaryAndCountedOnce() throws {
        let session = try Session(config: testConfig { config in
            config.shufflePartitions = 4
            config.speculation = true
            config.faults.slowTasks = [(TaskSelector(stage: 0, partition: 0, attempt: 0), 1000)]
        })
        defer { session.stop() }
        let df = session.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k"))
            .agg(count(col("*")).alias("n"), sum("id").alias("s")).orderBy("k")
        let rows = try df.collect().map(\.description)
        #expect(rows == FaultInjectionTests.expected, "counted once")
        #expect(session.lastJobTasks.filter { $0.partition == 0 }.count == 2, "one result for partition 0 in each of the 2 stages")
        let winner = session.lastJobTasks.first { $0.stageId == StageID(0) && $0.partition == 0 }
        // The loser reports KILLED once it reaches its next batch boundary (at most 1 s later).
        let deadline = Date(timeIntervalSinceNow: 60)
        var killed: TaskRecord? = nil
        while killed == nil && Date() < deadline {
            killed = session.killedTasks.first { $0.stageId == StageID(0) && $0.partition == 0 }
            if killed == nil { usleep(50_000) }
        }
        guard let killed else {
            Issue.record("the losing copy of partition 0 was never reported killed")
            return
        }
        #expect(killed.taskId != winner?.taskId)
        #expect(killed.metrics.inputRows < 25_000, "it stopped before reading its whole input (\(killed.metrics.inputRows) rows)")
        #expect(session.lastJobFailures.isEmpty, "a killed copy is not a failure: \(session.lastJobFailures)")
    }
}

@Suite(.serialized) struct ExclusionTests {
    @Test func anExecutorThatKeepsFailingIsExcludedAndReplaced() throws {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 4
        config.excludeOnFailureEnabled = true
        config.faults.failTasksOnExecutor = 1
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        let df = session.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k"))
            .agg(count(col("*")).alias("n"), sum("id").alias("s")).orderBy("k")
        #expect(try df.collect().map(\.description) == FaultInjectionTests.expected)
        #expect(session.exclusions.count == 1)
        #expect(session.exclusions.first?.hasPrefix("executor 1: excluded after 2 failed tasks") == true, "\(session.exclusions)")
        #expect(session.executorLossReasons.contains { $0.contains("excluded for failing 2 tasks") }, "it was killed and replaced")
        #expect(session.lastJobTasks.allSatisfy { $0.executorId.value != "1" })
    }
}

@Suite(.serialized) struct DynamicAllocationTests {
    @Test func rampsUpWhileTasksWaitAndRemovesIdleExecutorsDownToTheMinimum() throws {
        var config = SessionConfig()
        config.master = .local(executors: 3, cores: 1, memory: 256 << 20)
        config.shufflePartitions = 2
        config.dynamicAllocation.enabled = true
        config.dynamicAllocation.minExecutors = 1
        config.dynamicAllocation.initialExecutors = 1
        config.dynamicAllocation.maxExecutors = 3
        config.dynamicAllocation.schedulerBacklogTimeoutSeconds = 0.1
        config.dynamicAllocation.executorIdleTimeoutSeconds = 0.5
        config.faults.delayTasks = (0..<6).map { (TaskSelector(partition: $0), 300) }
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        #expect(session.executorCount == 1, "starts with initialExecutors")
        let df = session.range(0, 60_000, numPartitions: 6).groupBy((col("id") % 3).alias("k")).count().orderBy("k")
        #expect(try df.collect().map(\.description) == ["[0,20000]", "[1,20000]", "[2,20000]"])
        let used = Set(session.lastJobTasks.map(\.executorId))
        #expect(used.count >= 2, "waiting tasks made it add executors (used \(used.count))")
        #expect(used.count <= 3, "never above maxExecutors")
        usleep(800_000)   // longer than the idle timeout
        _ = try session.range(0, 10, numPartitions: 1).count()
        #expect(session.removedIdleExecutors.count >= 1, "idle executors were removed")
        #expect(session.executorsLost == 0, "removals are not losses")
    }
}
