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
}
