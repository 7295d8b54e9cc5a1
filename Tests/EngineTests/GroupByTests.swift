// groupBy against a naive reference on seeded random CSV data: nulls in keys and values, groups
// whose values are all null (sum/avg/min/max are null, count still counts rows), empty input, one
// row, skewed and high-cardinality keys, 1 and 3 executors.

import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

struct GroupRow {
    var k1: String?
    var k2: Int64?
    var x: Int64?
}

/// Reference aggregation with Spark's null semantics; output formatted as Ember's CSV writer does.
func referenceGroupBy(_ rows: [GroupRow]) -> [[String]] {
    struct Acc { var count = 0; var n = 0; var sum: Int64 = 0; var min: Int64? = nil; var max: Int64? = nil }
    var groups: [String: (GroupRow, Acc)] = [:]
    for r in rows {
        let key = "\(r.k1 ?? "\u{0}null")|\(r.k2.map(String.init) ?? "\u{0}null")"
        var entry = groups[key] ?? (r, Acc())
        entry.1.count += 1
        if let x = r.x {
            entry.1.n += 1
            entry.1.sum &+= x
            entry.1.min = Swift.min(entry.1.min ?? x, x)
            entry.1.max = Swift.max(entry.1.max ?? x, x)
        }
        groups[key] = entry
    }
    let sorted = groups.values.sorted { a, b in
        // keys ascending, nulls first (Spark's ASC NULLS FIRST)
        if a.0.k1 != b.0.k1 {
            guard let x = a.0.k1 else { return true }
            guard let y = b.0.k1 else { return false }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        guard let x = a.0.k2 else { return b.0.k2 != nil }
        guard let y = b.0.k2 else { return false }
        return x < y
    }
    return sorted.map { row, acc in
        let avg = acc.n == 0 ? "" : formatDouble(Double(acc.sum) / Double(acc.n))
        return [row.k1 ?? "", row.k2.map(String.init) ?? "", String(acc.count),
                acc.n == 0 ? "" : String(acc.sum), avg, acc.min.map(String.init) ?? "", acc.max.map(String.init) ?? ""]
    }
}

func randomGroupRows(count: Int, distinctKeys: Int, nullRate: Int, skew: Bool, seed: UInt64) -> [GroupRow] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in
        let k = skew && Int.random(in: 0..<3, using: &rng) > 0 ? 0 : Int.random(in: 0..<distinctKeys, using: &rng)
        let k1: String? = nullRate > 0 && Int.random(in: 0..<nullRate, using: &rng) == 0 ? nil : "key\(k % 97)"
        let k2: Int64? = nullRate > 0 && Int.random(in: 0..<nullRate, using: &rng) == 0 ? nil : Int64(k / 97)
        // Groups with k2 == 5 only ever have null x, so their sum/avg/min/max must be null.
        let x: Int64? = (nullRate > 0 && Int.random(in: 0..<nullRate, using: &rng) == 0) || k2 == 5
            ? nil : Int64.random(in: -1000...100_000, using: &rng)
        return GroupRow(k1: k1, k2: k2, x: x)
    }
}

func csvText(_ rows: [GroupRow], nullToken: String) -> String {
    var s = "k1,k2,x\n"
    for r in rows {
        s += "\(r.k1 ?? nullToken),\(r.k2.map(String.init) ?? nullToken),\(r.x.map(String.init) ?? nullToken)\n"
    }
    return s
}

@Suite(.serialized) struct GroupByTests {
    static let aggregates = "count,sum(x),avg(x),min(x),max(x)"

    func check(_ rows: [GroupRow], executors: Int, partitions: Int, nullToken: String = "NA") throws {
        let dir = ScratchDir("gb")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", csvText(rows, nullToken: nullToken))
        let session = try makeSession(executors: executors, cores: 2, partitions: partitions)
        defer { session.stop() }
        let output = dir.file("out.csv")
        let df = try GroupByJob.dataFrame(session, input: input, keys: ["k1", "k2"],
                                          aggregates: try GroupByJob.parseAggregates(Self.aggregates), nullValue: nullToken)
        try df.write.option("header", true).csv(output)
        let got = try readCSVOutput(output, header: true)
        #expect(got.first == ["k1", "k2", "count", "sum_x", "avg_x", "min_x", "max_x"])
        let expected = referenceGroupBy(rows)
        #expect(got.count - 1 == expected.count)
        for (g, e) in zip(got.dropFirst(), expected) where g != e {
            Issue.record("row differs: got \(g), expected \(e)")
            break
        }
    }

    @Test func emptyInput() throws {
        // Header only: the job runs and writes just the header.
        try check([], executors: 1, partitions: 1)
    }

    @Test func oneRow() throws { try check([GroupRow(k1: "a", k2: 1, x: 42)], executors: 2, partitions: 3) }

    @Test(arguments: [(1, 1), (1, 3), (3, 8)])
    func randomRowsWithNulls(executors: Int, partitions: Int) throws {
        try check(randomGroupRows(count: 3000, distinctKeys: 600, nullRate: 9, skew: false, seed: 42),
                  executors: executors, partitions: partitions)
    }

    @Test func skewedKeys() throws {
        try check(randomGroupRows(count: 5000, distinctKeys: 400, nullRate: 20, skew: true, seed: 5), executors: 2, partitions: 4)
    }

    @Test func manyDistinctKeys() throws {
        try check(randomGroupRows(count: 20000, distinctKeys: 15000, nullRate: 0, skew: false, seed: 11), executors: 2, partitions: 6)
    }

    @Test func emptyStringIsNullByDefault() throws {
        try check(randomGroupRows(count: 500, distinctKeys: 50, nullRate: 5, skew: false, seed: 8), executors: 1, partitions: 2,
                  nullToken: "")
    }

    @Test func aggregateSpecParsing() throws {
        let specs = try GroupByJob.parseAggregates("count, sum(x),avg( y ),count(z)")
        #expect(specs.map(\.outputName) == ["count", "sum_x", "avg_y", "count_z"])
        #expect(throws: EmberError.self) { try GroupByJob.parseAggregates("median(x)") }
        #expect(throws: EmberError.self) { try GroupByJob.parseAggregates("sum()") }
    }
}
