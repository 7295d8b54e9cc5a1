// StringGatherTests: StringArray.appendGathered (the string half of take() and of Parquet's
// dictionary gather) against value-by-value appends on seeded random strings; a ColumnGatherer
// reused for many gathers from the same sources (a sort's output) against reading row by row.

import Testing
@_spi(EmberInternal) import Planner

@Suite struct StringGatherTests {
    @Test func gatheringEqualsAppendingValueByValue() {
        var rng = SeededRandom(seed: 2026)
        for round in 0..<40 {
            let values = (0..<Int(rng.next() % 200) + 1).map { _ in
                String(repeating: ["a", "é", "xyz", "0123456789"][Int(rng.next() % 4)], count: Int(rng.next() % 12))
            }
            let source = StringArray(values)
            let picks = (0..<Int(rng.next() % 300)).map { _ in Int(rng.next() % UInt64(values.count)) }
            let prefix = round % 2 == 0 ? [] : ["already", ""]
            var expected = StringArray(prefix)
            for i in picks { expected.append(from: source, at: i) }
            var fromInt32 = StringArray(prefix)
            #expect(picks.map { Int32($0) }.withUnsafeBufferPointer { fromInt32.appendGathered(from: source, at: $0) })
            var fromUInt32 = StringArray(prefix)
            #expect(picks.map { UInt32($0) }.withUnsafeBufferPointer { fromUInt32.appendGathered(from: source, at: $0) })
            #expect(fromInt32 == expected, "round \(round)")
            #expect(fromUInt32 == expected, "round \(round)")
        }
    }

    @Test(arguments: [DataType.long, .double, .boolean, .date, .timestamp, .string])
    func aReusedGathererEqualsReadingRowByRow(type: DataType) {
        var rng = SeededRandom(seed: 7 &+ UInt64(type.description.count))
        let schema = StructType([StructField("v", type)])
        func value(_ i: Int) -> Value {
            if rng.next() % 5 == 0 { return .null }
            switch type {
            case .long: return .long(Int64(i) - 50)
            case .double: return .double(Double(i) * 0.25)
            case .boolean: return .boolean(i % 3 == 0)
            case .date: return .date(Int32(i))
            case .timestamp: return .timestamp(Int64(i) * 1_000)
            default: return .string(String(repeating: "é", count: i % 7))
            }
        }
        // Sources with and without nulls, one of them empty.
        let sources = (0..<30).map { s in
            ColumnarBatch.fromRows((0..<(s == 4 ? 0 : Int(rng.next() % 50) + 1)).map { [value($0)] }, schema: schema).columns[0]
        }
        let gatherer = ColumnGatherer(sources, type: type)
        for _ in 0..<20 {
            var batch: [Int32] = [], rows: [Int32] = []
            for _ in 0..<Int(rng.next() % 100) {
                let s = Int(rng.next() % 30)
                guard sources[s].count > 0 else { continue }
                batch.append(Int32(s))
                rows.append(Int32(rng.next() % UInt64(sources[s].count)))
            }
            let gathered = batch.withUnsafeBufferPointer { b in rows.withUnsafeBufferPointer { r in gatherer.gather(batch: b, rows: r) } }
            #expect(gathered.count == rows.count)
            for k in rows.indices {
                #expect(gathered.value(at: k) == sources[Int(batch[k])].value(at: Int(rows[k])))
            }
        }
    }
}
