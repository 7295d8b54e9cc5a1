// PartitionDiscoveryTests: `partitionBy` writes `col=value/` directories (Spark's escaping, the
// default partition for null), reading a directory discovers them as typed partition columns
// appended after the files' columns, and filters on them prune whole directories (shown in explain).

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct PartitionDiscoveryTests {
    @Test func partitionByWritesDirectoriesAndReadsThemBack() throws {
        let dir = ScratchDir("partby")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let out = dir.file("out")
        let df = session.range(0, 100, numPartitions: 3).select(col("id"), (col("id") % 4).alias("k"))
        try df.write.partitionBy("k").option("header", true).csv(out)
        let files = treeListing(out)
        print(files)
        let back = try session.read.option("header", true).option("inferSchema", true).csv(out)
        print(try back.schema())
        let rows = try back.collect().map { [$0[0] as Value, $0[1] as Value] }
        #expect(rows.count == 100)
        let pruned = back.filter(col("k") === 1)
        print(try pruned.explainString())
        #expect(try pruned.count() == 25)
    }
}
