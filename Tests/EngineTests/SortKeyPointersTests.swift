// SortKeyPointers (the comparisons of SortedRows' comparison sort) against SortKeys.compare on
// seeded random batches: every key type, nulls first and last, ascending and descending, NaN and
// -0.0, strings sharing prefixes and the empty string, and a list key (the slow path).

import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Executor

@Suite struct SortKeyPointersTests {
    @Test func comparisonsEqualSortKeys() throws {
        var rng = SeededRandom(seed: 4242)
        let schema = StructType([StructField("l", .long), StructField("d", .double), StructField("t", .date),
                                 StructField("b", .boolean), StructField("s", .string), StructField("ts", .timestamp),
                                 StructField("a", .array(.long))])
        func value(_ c: Int) -> Value {
            if rng.next() % 6 == 0 { return .null }
            let r = Int(rng.next() % 5)
            switch c {
            case 0: return .long(Int64(r) - 2)
            case 1: return .double([Double.nan, -0.0, 0.0, 1.5, -.infinity][r])
            case 2: return .date(Int32(r))
            case 3: return .boolean(r % 2 == 0)
            case 4: return .string(["", "a", "ab", "abc", "b"][r])
            case 5: return .timestamp(Int64(r) * 1_000)
            default: return .array((0..<r % 3).map { .long(Int64($0)) })
            }
        }
        let batches = (0..<4).map { _ in
            ColumnarBatch.fromRows((0..<Int(rng.next() % 40) + 1).map { _ in (0..<7).map(value) }, schema: schema)
        }
        for round in 0..<30 {
            let orders = (0..<Int(rng.next() % 3) + 1).map { _ -> BoundSortOrder in
                let c = Int(rng.next() % 7)
                return BoundSortOrder(expression: .column(c, schema.fields[c].dataType), ascending: rng.next() % 2 == 0, nullsFirst: rng.next() % 2 == 0)
            }
            let keys = try batches.map { try SortKeys($0, orders: orders) }
            let pointers = SortKeyPointers(keys)
            for _ in 0..<300 {
                let a = Int(rng.next() % 4), b = Int(rng.next() % 4)
                let i = Int(rng.next() % UInt64(batches[a].numRows)), j = Int(rng.next() % UInt64(batches[b].numRows))
                #expect(pointers.compare(a, i, b, j).signum() == keys[a].compare(i, keys[b], j).signum(), "round \(round)")
            }
        }
    }
}
