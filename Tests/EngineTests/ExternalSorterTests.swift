// The external sort, top-K and range bounds on their own, against SortReference: random rows with
// nulls, ties, NaN and -0.0, every direction and null placement, with memory so small that the
// sort spills many runs and merges them in several passes.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
import Testing
@_spi(EmberInternal) import Planner

/// Collects what an operator emits.
final class CollectingConsumer: BatchConsumer {
    var rows: [[Value]] = []
    var finished = false
    func consume(_ batch: ColumnarBatch) throws { rows += batch.rows }
    func finish() throws { finished = true }
}

struct ExternalSorterTests {
    typealias Order = (column: Int, ascending: Bool, nullsFirst: Bool)
    static let orderSets: [[Order]] = [
        [(1, true, true)], [(1, false, false)], [(2, true, false)], [(2, false, true)], [(3, true, true)], [(3, false, false)],
        [(1, true, false), (2, false, true)], [(3, true, true), (1, false, true), (2, true, false)],
    ]

    func bound(_ orders: [Order]) -> [BoundSortOrder] {
        orders.map { BoundSortOrder(expression: .column($0.column, SortReference.schema.fields[$0.column].dataType),
                                    ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
    }

    func batches(_ rows: [[Value]], size: Int) -> [ColumnarBatch] {
        stride(from: 0, to: rows.count, by: size).map {
            ColumnarBatch.fromRows(Array(rows[$0..<min($0 + size, rows.count)]), schema: SortReference.schema)
        }
    }

    func sort(_ rows: [[Value]], _ orders: [Order], memory: Int?, batchSize: Int = 500) throws -> ([[Value]], SortExec) {
        let dir = ScratchDir("external-sort")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let out = CollectingConsumer()
        let sort = SortExec(orders: bound(orders), schema: SortReference.schema, downstream: out,
                            resources: SortResources(memory: memory.map { FixedMemoryReservation(limit: $0) }, spillDirectory: dir.path,
                                                     taskId: TaskID(7)))
        for b in batches(rows, size: batchSize) { try sort.consume(b) }
        try sort.finish()
        #expect(out.finished)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "the spill files are gone")
        return (out.rows, sort)
    }

    @Test func inMemorySortMatchesTheReferenceStably() throws {
        let rows = SortReference.rows(5_000, seed: 1)
        for orders in Self.orderSets {
            let (sorted, sort) = try sort(rows, orders, memory: nil)
            #expect(SortReference.text(sorted) == SortReference.text(SortReference.sorted(rows, orders)), "orders \(orders)")
            #expect(sort.spillCount == 0)
        }
    }

    @Test func spillingSortMatchesTheReferenceStably() throws {
        let rows = SortReference.rows(20_000, seed: 2)
        for orders in Self.orderSets {
            let (sorted, sort) = try sort(rows, orders, memory: 256 << 10)
            #expect(SortReference.text(sorted) == SortReference.text(SortReference.sorted(rows, orders)), "orders \(orders)")
            #expect(sort.spillCount > 1, "spilled runs")
            #expect(sort.diskBytesSpilled > 0 && sort.memoryBytesSpilled > 0)
        }
    }

    @Test func moreRunsThanTheFanInAreMergedInPasses() throws {
        // Nothing fits: every batch becomes a run of its own (300 runs), and the merge reads two at a time.
        let rows = SortReference.rows(30_000, seed: 3, distinctKeys: 3)
        let orders: [Order] = [(1, true, false), (2, false, true)]
        let (sorted, sort) = try sort(rows, orders, memory: 0, batchSize: 100)
        #expect(sort.spillCount >= 300)
        #expect(SortReference.text(sorted) == SortReference.text(SortReference.sorted(rows, orders)))
    }

    @Test func topKKeepsTheFirstRowsOfAStableSort() throws {
        let rows = SortReference.rows(20_000, seed: 4, distinctKeys: 5)
        for orders in Self.orderSets {
            for limit in [0, 1, 7, 100, 4_000, 25_000] {
                let out = CollectingConsumer()
                let topK = TopKExec(limit: limit, orders: bound(orders), schema: SortReference.schema, downstream: out)
                for b in batches(rows, size: 700) { try topK.consume(b) }
                try topK.finish()
                #expect(SortReference.text(out.rows) == SortReference.text(Array(SortReference.sorted(rows, orders).prefix(limit))), "orders \(orders), limit \(limit)")
            }
        }
    }

    @Test func rangeBoundsSplitTheSampleEvenlyAndSkipRepeatedKeys() throws {
        let orders = [BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)]
        let sampling = KeySampling(orders: orders, perPartition: 100)
        func sample(_ keys: [Int64?]) -> ColumnarBatch {
            ColumnarBatch.fromRows(keys.map { [$0.map { .long($0) } ?? .null, .double(1)] }, schema: sampling.schema)
        }
        let even = try RangePartitioner.determineBounds(samples: [sample((0..<100).map { $0 })], sampling: sampling, partitions: 4)
        #expect(even == [[.long(24)], [.long(49)], [.long(74)]])
        let same = try RangePartitioner.determineBounds(samples: [sample(Array(repeating: 5, count: 100))], sampling: sampling, partitions: 4)
        #expect(same == [[.long(5)]], "all-equal keys: one bound, never a repeated one")
        let skewed = try RangePartitioner.determineBounds(samples: [sample(Array(repeating: 5, count: 90) + (0..<10).map { 100 + $0 } + [nil])],
                                                          sampling: sampling, partitions: 4)
        #expect(skewed == [[.long(5)], [.long(100)], [.long(101)]], "a hot key is one bound; the rest split what remains")
        #expect(try RangePartitioner.determineBounds(samples: [], sampling: sampling, partitions: 4).isEmpty)

        // Rows equal to a bound go to the partition that ends at it; nulls first go to partition 0.
        let partitioner = try RangePartitioner(RangePartitioning(orders: orders, numPartitions: 4, bounds: even))
        var ids: [Int32] = []
        try partitioner.partitionIds(ColumnarBatch.fromRows([[.long(24)], [.long(25)], [.null], [.long(1000)], [.long(-5)]],
                                                            schema: StructType([StructField("k", .long)])), into: &ids)
        #expect(ids == [0, 1, 0, 3, 0])
    }
}
