// KeySummary (the skewed reduce task's key summary) against exact counts on seeded random data:
// the dominant key is found with a count that is low by at most rows/17, keys of two columns are
// named together, and data without a dominant key names none.

@_spi(EmberInternal) import Planner
import Testing
@_spi(EmberInternal) @testable import Executor

@Suite struct KeySummaryTests {
    func batches(_ keys: [Int64], batchSize: Int = 1000) -> [ColumnarBatch] {
        let schema = StructType([StructField("k", .long), StructField("j", .long)])
        return stride(from: 0, to: keys.count, by: batchSize).map { start in
            let slice = Array(keys[start..<min(start + batchSize, keys.count)])
            return ColumnarBatch(schema: schema, columns: [ColumnVector(.long(slice)), ColumnVector(.long(slice.map { $0 % 3 }))])
        }
    }

    func request(_ columns: [Int]) -> KeySummaryRequest {
        KeySummaryRequest(shuffleId: ShuffleID(0), keys: columns.map { .column($0, .long) }, keyNames: columns.map { ["k", "j"][$0] })
    }

    @Test(arguments: [0.2, 0.5, 0.9]) func findsTheDominantKey(share: Double) throws {
        var rng = SeededRandom(seed: UInt64(share * 100))
        let keys: [Int64] = (0..<50_000).map { _ in Double.random(in: 0..<1, using: &rng) < share ? 42 : Int64.random(in: 0..<5000, using: &rng) }
        var summary = KeySummary(request([0]))
        for b in batches(keys) { try summary.add(b) }
        let exact = Int64(keys.filter { $0 == 42 }.count)
        let heavy = try #require(summary.heavyKey)
        #expect(heavy.key == "k = 42")
        #expect(heavy.partitionRows == 50_000)
        #expect(heavy.rows <= exact && heavy.rows >= exact - 50_000 / 17, "counted \(heavy.rows), exact \(exact)")
    }

    @Test func namesCompositeKeys() throws {
        let keys: [Int64] = (0..<3000).map { $0 % 4 == 0 ? Int64($0) : 7 }
        var summary = KeySummary(request([0, 1]))
        for b in batches(keys, batchSize: 256) { try summary.add(b) }
        #expect(summary.heavyKey?.key == "(k, j) = (7, 1)")
    }

    @Test func uniformKeysNameNone() throws {
        var summary = KeySummary(request([0]))
        for b in batches((0..<20_000).map { Int64($0) }) { try summary.add(b) }
        #expect(summary.heavyKey == nil)
    }
}
