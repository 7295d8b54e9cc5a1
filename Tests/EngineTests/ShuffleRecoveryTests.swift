// Shuffle integrity in real multi-process jobs: a map output damaged between the stages (flipped
// byte, truncated or missing data or index file) is reported as a fetch failure naming shuffle, map
// and reduce partition; the scheduler recomputes that map output and the result is still right.
// Also: MapStatus sizes reach the driver, and reducers fetch only non-empty blocks.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct ShuffleRecoveryTests {
    func groupBy(_ session: Session, _ input: String) throws -> [[String]] {
        let df = try GroupByJob.dataFrame(session, input: input, keys: ["k1", "k2"],
                                          aggregates: try GroupByJob.parseAggregates("count,sum(x),avg(x),min(x),max(x)"), nullValue: "NA")
        return try df.collect().map { $0.values.map { $0.isNull ? "" : $0.description } }
    }

    @Test(arguments: ShuffleCorruption.allCases)
    func damagedMapOutputIsRecomputed(_ kind: ShuffleCorruption) throws {
        let dir = ScratchDir("corrupt")
        defer { dir.cleanup() }
        let rows = randomGroupRows(count: 6000, distinctKeys: 500, nullRate: 10, skew: false, seed: 17)
        let input = dir.write("in.csv", csvText(rows, nullToken: "NA"))
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 5
        config.maxPartitionBytes = 16 << 10
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.faults.corruptShuffleOutput = (kind, 1)
        let session = try Session(config: config)
        defer { session.stop() }
        let got = try groupBy(session, input)
        #expect(got == referenceGroupBy(rows), "the result is right despite the \(kind) damage")
        let fetchFailures = session.lastJobFailures.filter { $0.code == .fetchFailed }
        #expect(!fetchFailures.isEmpty, "the damage was detected as a fetch failure")
        if let failure = fetchFailures.first {
            #expect(failure.context("shuffle") != nil && failure.context("map") != nil && failure.context("reduce") != nil,
                    "the failure names shuffle, map and reduce partition: \(failure)")
            #expect(failure.context("mapIndex") == "1")
        }
        #expect(session.lastJobFailures.allSatisfy { $0.code == .fetchFailed }, "nothing else failed")
    }

    @Test func mapStatusSizesReachTheDriverAndEmptyBlocksAreSkipped() throws {
        let dir = ScratchDir("mapstatus")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2, partitions: 16)
        defer { session.stop() }
        // 3 distinct keys into 16 partitions: most reduce partitions are empty.
        let df = session.range(0, 30_000, numPartitions: 4).select((col("id") % 3).alias("k"), col("id"))
            .groupBy("k").agg(count(col("*")).alias("n"), sum("id").alias("s")).orderBy("k")
        let result = try df.collect().map(\.description)
        #expect(result == ["[0,10000,149985000]", "[1,10000,149995000]", "[2,10000,150005000]"])
        let stats = try #require(session.shuffleStatistics.values.first)
        #expect(stats.mapOutputs == 4)
        #expect(stats.bytesByPartition.count == 16)
        #expect(stats.totalRows == 12, "each of 4 map tasks sends one partial row per key")
        let nonEmpty = stats.bytesByPartition.filter { $0 > 0 }.count
        #expect(nonEmpty <= 3)
        #expect(zip(stats.bytesByPartition, stats.rowsByPartition).allSatisfy { ($0 > 0) == ($1 > 0) })
        let reduceTasks = session.lastJobTasks.filter { $0.metrics.shuffleReadRows > 0 || $0.metrics.shuffleBlocksFetched > 0 }
        #expect(reduceTasks.reduce(0) { $0 + $1.metrics.shuffleBlocksFetched } == 4 * nonEmpty,
                "reducers fetch only the non-empty blocks")
    }
}
