// Set operations and dropDuplicates against naive references on seeded random tables with nulls
// and duplicates, on real executor processes: union keeps duplicates, intersect and subtract are
// distinct and treat nulls as equal, dropDuplicates keeps one whole input row per key.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct SetOperationTests {
    private func table(_ n: Int, seed: UInt64) -> [[String?]] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in
            [Int.random(in: 0..<6, using: &rng) == 0 ? nil : String(Int.random(in: 0..<4, using: &rng)),
             Int.random(in: 0..<6, using: &rng) == 0 ? nil : "s\(Int.random(in: 0..<3, using: &rng))",
             String(Int.random(in: 0..<1000, using: &rng))]
        }
    }

    private func csv(_ rows: [[String?]]) -> String {
        "a,b,c\n" + rows.map { $0.map { $0 ?? "" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    private func render(_ rows: [Row]) -> [String] {
        rows.map { $0.values.map { $0.isNull ? "null" : $0.description }.joined(separator: "|") }.sorted()
    }

    @Test func setOperationsAndDropDuplicatesMatchReferences() throws {
        let dir = ScratchDir("setops")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig { $0.shufflePartitions = 3 })
        defer { session.stop() }
        let left = table(400, seed: 7), right = table(300, seed: 8)
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l.csv", csv(left)))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r.csv", csv(right)))
        func ab(_ row: [String?]) -> String { [row[0] ?? "null", row[1] ?? "null"].joined(separator: "|") }
        let lab = left.map(ab), rab = right.map(ab)
        let l2 = l.select("a", "b"), r2 = r.select("a", "b")
        #expect(render(try l2.union(r2).collect()) == (lab + rab).sorted())
        #expect(render(try l2.distinct().collect()) == Array(Set(lab)).sorted())
        #expect(render(try l2.intersect(r2).collect()) == Array(Set(lab).intersection(rab)).sorted())
        #expect(render(try l2.subtract(r2).collect()) == Array(Set(lab).subtracting(rab)).sorted())
        // dropDuplicates: one row per (a, b), and each output row is a whole input row.
        let deduplicated = render(try l.dropDuplicates("a", "b").collect())
        let whole = Set(left.map { $0.map { $0 ?? "null" }.joined(separator: "|") })
        #expect(deduplicated.count == Set(lab).count)
        #expect(Set(deduplicated.map { $0.split(separator: "|").prefix(2).joined(separator: "|") }) == Set(lab))
        #expect(deduplicated.allSatisfy { whole.contains($0) })
        #expect(l.dropDuplicates("a").columns == ["a", "b", "c"])
        #expect(render(try l.dropDuplicates().collect()) == Array(whole).sorted())
    }
}
