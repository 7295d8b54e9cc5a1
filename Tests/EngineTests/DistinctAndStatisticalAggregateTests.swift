// countDistinct (planned as Spark's RewriteDistinctAggregates: no set per group), alone and mixed
// with ordinary aggregates, several distinct column sets, stddev/variance and first/last, on real
// executors against a naive reference over seeded random data with nulls; plus the empty and
// one-row cases Spark defines (count 0, variance of one value null).

import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

struct DistinctAndStatisticalAggregateTests {
    struct Input { var k: Int64?; var x: Int64?; var s: String?; var y: Double? }

    static func data(_ count: Int, seed: UInt64) -> [Input] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            Input(k: rng.below(10) == 0 ? nil : Int64(rng.below(13)),
                  x: rng.below(6) == 0 ? nil : Int64(rng.below(40)),
                  s: rng.below(7) == 0 ? nil : ["a", "b", "c", "é"][rng.below(4)],
                  y: rng.below(5) == 0 ? nil : Double(rng.below(1000)) / 8 - 40)
        }
    }

    static func csv(_ rows: [Input]) -> String {
        "k,x,s,y\n" + rows.map { r in
            [r.k.map(String.init) ?? "", r.x.map(String.init) ?? "", r.s ?? "", r.y.map { "\($0)" } ?? ""].joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    /// Spark's sample or population variance of the non-null values (null for none, or for one with samp).
    static func referenceVariance(_ ys: [Double], sample: Bool) -> Double? {
        if ys.isEmpty || (sample && ys.count == 1) { return nil }
        let mean = ys.reduce(0, +) / Double(ys.count)
        return ys.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sample ? ys.count - 1 : ys.count)
    }

    static func close(_ a: Value, _ b: Double?) -> Bool {
        guard let b else { return a.isNull }
        guard let x = a.doubleValue else { return false }
        return Swift.abs(x - b) <= 1e-9 * Swift.max(1, Swift.abs(b))
    }

    @Test(arguments: [(0, 1), (1, 2), (3_000, 3), (20_000, 4)])
    func groupedMatchesReference(_ size: Int, _ seed: Int) throws {
        let session = try makeSession(executors: 2, cores: 2, partitions: 4, maxPartitionBytes: 16 << 10)
        defer { session.stop() }
        let dir = ScratchDir("distinct")
        defer { dir.cleanup() }
        let rows = Self.data(size, seed: UInt64(seed))
        let path = dir.write("t.csv", Self.csv(rows))
        let df = try session.read.option("header", true).schema("k BIGINT, x BIGINT, s STRING, y DOUBLE").csv(path)
        let result = try df.groupBy("k").agg(countDistinct(col("x")).alias("dx"), countDistinct(col("x"), col("s")).alias("dxs"),
                                             countDistinct("s").alias("ds"), sum("x").alias("sx"), count("*").alias("n"),
                                             count("y").alias("ny"), avg("y").alias("ay"), stddev(col("y")).alias("sd"),
                                             var_pop(col("y")).alias("vp"), first(col("k")).alias("fk"),
                                             last(col("k"), ignoreNulls: true).alias("lk"), max("s").alias("ms"))
            .collect()
        let groups = Dictionary(grouping: rows, by: \.k)
        #expect(result.count == groups.count)
        for r in result {
            let key = r[0].longValue
            guard let g = groups[key] else { Issue.record("unexpected group \(r[0])"); continue }
            let xs = g.compactMap(\.x), ys = g.compactMap(\.y)
            #expect(r[1] == .long(Int64(Set(xs).count)))
            #expect(r[2] == .long(Int64(Set(g.compactMap { r in r.x.flatMap { x in r.s.map { "\(x)|\($0)" } } }).count)))
            #expect(r[3] == .long(Int64(Set(g.compactMap(\.s)).count)))
            #expect(r[4] == (xs.isEmpty ? .null : .long(xs.reduce(0, +))))
            #expect(r[5] == .long(Int64(g.count)))
            #expect(r[6] == .long(Int64(ys.count)))
            #expect(Self.close(r[7], ys.isEmpty ? nil : ys.reduce(0, +) / Double(ys.count)))
            #expect(Self.close(r[8], Self.referenceVariance(ys, sample: true)?.squareRoot()), "stddev of \(ys.count) values: \(r[8])")
            #expect(Self.close(r[9], Self.referenceVariance(ys, sample: false)))
            #expect(r[10] == (key.map { .long($0) } ?? .null))
            #expect(r[11] == (key.map { .long($0) } ?? .null))
            #expect(r[12] == (g.compactMap(\.s).max { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) } ?? .null))
        }
        #expect(result.isEmpty || result.first?.schema.names == ["k", "dx", "dxs", "ds", "sx", "n", "ny", "ay", "sd", "vp", "fk", "lk", "ms"])
    }

    @Test(arguments: [0, 1, 5_000])
    func globalMatchesReference(_ size: Int) throws {
        let session = try makeSession(executors: 1, cores: 2, partitions: 3)
        defer { session.stop() }
        let dir = ScratchDir("distinct-global")
        defer { dir.cleanup() }
        let rows = Self.data(size, seed: 9)
        let path = dir.write("t.csv", Self.csv(rows))
        let df = try session.read.option("header", true).schema("k BIGINT, x BIGINT, s STRING, y DOUBLE").csv(path)
        let onlyDistinct = try df.agg(countDistinct(col("s"))).collect()
        #expect(onlyDistinct.map(\.values) == [[.long(Int64(Set(rows.compactMap(\.s)).count))]])
        #expect(onlyDistinct.first?.schema.names == ["count(DISTINCT s)"])
        let mixed = try df.agg(countDistinct(col("x")), count("*"), count("x"), sum("x"), Engine.variance(col("y")), var_samp(col("y")),
                               stddev_pop(col("y")), first(col("s"), ignoreNulls: true)).collect()
        #expect(mixed.count == 1)
        guard let r = mixed.first else { return }
        #expect(r.schema.names == ["count(DISTINCT x)", "count(1)", "count(x)", "sum(x)", "variance(y)", "var_samp(y)", "stddev_pop(y)",
                                   "first(s) ignore nulls"])
        let xs = rows.compactMap(\.x), ys = rows.compactMap(\.y)
        #expect(r[0] == .long(Int64(Set(xs).count)))
        #expect(r[1] == .long(Int64(rows.count)))
        #expect(r[2] == .long(Int64(xs.count)))
        #expect(r[3] == (xs.isEmpty ? .null : .long(xs.reduce(0, +))))
        #expect(Self.close(r[4], Self.referenceVariance(ys, sample: true)))
        #expect(Self.close(r[5], Self.referenceVariance(ys, sample: true)))
        #expect(Self.close(r[6], Self.referenceVariance(ys, sample: false)?.squareRoot()))
        #expect(rows.contains { $0.s != nil } ? r[7].stringValue != nil : r[7].isNull)
    }

    /// The distinct rewrite plans aggregates and an expand, no operator that holds a set per group.
    @Test func distinctIsPlannedAsTwoAggregates() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = session.range(0, 1000, step: 1, numPartitions: 2)
            .groupBy((col("id") % 10).alias("k")).agg(countDistinct(col("id") % 7), sum("id"))
        let text = try Analyzer.resolve(df.plan).treeString()
        #expect(text.components(separatedBy: "Aggregate").count - 1 == 2)
        #expect(text.contains("Generate explode"))
        let rows = try df.collect()
        #expect(rows.count == 10)
        for r in rows {
            let k = r[0].longValue!
            #expect(r[1] == .long(7))
            #expect(r[2] == .long((0..<Int64(100)).reduce(0) { $0 + $1 * 10 + k }))
        }
    }
}
