// The radix sort behind exact-prefix sorts (one integer, date or boolean key without nulls): it
// orders keys and carries payloads exactly as a stable comparison sort does, with duplicates,
// negative and extreme values, and descending order; SortedRows gives the same rows either way,
// and the range partitioner puts every row where a naive search over the bounds puts it.

@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner
import Testing

@Suite struct RadixSortTests {
    @Test func radixSortIsAStableSortOfKeys() {
        var rng = SplitMix64(seed: 21)
        for (count, spread) in [(2, UInt64(3)), (1000, 10), (40_000, 1 << 20), (70_000, .max)] {
            var keys = (0..<count).map { _ in spread == .max ? rng.next() : rng.next() % spread + (1 << 63) }
            if count > 2 { keys[0] = 0; keys[1] = .max }
            var payload = (0..<Int64(count)).map { $0 }
            let want = zip(keys, payload).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            RadixSort.sort(&keys, &payload)
            #expect(keys == want.map(\.0))
            #expect(payload == want.map(\.1), "equal keys keep their input order")
        }
    }

    @Test func exactPrefixSortsMatchTheComparisonSort() throws {
        var rng = SplitMix64(seed: 22)
        let schema = StructType([StructField("k", .long), StructField("i", .long)])
        // Three batches, 30,000 rows: keys with duplicates, negatives and the extremes; i numbers the rows.
        var rows: [(Int64, Int64)] = []
        let batches = (0..<3).map { _ -> ColumnarBatch in
            let first = Int64(rows.count)
            let keys = (0..<10_000).map { _ -> Int64 in
                switch rng.next() % 50 {
                case 0: return .min
                case 1: return .max
                default: return Int64(rng.next() % 5_000) - 2_500
                }
            }
            let ids = (0..<Int64(10_000)).map { first + $0 }
            rows += zip(keys, ids).map { ($0, $1) }
            return ColumnarBatch(schema: schema, columns: [ColumnVector(.long(keys)), ColumnVector(.long(ids))])
        }
        for ascending in [true, false] {
            let order = BoundSortOrder(expression: .column(0, .long), ascending: ascending, nullsFirst: ascending)
            let keys = try batches.map { try SortKeys($0, orders: [order]) }
            #expect(SortPrefix.isExact(keys))
            let sorted = try SortedRows(batches, orders: [order], schema: schema)
            let got = sorted.batch(0..<sorted.count)
            let want = rows.enumerated().sorted { x, y in
                x.element.0 != y.element.0 ? (ascending ? x.element.0 < y.element.0 : x.element.0 > y.element.0) : x.offset < y.offset
            }.map(\.element)
            #expect((0..<got.numRows).map { got.row($0) } == want.map { [Value.long($0.0), .long($0.1)] })
        }
        // The range partitioner places exact keys by their prefixes where the comparison places
        // them: in the first partition whose bound the key sorts at or before.
        // Bound counts odd and even, one to eight (the search halves them without branches).
        let boundSets: [[Int64]] = [[0], [-1, 7], [-2_000, -1, 0, 7, 1_000], [-3_000, -2_000, -5, -1, 0, 7, 1_000, 4_000]]
        for ascending in [true, false] {
            for set in boundSets {
                let order = BoundSortOrder(expression: .column(0, .long), ascending: ascending, nullsFirst: true)
                let boundKeys: [Int64] = ascending ? set : set.reversed()
                let partitioner = try RangePartitioner(RangePartitioning(orders: [order], numPartitions: boundKeys.count + 1,
                                                                         bounds: boundKeys.map { [.long($0)] }))
                #expect(partitioner.boundPrefixes != nil)
                for batch in batches {
                    var ids: [Int32] = []
                    try partitioner.partitionIds(batch, into: &ids)
                    guard case .long(let keys) = batch.columns[0].values else { continue }
                    let want = keys.map { k in Int32(boundKeys.firstIndex { ascending ? k <= $0 : k >= $0 } ?? boundKeys.count) }
                    #expect(ids == want)
                }
            }
        }
        // A string key or a key with nulls is not exact: the comparison sort decides.
        let strings = ColumnarBatch(schema: StructType([StructField("s", .string)]), columns: [ColumnVector(.string(StringArray(["b", "a"])))])
        #expect(!SortPrefix.isExact([try SortKeys(strings, orders: [BoundSortOrder(expression: .column(0, .string), ascending: true, nullsFirst: true)])]))
    }
}
