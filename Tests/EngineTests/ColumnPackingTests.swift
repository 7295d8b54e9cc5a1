// ColumnPackingTests: fixed-width columns packed on the shuffle wire (base + narrow offsets for
// integers, scaled integers for decimal doubles) come back bit for bit — null slots, -0.0, NaN,
// infinities and extremes included — through BatchCodec and through the shuffle's GatherEncoder,
// pack only when they save bytes, and damaged packed columns only ever throw.

import Foundation
import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Shuffle

private enum PackingFixture {
    /// A column of `n` values of one of the shapes that do or do not pack, with nulls at `nullRate`.
    static func column(_ type: DataType, shape: Int, n: Int, nullRate: Double, _ rng: inout SeededRandom) -> ColumnVector {
        let validity: Bitmap? = nullRate == 0 ? nil : {
            var bits = Bitmap(count: 0, value: true)
            for _ in 0..<n { bits.append(Double.random(in: 0..<1, using: &rng) >= nullRate) }
            return bits
        }()
        switch type {
        case .long, .timestamp:
            let base = [Int64.min, -1 << 40, -5, 0, 1 << 50, Int64.max - 70_000][shape % 6]
            let span: Int64 = [200, 60_000, 4_000_000_000, 1 << 40, Int64.max][shape % 5]
            let values = (0..<n).map { _ in base &+ Int64.random(in: 0...span, using: &rng) }
            return ColumnVector(type == .long ? .long(values) : .timestamp(values), validity: validity)
        case .date:
            let base = Int32([-50_000, 0, 2_000_000_000][shape % 3])
            let span = Int32([250, 30_000, 1 << 30][shape % 3])
            return ColumnVector(.date((0..<n).map { _ in base &+ Int32.random(in: 0...span, using: &rng) }), validity: validity)
        default:
            let kind = shape % 8   // 0...4: one scale; 5: not decimal at all; 6, 7: scales mixed
            let values: [Double] = (0..<n).map { _ in
                if kind == 5 { return Double.random(in: -1e6...1e6, using: &rng) }
                let scale = kind < 5 ? kind : Int.random(in: 0...(kind == 6 ? 4 : 2), using: &rng)
                let m = Double(Int64.random(in: -10_000_000...10_000_000, using: &rng))
                return m / [1, 10, 100, 1000, 10000][scale]
            }
            var out = values
            if shape % 7 == 3, n > 20 {   // specials that must keep the column raw, or survive packing
                out[1] = [-0.0, .nan, .infinity, -.infinity, 1e300, 0.1 + 0.2][shape % 6]
            }
            return ColumnVector(.double(out), validity: validity)
        }
    }

    static func bits(_ column: ColumnVector) -> [UInt64] {
        switch column.values {
        case .long(let v), .timestamp(let v): return v.map { UInt64(bitPattern: $0) }
        case .double(let v): return v.map(\.bitPattern)
        case .date(let v): return v.map { UInt64(UInt32(bitPattern: $0)) }
        default: return []
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, schema: StructType) throws -> ColumnarBatch {
        var at = 0
        let batch = try BatchCodec.decode(bytes, offset: &at, schema: schema)
        #expect(at == bytes.count)
        return batch
    }
}

@Suite struct ColumnPackingTests {
    static let types: [DataType] = [.long, .timestamp, .date, .double]

    @Test(arguments: 0..<30)
    func roundTripsBitForBitThroughTheCodec(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &+ 900)
        for type in Self.types {
            for shape in 0..<16 {
                let n = [0, 1, 15, 16, 17, 100, 4096][Int.random(in: 0..<7, using: &rng)]
                let column = PackingFixture.column(type, shape: shape, n: n, nullRate: [0, 0.2, 1][seed % 3], &rng)
                let schema = StructType([StructField("c", type)])
                var bytes: [UInt8] = []
                BatchCodec.encode(ColumnarBatch(schema: schema, columns: [column]), into: &bytes)
                let back = try bytes.withUnsafeBytes { try PackingFixture.decode($0, schema: schema) }
                #expect(PackingFixture.bits(back.columns[0]) == PackingFixture.bits(column), "\(type) shape \(shape) n \(n)")
                #expect(back.columns[0].validity == column.validity)
                // Packed exactly when a plan exists, and then smaller than raw.
                let plan = BatchCodec.packingPlan(column.values)
                let tag = bytes[BatchCodec.headerSize]
                #expect((tag == BatchCodec.Tag.packedIntegers.rawValue || tag == BatchCodec.Tag.packedDecimals.rawValue) == (plan != nil))
                if let plan {
                    #expect(plan.width < (type == .date ? 4 : 8))
                }
            }
        }
    }

    @Test func packsWhatTheShapesPromise() {
        let longs = ColumnValues.long((0..<100).map { Int64($0) * 3 + 6_000_000 })
        #expect(BatchCodec.packingPlan(longs) == ColumnPacking.Plan(width: 2, base: 6_000_000, scale: nil))
        let prices = ColumnValues.double((0..<100).map { Double(90_000 + $0 * 37) / 100 })
        #expect(BatchCodec.packingPlan(prices) == ColumnPacking.Plan(width: 2, base: 90_000, scale: 2))
        let quantities = ColumnValues.double((0..<100).map { Double($0 % 50 + 1) })
        #expect(BatchCodec.packingPlan(quantities)?.scale == 0)
        // The scale rises mid-column: earlier integers are rescaled.
        #expect(BatchCodec.packingPlan(.double([1.5] + Array(repeating: 2.0, count: 20) + [0.001])) == ColumnPacking.Plan(width: 2, base: 1, scale: 3))
        #expect(BatchCodec.packingPlan(.double([1e12] + Array(repeating: 2.0, count: 20) + [0.001])) == nil)   // 1e15 rescaled: too wide
        #expect(BatchCodec.packingPlan(.double((0..<100).map { Double($0) / 3 })) == nil)
        #expect(BatchCodec.packingPlan(.double([-0.0] + (0..<99).map { Double($0) })) == nil)
        #expect(BatchCodec.packingPlan(.double([.nan] + (0..<99).map { Double($0) })) == nil)
        #expect(BatchCodec.packingPlan(.long([Int64.min, Int64.max] + (0..<98).map { Int64($0) })) == nil)
        #expect(BatchCodec.packingPlan(.long((0..<15).map { Int64($0) })) == nil)   // too short to pay
        #expect(BatchCodec.packingPlan(.date((0..<100).map { Int32($0) * 1_000_000 })) == nil)   // 4 bytes: no gain
    }

    /// The shuffle's path: rows gathered from several batches and packed in place.
    @Test(arguments: 0..<12)
    func gatherEncoderPacksInPlaceLikeTheCodec(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &+ 4242)
        let schema = StructType(Self.types.enumerated().map { StructField("c\($0.offset)", $0.element) }
                                + [StructField("s", .string), StructField("b", .boolean)])
        let batches: [ColumnarBatch] = (0..<3).map { _ in
            let n = Int.random(in: 0...300, using: &rng)
            let shape = Int.random(in: 0..<14, using: &rng)
            var columns = Self.types.map { PackingFixture.column($0, shape: shape, n: n, nullRate: seed % 2 == 0 ? 0 : 0.3, &rng) }
            columns.append(ColumnVector(.string(StringArray((0..<n).map { "s\($0 % 7)" }))))
            columns.append(ColumnVector(.boolean((0..<n).map { $0 % 3 == 0 })))
            return ColumnarBatch(schema: schema, columns: columns)
        }
        let rowCount = Int.random(in: 0...500, using: &rng)
        var batchIds: [Int32] = [], rowIds: [Int32] = []
        for _ in 0..<rowCount {
            let candidates = batches.indices.filter { batches[$0].numRows > 0 }
            guard let b = candidates.randomElement(using: &rng) else { break }
            batchIds.append(Int32(b))
            rowIds.append(Int32.random(in: 0..<Int32(batches[b].numRows), using: &rng))
        }
        let columns = schema.fields.indices.map { c in batches.map { $0.columns[c] } }
        let out = RawBuffer(capacity: 64)
        out.appendLE(UInt32(0xDEAD_BEEF))   // the frame need not start the buffer
        batchIds.withUnsafeBufferPointer { b in
            rowIds.withUnsafeBufferPointer { r in
                GatherEncoder.encode(columns: columns, schema: schema, batch: b, rows: r, into: out)
            }
        }
        let back = try PackingFixture.decode(UnsafeRawBufferPointer(rebasing: out.bytes[4...]), schema: schema)
        #expect(back.numRows == batchIds.count)
        for c in schema.fields.indices {
            let expected = batchIds.withUnsafeBufferPointer { b in
                rowIds.withUnsafeBufferPointer { r in ColumnVector.gather(columns[c], batch: b, rows: r, type: schema.fields[c].dataType) }
            }
            #expect(PackingFixture.bits(back.columns[c]) == PackingFixture.bits(expected), "column \(c)")
            #expect((0..<back.numRows).map { back.columns[c].value(at: $0) } == (0..<expected.count).map { expected.value(at: $0) }, "column \(c)")
        }
    }

    @Test func damagedPackedColumnsOnlyThrow() throws {
        let schema = StructType([StructField("l", .long), StructField("d", .double), StructField("dt", .date)])
        let batch = ColumnarBatch(schema: schema, columns: [
            ColumnVector(.long((0..<64).map { Int64($0) * 1000 })),
            ColumnVector(.double((0..<64).map { Double($0) / 4 })),
            ColumnVector(.date((0..<64).map { Int32($0) + 19_000 })),
        ])
        var bytes: [UInt8] = []
        BatchCodec.encode(batch, into: &bytes)
        let first = BatchCodec.headerSize
        #expect(bytes[first] == BatchCodec.Tag.packedIntegers.rawValue)
        func decodes(_ damaged: [UInt8], as s: StructType = schema) throws { _ = try damaged.withUnsafeBytes { try PackingFixture.decode($0, schema: s) } }
        var badWidth = bytes; badWidth[first + 7] = 3
        #expect(throws: EmberError.self) { try decodes(badWidth) }
        var badTag = bytes; badTag[first + 6] = BatchCodec.Tag.timestamp.rawValue
        #expect(throws: EmberError.self) { try decodes(badTag) }
        #expect(throws: EmberError.self) { try decodes(bytes, as: StructType([StructField("l", .double), StructField("d", .double), StructField("dt", .date)])) }
        #expect(throws: EmberError.self) { try decodes(bytes, as: StructType([StructField("l", .long), StructField("d", .long), StructField("dt", .date)])) }
        for cut in 1..<bytes.count { #expect(throws: EmberError.self) { try decodes(Array(bytes[0..<cut])) } }
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = try? decodes(damaged)
        }
    }
}
