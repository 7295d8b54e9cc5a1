// SingleKeySlotsTests: the hash join's table for one bigint, date or timestamp `=` key (a slot per
// distinct key, chains of equal keys, prefetching probes) finds exactly the pairs a nested loop
// finds, in the same order (probe rows in order, build rows in input order), with null keys that
// match nothing, heavy duplicates and keys that collide in the slots.

import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Executor

@Suite struct SingleKeySlotsTests {
    @Test(arguments: 0..<16)
    func probesFindWhatANestedLoopFinds(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &+ 77)
        let type: DataType = [.long, .date, .timestamp][seed % 3]
        let distinct = [1, 3, 50, 5000][seed % 4]
        func column(_ n: Int) -> ([Int64?], ColumnVector) {
            let keys: [Int64?] = (0..<n).map { _ in
                Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int64.random(in: 0..<Int64(distinct), using: &rng) * 7919 - 40_000
            }
            let validity = Bitmap(count: n, value: true)
            var bits = validity
            for (i, k) in keys.enumerated() where k == nil { bits[i] = false }
            let raw = keys.map { $0 ?? 12345 }   // a null slot's value must not match
            let values: ColumnValues = type == .date ? .date(raw.map { Int32($0) }) : (type == .long ? .long(raw) : .timestamp(raw))
            return (keys, ColumnVector(values, validity: bits))
        }
        let (buildKeys, buildColumn) = column(Int.random(in: 0...3000, using: &rng))
        let (probeKeys, probeColumn) = column(Int.random(in: 0...2000, using: &rng))
        let schema = StructType([StructField("k", type)])
        let table = try JoinHashTable(rows: ColumnarBatch(schema: schema, columns: [buildColumn]),
                                      keyExpressions: [.column(0, type)], nullSafe: [false])
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows([probeColumn], numRows: probeKeys.count, seed: JoinHashTable.seed, into: &hashes)
        var found: [[Int]] = []
        #expect(table.forEachSingleKeyMatch([probeColumn], hashes) { row, j in found.append([row, Int(j)]) })
        var expected: [[Int]] = []
        for (row, p) in probeKeys.enumerated() {
            for (j, b) in buildKeys.enumerated() where p != nil && p == b { expected.append([row, j]) }
        }
        #expect(found == expected)
        // The generic per-row path walks the same chains.
        let equality = KeyEquality(build: table.keys, probe: [probeColumn], nullSafe: [false])
        var generic: [[Int]] = []
        for row in probeKeys.indices {
            table.forEachMatch([probeColumn], hashes, row, equality) { generic.append([row, Int($0)]) }
            #expect(table.hasMatch([probeColumn], hashes, row, equality) == expected.contains { $0[0] == row })
        }
        #expect(generic == expected)
    }
}
