// Column pruning over filters: a column only a filter's condition reads stops at the filter (a
// Project right above it drops it, and the fused filter copies only what that Project keeps), so
// exchanges, joins and aggregates above never carry it, as Spark's ColumnPruning puts a Project
// over the Filter. Checked on seeded tables with nulls against a row-at-a-time reference, on real
// executor processes, and in the plans: what each shuffle reads, one Project where the query
// already narrows, a cached plan left whole.

import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite(.serialized) struct FilterColumnPruningTests {
    struct Row { var id: Int; var k: Int?; var note: String; var x: Int? }

    static func rows(_ count: Int, seed: UInt64) -> [Row] {
        var rng = SeededRandom(seed: seed)
        func value(_ range: ClosedRange<Int>) -> Int? { Int.random(in: 0..<6, using: &rng) == 0 ? nil : Int.random(in: range, using: &rng) }
        let words = ["ab", "abc", "b", "cab", "x", ""]
        return (0..<count).map { Row(id: $0, k: value(0...9), note: words.randomElement(using: &rng)! + words.randomElement(using: &rng)!, x: value(0...4)) }
    }

    static func csv(_ rows: [Row]) -> String {
        "id,k,note,x\n" + rows.map { "\($0.id),\($0.k.map(String.init) ?? ""),\"\($0.note)\",\($0.x.map(String.init) ?? "")\n" }.joined()
    }

    /// The reference's filter: note LIKE '%ab%' AND x > 1 (a null x fails it).
    static func passes(_ r: Row) -> Bool { r.note.contains("ab") && (r.x ?? Int.min) > 1 }

    /// The columns every ShuffleRead of the plan reads, one list per shuffle.
    static func shuffleReads(_ plan: String) -> [String] {
        plan.split(separator: "\n").filter { $0.contains("ShuffleRead") }.map { line in
            String(line[line.firstIndex(of: "[")!...line.firstIndex(of: "]")!])
        }
    }

    @Test func columnsOnlyAFilterReadsAreNotShuffled() throws {
        let dir = ScratchDir("filter-pruning")
        defer { dir.cleanup() }
        let left = Self.rows(300, seed: 5), right = Self.rows(200, seed: 6)
        var config = testConfig(executors: 2, cores: 1)
        config.shufflePartitions = 3
        config.autoBroadcastJoinThreshold = -1
        let session = try Session(config: config)
        defer { session.stop() }
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l.csv", Self.csv(left)))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r.csv", Self.csv(right)))
            .select(col("id").alias("rid"), col("k").alias("rk"))

        // A join above the filter: note and x stay in the map stage.
        let joined = l.filter(col("note").like("%ab%") && col("x") > 1).join(r, on: col("k") === col("rk")).select(col("id"), col("rid"))
        var expected: [String] = []
        for a in left where Self.passes(a) {
            for b in right where a.k != nil && a.k == b.k { expected.append("\(a.id)|\(b.id)") }
        }
        #expect(renderedRows(try joined.collect()) == expected.sorted())
        let joinPlan = try joined.explainString()
        #expect(!Self.shuffleReads(joinPlan).isEmpty)
        #expect(Self.shuffleReads(joinPlan).allSatisfy { !$0.contains("note") && !$0.contains("x") }, "\(joinPlan)")

        // An aggregate above the filter: its partial rows carry neither.
        let counted = l.filter(col("note").like("%ab%") && col("x") > 1).groupBy("k").agg(count("*").alias("n"))
        var counts: [String: Int] = [:]
        for a in left where Self.passes(a) { counts[a.k.map(String.init) ?? "null", default: 0] += 1 }
        #expect(renderedRows(try counted.collect()) == counts.map { "\($0.key)|\($0.value)" }.sorted())

        // A projection right above the filter narrows once: no second Project is put under it.
        let selected = l.filter(col("x") > 1).select(col("id"))
        #expect(renderedRows(try selected.collect()) == left.filter { ($0.x ?? Int.min) > 1 }.map { "\($0.id)" }.sorted())
        let selectPlan = try selected.explainString()
        let physical = selectPlan.components(separatedBy: "== Physical Plan ==")[1].components(separatedBy: "== Stages ==")[0]
        #expect(physical.components(separatedBy: "Project [").count - 1 == 1, "\(selectPlan)")

        // A filter over a cached plan: the cache keeps every column, the answer is the same.
        let cached = l.cache()
        let overCache = cached.filter(col("x") > 1).join(r, on: col("k") === col("rk")).select(col("id"), col("rid"))
        var expectedOverCache: [String] = []
        for a in left where (a.x ?? Int.min) > 1 {
            for b in right where a.k != nil && a.k == b.k { expectedOverCache.append("\(a.id)|\(b.id)") }
        }
        #expect(renderedRows(try overCache.collect()) == expectedOverCache.sorted())
        #expect(try cached.count() == Int64(left.count))
    }
}
