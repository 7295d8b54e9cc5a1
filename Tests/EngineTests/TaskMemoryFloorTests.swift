// An aggregate and the operators it feeds in one task share the task's memory: with every
// reservation refused above 1 MiB, each one is guaranteed its floor (TaskMemoryManager), so none
// starves another. Once, a Partial aggregate took its 1 MiB reservation step whole, and a Final
// aggregate took all the task's memory while the shuffle writer it fed then could not take one
// batch ("cannot reserve … bytes for a shuffle batch even after spilling").

import Engine
import Foundation
import Testing

@Suite(.serialized) struct TaskMemoryFloorTests {
    static let rows: Int64 = 120_000

    /// Keys of a few groups and of many; answers computed row by row.
    static func reference(groupsOf modulus: Int64) -> [Int64: (count: Int64, sum: Int64)] {
        var out: [Int64: (count: Int64, sum: Int64)] = [:]
        for id in 0..<rows {
            var acc = out[id % modulus] ?? (0, 0)
            acc.count += 1
            acc.sum += id
            out[id % modulus] = acc
        }
        return out
    }

    @Test func aggregatesAndTheWriterTheyFeedFinishUnderOneMegabyte() throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) { config in
            config.shufflePartitions = 3
            config.faults.refuseMemoryAbove = 1 << 20
        })
        defer { session.stop() }
        let source = session.range(0, Self.rows, numPartitions: 3)

        // Partial aggregate → shuffle writer.
        let few = try source.groupBy((col("id") % 7).alias("k")).agg(count(col("*")).alias("n"), sum("id").alias("s")).collect()
        let fewExpected = Self.reference(groupsOf: 7).map { "[\($0.key),\($0.value.count),\($0.value.sum)]" }.sorted()
        #expect(few.map(\.description).sorted() == fewExpected)

        // Final aggregate → shuffle writer (the repartition).
        let many = Self.reference(groupsOf: 40_000)
        let repartitioned = try source.groupBy((col("id") % 40_000).alias("k")).agg(sum("id").alias("s"))
            .repartition(4).agg(count(col("*")).alias("groups"), sum("s").alias("total")).collect()
        #expect(repartitioned.map(\.description) == ["[\(many.count),\(many.values.reduce(0) { $0 + $1.sum })]"])

        // Final aggregate → Partial aggregate → shuffle writer (one groupBy after another).
        var bySumModulo: [Int64: Int64] = [:]
        for (_, acc) in many { bySumModulo[acc.sum % 11, default: 0] += 1 }
        let regrouped = try source.groupBy((col("id") % 40_000).alias("k")).agg(sum("id").alias("s"))
            .groupBy((col("s") % 11).alias("m")).agg(count(col("*")).alias("n")).collect()
        #expect(regrouped.map(\.description).sorted() == bySumModulo.map { "[\($0.key),\($0.value)]" }.sorted())
    }
}
