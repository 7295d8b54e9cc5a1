// Null keys computed by an expression group as one key. `a + b` with `a` null leaves `a + b`'s
// stale sum in the null slot; that value must never reach a hash or a key comparison. The data has
// ~1 row per key and 150,000 rows per map task, so the Partial aggregate backs off into pass-through
// and ships the raw computed keys to the partitioner; 5 shuffle partitions on 2 executors. Each
// query is checked against a naive row-at-a-time reference.

import Engine
import Foundation
import Testing

/// One generated input row (nil = null).
private struct NullKeyRow {
    var a: Int64?
    var b: Int64
    var d: Double?
    var e: Double
    var s: String?
}

private func nullKeyRows(count: Int, seed: UInt64) -> [NullKeyRow] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { i in
        let a: Int64? = Int.random(in: 0..<50, using: &rng) == 0 ? nil : Int64.random(in: -5...5, using: &rng)
        let d: Double? = Int.random(in: 0..<4, using: &rng) == 0 ? nil : Double(Int.random(in: -8...8, using: &rng)) / 4
        let s: String? = Int.random(in: 0..<5, using: &rng) == 0 ? nil : "s\(Int.random(in: 0..<3, using: &rng))"
        return NullKeyRow(a: a, b: Int64(i) * 10, d: d, e: Double(i) * 10, s: s)
    }
}

private func csv(_ rows: [NullKeyRow]) -> String {
    var text = "a,b,d,e,s\n"
    for r in rows {
        text += "\(r.a.map(String.init) ?? ""),\(r.b),\(r.d.map { String($0) } ?? ""),\(r.e),\(r.s ?? "")\n"
    }
    return text
}

/// Reference groupBy(keys).agg(count(*), sum(b)): rows as "key|…|count|sum" strings, sorted.
private func reference(_ rows: [NullKeyRow], _ key: (NullKeyRow) -> [String?]) -> [String] {
    var groups: [[String?]: (Int64, Int64)] = [:]
    for r in rows {
        var acc = groups[key(r)] ?? (0, 0)
        acc.0 += 1
        acc.1 &+= r.b
        groups[key(r)] = acc
    }
    return groups.map { k, acc in (k.map { $0 ?? "null" } + [String(acc.0), String(acc.1)]).joined(separator: "|") }.sorted()
}

private func rendered(_ rows: [Row]) -> [String] {
    rows.map { row in row.values.map { $0.isNull ? "null" : $0.description }.joined(separator: "|") }.sorted()
}

private func show(_ v: Int64?) -> String? { v.map(String.init) }
private func show(_ v: Double?) -> String? { v.map { Value.double($0).description } }

@Suite(.serialized) struct NullKeyTests {
    @Test func computedNullKeysGroupAsOneKeyThroughPassThroughAndPartitions() throws {
        let dir = ScratchDir("nullkeys")
        defer { dir.cleanup() }
        let rows = nullKeyRows(count: 300_000, seed: 17)
        let input = dir.write("in.csv", csv(rows))
        let size = (try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
        // Two splits of about 150,000 rows: each map task backs off after 100,000 rows.
        let session = try makeSession(executors: 2, cores: 2, partitions: 5, maxPartitionBytes: Int64(size / 2 + 1))
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(input)
        let aggregates = [count(col("*")).alias("n"), sum("b").alias("sb")]

        // A single bigint key (the .long table shape).
        let bigint = try df.groupBy((col("a") + col("b")).alias("k")).agg(aggregates).collect()
        #expect(rendered(bigint) == reference(rows) { r in [show(r.a.map { a in a &+ r.b })] })
        #expect(bigint.filter { $0.isNullAt(0) }.count == 1, "one null-key row")

        // A single double key (the encoded shape).
        let double = try df.groupBy((col("d") + col("e")).alias("k")).agg(aggregates).collect()
        #expect(rendered(double) == reference(rows) { r in [show(r.d.map { d in d + r.e })] })
        #expect(double.filter { $0.isNullAt(0) }.count == 1, "one null-key row")

        // A single string key (the string shape).
        let string = try df.groupBy((col("a") + col("b")).cast(.string).alias("k")).agg(aggregates).collect()
        #expect(rendered(string) == reference(rows) { r in [show(r.a.map { a in a &+ r.b })] })

        // Several keys (the encoded shape): nulls in either computed column.
        let multi = try df.groupBy((col("a") + col("b")).alias("k1"), (col("d") + col("e")).alias("k2"), col("s"))
            .agg(aggregates).collect()
        #expect(rendered(multi) == reference(rows) { r in [show(r.a.map { a in a &+ r.b }), show(r.d.map { d in d + r.e }), r.s] })

        // Keys that repeat (the Partial aggregate keeps its table), with stale values in null slots.
        let repeated = try df.groupBy((col("a") + col("b") % 7).alias("k1"), (col("d") + col("e") % 4).alias("k2"))
            .agg(aggregates).collect()
        #expect(rendered(repeated) == reference(rows) { r in
            [show(r.a.map { a in a + r.b % 7 }), show(r.d.map { d in d + r.e.truncatingRemainder(dividingBy: 4) })]
        })
    }
}
