// Expressions over aggregates in agg(...) (sum(a) / sum(b), round(avg(x), 2), count(*) + 1, a
// grouping column, countDistinct(...) * 2, the same aggregate twice) against a reference computed
// row by row on a seeded random table with nulls, on real executor processes; an ungrouped column
// is an analysis error that names it.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct AggregateExpressionTests {
    struct Group { var n = 0; var sumA = 0; var sumB = 0; var countA = 0; var countB = 0; var distinctA = Set<Int>() }

    @Test func expressionsOverAggregatesMatchTheReference() throws {
        let dir = ScratchDir("agg-expr")
        defer { dir.cleanup() }
        var rng = SeededRandom(seed: 17)
        var text = "k,a,b\n"
        var groups: [Int: Group] = [:]
        for _ in 0..<2000 {
            let k = Int.random(in: 0..<9, using: &rng)
            let a: Int? = Int.random(in: 0..<8, using: &rng) == 0 ? nil : Int.random(in: -50..<100, using: &rng)
            let b: Int? = Int.random(in: 0..<8, using: &rng) == 0 ? nil : Int.random(in: 1..<20, using: &rng)
            text += "\(k),\(a.map(String.init) ?? ""),\(b.map(String.init) ?? "")\n"
            var g = groups[k] ?? Group()
            g.n += 1
            if let a { g.sumA += a; g.countA += 1; g.distinctA.insert(a) }
            if let b { g.sumB += b; g.countB += 1 }
            groups[k] = g
        }
        let session = try Session(config: testConfig { $0.shufflePartitions = 3 })
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("t.csv", text))
        let result = df.groupBy("k").agg(
            (sum("a") / sum("b")).alias("ratio"),
            round(avg("a"), 2).alias("avg_a"),
            (count(col("*")) + 1).alias("n1"),
            col("k").alias("key_again"),
            (countDistinct("a") * 2).alias("d2"),
            sum("a").alias("s"),
            (sum("a") - sum("a")).alias("zero"))
        #expect(result.columns == ["k", "ratio", "avg_a", "n1", "key_again", "d2", "s", "zero"])
        let rows = try result.orderBy("k").collect()
        #expect(rows.count == groups.count)
        for row in rows {
            let k = Int(row.values[0].description)!
            let g = groups[k]!
            #expect(abs(Double(row.values[1].description)! - Double(g.sumA) / Double(g.sumB)) < 1e-9, "group \(k)")
            let avg = (Double(g.sumA) / Double(g.countA) * 100).rounded(.toNearestOrAwayFromZero) / 100
            #expect(abs(Double(row.values[2].description)! - avg) < 1e-9, "group \(k)")
            #expect(row.values[3].description == String(g.n + 1))
            #expect(row.values[4].description == String(k))
            #expect(row.values[5].description == String(g.distinctA.count * 2))
            #expect(row.values[6].description == String(g.sumA))
            #expect(row.values[7].description == "0")
        }
        // A global aggregate with an expression over two aggregates.
        let total = try df.agg((sum("a") * 1.0 / count(col("a"))).alias("mean")).collect()
        let all = groups.values.reduce((0, 0)) { ($0.0 + $1.sumA, $0.1 + $1.countA) }
        #expect(abs(Double(total[0].values[0].description)! - Double(all.0) / Double(all.1)) < 1e-9)
    }

    @Test func anUngroupedColumnInAggIsAnErrorThatNamesIt() throws {
        let dir = ScratchDir("agg-expr-error")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig())
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("t.csv", "k,a\n1,2\n"))
        do {
            _ = try df.groupBy("k").agg((sum("a") + col("a")).alias("x")).collect()
            Issue.record("expected an analysis error")
        } catch let error as EmberError {
            #expect(error.code == .analysis)
            #expect(error.message.contains("column 'a'") && error.message.contains("neither grouped nor inside an aggregate"), "\(error.message)")
        }
    }
}
