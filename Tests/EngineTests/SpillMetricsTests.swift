// The event log's spill fields come from their own metrics, as Spark defines them: "Memory Bytes
// Spilled" is the in-memory size of the data a spill released, "Disk Bytes Spilled" what it took
// on disk; both survive a replay of the log.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct SpillMetricsTests {
    @Test func memoryAndDiskBytesSpilledAreWrittenFromTheirOwnMetrics() throws {
        let dir = ScratchDir("spill-metrics")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig { config in
            config.shufflePartitions = 3
            config.eventLogDir = dir.path
            config.faults.refuseMemoryAbove = 1 << 20   // every task spills
        })
        let df = session.range(0, 200_000, numPartitions: 2).select((col("id") % 1000).alias("k"), randstr(40, seed: col("id")).alias("v"))
            .repartition(3, col("k")).agg(count(col("*")), sum(length(col("v"))))
        #expect(try df.collect().map(\.description) == ["[200000,8000000]"])
        let tasks = session.lastJobTasks
        session.stop()
        let log = try #require(session.eventLogPath)   // named <appId> once the session stopped

        let spilled = tasks.filter { $0.metrics.diskBytesSpilled > 0 }
        #expect(!spilled.isEmpty, "the tasks spilled")
        for task in spilled {
            #expect(task.metrics.memoryBytesSpilled > task.metrics.diskBytesSpilled,
                    "TID \(task.taskId): \(task.metrics.memoryBytesSpilled) bytes in memory spilled as \(task.metrics.diskBytesSpilled) on disk")
        }
        let ends = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  o["Event"] as? String == "SparkListenerTaskEnd" else { return nil }
            return o
        }
        for task in tasks {
            let end = try #require(ends.first { (($0["Task Info"] as? [String: Any])?["Task ID"] as? Int) == task.taskId.value })
            let metrics = try #require(end["Task Metrics"] as? [String: Any])
            #expect((metrics["Memory Bytes Spilled"] as? NSNumber)?.int64Value == task.metrics.memoryBytesSpilled)
            #expect((metrics["Disk Bytes Spilled"] as? NSNumber)?.int64Value == task.metrics.diskBytesSpilled)
        }
        let replayed = try EventLogReader.load(log).snapshot
        let replayedTasks = replayed.stages.values.flatMap { $0.tasks.values }
        #expect(replayedTasks.reduce(Int64(0)) { $0 + $1.metrics.memoryBytesSpilled } == tasks.reduce(Int64(0)) { $0 + $1.metrics.memoryBytesSpilled })
    }

    @Test func aFinalAggregateCountsItsSpillFilesInDiskBytesSpilled() throws {
        // 16 MiB executors of 1 core: a 9.6 MiB pool, below the Final aggregate's table of 400,000 keys.
        let session = try Session(config: testConfig(executors: 2, cores: 1, memory: 16 << 20) { config in
            config.shufflePartitions = 1
        })
        defer { session.stop() }
        let df = session.range(0, 800_000, numPartitions: 2).groupBy((col("id") % 400_000).alias("k")).count()
            .filter(col("count") =!= 2)
        #expect(try df.collect().isEmpty, "every key counted twice")
        let reduce = session.lastJobTasks.filter { $0.stageId == session.lastJobTasks.map(\.stageId).max() }
        #expect(reduce.contains { $0.metrics.spillCount > 0 }, "the Final aggregate spilled")
        for task in reduce where task.metrics.spillCount > 0 {
            #expect(task.metrics.diskBytesSpilled > 0, "TID \(task.taskId) spilled \(task.metrics.spillCount) times: its files count")
        }
    }
}
