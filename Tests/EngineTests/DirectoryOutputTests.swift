// DirectoryOutputTests: `write.csv(dir)` / `write.format(…).save(dir)` as Spark writes them: one
// part file per task from the executors, committed through `_temporary` and a job commit ending
// with `_SUCCESS`; every save mode; a job that fails or is killed mid-write leaves no visible output.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct DirectoryOutputTests {
    @Test func writesOnePartPerTaskAndSuccess() throws {
        let dir = ScratchDir("dirout")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let out = dir.file("out")
        try session.range(0, 1000, numPartitions: 4).write.option("header", true).csv(out)
        let files = treeListing(out)
        #expect(files.contains("_SUCCESS"))
        let parts = files.filter { $0 != "_SUCCESS" }
        #expect(parts.count == 4 && parts.allSatisfy { isPartName($0, ext: "csv") }, "\(files)")
        #expect(Set(parts.map { String($0.dropFirst(11).prefix(36)) }).count == 1, "one uuid per job")
        let back = try session.read.option("header", true).option("inferSchema", true).csv(out).collect().map { $0[0] as Value }
        #expect(back.compactMap(\.longValue).sorted() == Array(0..<1000))
    }
}

@Suite(.serialized) struct CoalesceTests {
    @Test func coalesceMergesPartitionsWithoutAShuffle() throws {
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 1000, numPartitions: 7).filter(col("id") % 3 === 0)
        let one = df.coalesce(1)
        #expect(try one.physicalPlan().numPartitions == 1)
        #expect(!(try one.explainString()).contains("Exchange"), "no shuffle")
        #expect(try one.collect().compactMap { ($0[0] as Value).longValue }.sorted() == (0..<1000).filter { $0 % 3 == 0 }.map(Int64.init))
        let three = df.coalesce(3)
        #expect(try three.physicalPlan().numPartitions == 3)
        #expect(try three.count() == 334)
        #expect(try df.coalesce(20).physicalPlan().numPartitions == 7, "never more partitions than the child's")
        // A coalesce over a shuffle reads several reduce partitions in one task.
        let grouped = session.range(0, 500, numPartitions: 4).groupBy((col("id") % 10).alias("k")).count().coalesce(2)
        #expect(try grouped.collect().map { ($0[1] as Value).longValue ?? -1 }.reduce(0, +) == 500)
        #expect(throws: EmberError.self) { try df.coalesce(0).count() }
    }
}
