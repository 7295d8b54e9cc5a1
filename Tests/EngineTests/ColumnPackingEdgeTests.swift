// ColumnPackingEdgeTests: the shuffle's packed columns at their edges — decimal doubles whose
// scaled integers sit next to the 2^50 limit while the scale rises mid-column, and packed
// children of list columns — come back bit for bit through BatchCodec.

import Foundation
import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Shuffle

@Suite struct ColumnPackingEdgeTests {
    static func roundTrip(_ column: ColumnVector, _ type: DataType) throws -> ColumnVector {
        let schema = StructType([StructField("c", type)])
        var bytes: [UInt8] = []
        BatchCodec.encode(ColumnarBatch(schema: schema, columns: [column]), into: &bytes)
        var at = 0
        let back = try bytes.withUnsafeBytes { try BatchCodec.decode($0, offset: &at, schema: schema) }
        #expect(at == bytes.count)
        return back.columns[0]
    }

    /// Doubles near ±2^50 / 10^s, mixed scales (the scale rises after large values), tiny spans
    /// so that a plan is often found: every bit survives, packed or not.
    @Test(arguments: 0..<20)
    func decimalsNearTheLimitRoundTrip(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 31_337)
        let powers: [Double] = [1, 10, 100, 1000, 10000]
        var packed = 0
        for _ in 0..<200 {
            let n = 16 + Int(rng.next() % 40)
            let scale = Int(rng.next() % 5)
            let limit = Int64(1) << 50
            let centre = (limit / Int64(powers[scale])) - Int64(rng.next() % 2000)
            let sign: Int64 = rng.next() % 2 == 0 ? 1 : -1
            var values: [Double] = (0..<n).map { _ in
                let s = Int(rng.next() % UInt64(scale + 1))
                let m = sign * (centre / Int64(powers[scale - s]) + Int64(rng.next() % 300))
                return Double(m) / powers[s]
            }
            if rng.next() % 3 == 0 { values[Int(rng.next() % UInt64(n))] = Double(Int64(rng.next() % 1000)) / 10_000 }
            let column = ColumnVector(.double(values))
            if BatchCodec.packingPlan(column.values) != nil { packed += 1 }
            let back = try Self.roundTrip(column, .double)
            guard case .double(let got) = back.values else { Issue.record("not doubles"); continue }
            #expect(got.map(\.bitPattern) == values.map(\.bitPattern), "scale \(scale) plan \(String(describing: BatchCodec.packingPlan(column.values)))")
        }
        #expect(packed > 10 && packed < 190, "\(packed) of 200 columns packed: the edge is not reached")
    }

    /// A list column's child is encoded as a column of its own: packed children decode too.
    @Test func listChildrenPackAndRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for element in [DataType.long, .double, .date, .timestamp] {
            let type = DataType.array(element)
            let rows = 40
            var offsets: [Int32] = [0]
            for _ in 0..<rows { offsets.append(offsets.last! + Int32(rng.next() % 4)) }
            let total = Int(offsets.last!)
            let child: ColumnVector
            switch element {
            case .long: child = ColumnVector(.long((0..<total).map { _ in 1_000_000 + Int64(rng.next() % 300) }))
            case .timestamp: child = ColumnVector(.timestamp((0..<total).map { _ in 1_700_000_000_000_000 + Int64(rng.next() % 70_000) }))
            case .date: child = ColumnVector(.date((0..<total).map { _ in 19_000 + Int32(rng.next() % 200) }))
            default: child = ColumnVector(.double((0..<total).map { _ in Double(Int64(rng.next() % 100_000)) / 100 }))
            }
            #expect(BatchCodec.packingPlan(child.values) != nil, "\(element) child packs")
            let column = ColumnVector(.list(offsets: offsets, child: child))
            let back = try Self.roundTrip(column, type)
            #expect(back == column, "\(element)")
        }
    }
}
