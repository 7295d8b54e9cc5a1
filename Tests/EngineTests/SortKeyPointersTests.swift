// SortKeyPointers (the comparisons of SortedRows' comparison sort) against SortKeys.compare on
// seeded random batches: every key type, nulls first and last, ascending and descending, NaN and
// -0.0, strings sharing prefixes and the empty string, and a list key (the slow path); and
// SortedRows ordering by a null-free integer key then a second key (whose prefix breaks the first
// key's ties) against a stable sort by SortKeys.compare.

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

    @Test func tiesOfAnExactFirstKeyAreOrderedByTheSecondKey() throws {
        var rng = SeededRandom(seed: 99)
        let schema = StructType([StructField("n", .long), StructField("s", .string), StructField("d", .double), StructField("id", .long)])
        var id: Int64 = 0
        let batches = (0..<5).map { _ in
            ColumnarBatch.fromRows((0..<Int(rng.next() % 300) + 1).map { _ -> [Value] in
                id += 1
                let s: Value = rng.next() % 7 == 0 ? .null
                    : .string(["", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghj", "b"][Int(rng.next() % 7)])
                let d: Value = rng.next() % 7 == 0 ? .null : .double([Double.nan, -0.0, 0.0, 2.5][Int(rng.next() % 4)])
                return [.long(Int64(rng.next() % 4)), s, d, .long(id)]
            }, schema: schema)
        }
        for second in [1, 2] {
            for (ascending, nullsFirst) in [(true, true), (false, false), (true, false), (false, true)] {
                let orders = [BoundSortOrder(expression: .column(0, .long), ascending: !ascending, nullsFirst: true),
                              BoundSortOrder(expression: .column(second, schema.fields[second].dataType), ascending: ascending, nullsFirst: nullsFirst)]
                let sorted = try SortedRows(batches, orders: orders, schema: schema)
                let got = sorted.batch(0..<sorted.count).rows.map { $0[3] }
                let keys = try batches.map { try SortKeys($0, orders: orders) }
                var positions: [(b: Int, r: Int)] = []
                for (b, batch) in batches.enumerated() { for r in 0..<batch.numRows { positions.append((b, r)) } }
                let want = positions.enumerated().sorted { x, y in
                    let c = keys[x.element.b].compare(x.element.r, keys[y.element.b], y.element.r)
                    return c < 0 || (c == 0 && x.offset < y.offset)
                }.map { batches[$0.element.b].row($0.element.r)[3] }
                #expect(got == want, "second key \(second), ascending \(ascending), nulls first \(nullsFirst)")
            }
        }
    }
}
