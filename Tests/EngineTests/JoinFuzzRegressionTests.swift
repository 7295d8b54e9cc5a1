// Regressions the differential fuzzer found in joins (each minimized from a failing seed).

import Engine
import Foundation
import Testing

@Suite(.serialized) struct JoinFuzzRegressionTests {
    /// A join's estimated size is the product of its inputs' (Spark's estimate without statistics),
    /// not their sum: duplicate keys multiply rows, and a join of two tiny inputs broadcast as if
    /// it were tiny filled a 4 MiB executor's task memory (fuzz seed 286 of the first join run).
    @Test func joinOfJoinsIsNotBroadcastOnTheSumOfItsInputs() throws {
        let dir = ScratchDir("join-estimate")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig { $0.autoBroadcastJoinThreshold = 64 << 10; $0.shufflePartitions = 3 })
        defer { session.stop() }
        let rows = (0..<100).map { "1,\($0)\n" }.joined()
        let a = try session.read.schema("k BIGINT, v BIGINT").csv(dir.write("a.csv", rows))
        let b = try session.read.schema("k BIGINT, w BIGINT").csv(dir.write("b.csv", rows))
        let c = try session.read.schema("k BIGINT, x BIGINT").csv(dir.write("c.csv", "1,7\n1,8\n2,9\n"))
        let ab = a.join(b, on: "k")   // 10,000 rows from two files of ~600 bytes
        // A right outer join can build only its left side: the 10,000-row join must not be broadcast.
        let joined = ab.join(c, on: ab["k"] === c["k"], how: "right")
        let plan = try joined.explainString(false)
        #expect(plan.contains("ShuffledHashJoin RightOuter"), "\(plan)")
        #expect(try joined.count() == 20_001)
    }

    /// Every task of a broadcast join holds the whole broadcast side; a side above a task's memory
    /// was sorted (and spilled) by every probe task instead, so 200 tasks each sorted the same
    /// 170,000 rows at a 409 KiB task share and the job ran for minutes (fuzz seed 231). Such a
    /// side is shuffled: each task then builds only its partition of it.
    @Test func sideLargerThanATasksMemoryIsShuffledNotBroadcast() throws {
        // 2 MiB executors with 2 cores: a task can count on about 614 KiB of execution memory.
        let session = try Session(config: testConfig(memory: 2 << 20) { $0.shufflePartitions = 8 })
        defer { session.stop() }
        // Estimated 1.9 MB (under the default 10 MB threshold), 120,000 rows: 3 per key 0..<40,000.
        let build = session.range(0, 120_000, numPartitions: 2).select((col("id") % lit(40_000)).alias("k"), col("id").alias("v"))
        // 400,000 rows: 8 per key 0..<50,000.
        let probe = session.range(0, 400_000, numPartitions: 4).select((col("id") % lit(50_000)).alias("pk"))
        let joined = probe.join(build, on: col("pk") === col("k"))
        let plan = try joined.explainString(false)
        #expect(plan.contains("ShuffledHashJoin Inner") && !plan.contains("BroadcastHashJoin"), "\(plan)")
        // Keys 0..<40,000 match 8 × 3 rows each; v sums to 8 × Σ id over the build side.
        let totals = try joined.agg(count("*").alias("n"), sum(col("v")).alias("s")).collect()
        #expect(totals.map { [$0[0], $0[1]] } == [[.long(960_000), .long(8 * (120_000 * 119_999 / 2))]])
        // A hint still broadcasts the side (the user asked for it).
        let hinted = try probe.join(broadcast(build), on: col("pk") === col("k")).explainString(false)
        #expect(hinted.contains("BroadcastHashJoin"), "\(hinted)")
    }
}
