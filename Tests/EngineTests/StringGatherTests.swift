// StringGatherTests: StringArray.appendGathered (the string half of take() and of Parquet's
// dictionary gather) against value-by-value appends on seeded random strings.

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
}
