// A Final aggregate told it will get many rows holds them in hash partitions and aggregates each
// partition with a table sized for it: the results equal a naive per-key reference, with null keys
// and null values, string and multi-column keys, a hot key, a memory budget that forces the
// partitions to spill, and a downstream that stops early. In-process, with seeded random data.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct RadixPartitionedAggregateTests {
    /// Rows enough that the aggregate partitions its input.
    static let rows = RadixPartitions.minExpectedRows + 40_000

    /// Partial rows (key, count, sum) in batches; a null key in 1 row of 97, a null sum in 1 of 13.
    func input(keys: Int64, hot: Bool, seed: UInt64) -> (batches: [ColumnarBatch], expected: [Int64?: [Int64?]]) {
        var rng = SeededRandom(seed: seed)
        var expected: [Int64?: [Int64?]] = [:]
        var batches: [ColumnarBatch] = []
        var done = 0
        while done < Self.rows {
            let n = min(ColumnarBatch.defaultCapacity, Self.rows - done)
            var k: [Int64] = [], c: [Int64] = [], s: [Int64] = []
            var keyValid = Bitmap(count: n, value: true), sumValid = Bitmap(count: n, value: true)
            for r in 0..<n {
                let key: Int64? = Int64.random(in: 0..<97, using: &rng) == 0 ? nil
                    : (hot && Bool.random(using: &rng) ? 7 : Int64.random(in: 0..<keys, using: &rng))
                let count = Int64.random(in: 1...3, using: &rng)
                let sum: Int64? = Int64.random(in: 0..<13, using: &rng) == 0 ? nil : Int64.random(in: -50...50, using: &rng)
                k.append(key ?? 0); c.append(count); s.append(sum ?? 0)
                if key == nil { keyValid[r] = false }
                if sum == nil { sumValid[r] = false }
                let old = expected[key] ?? [0, nil]
                expected[key] = [old[0]! + count, sum.map { (old[1] ?? 0) + $0 } ?? old[1]]
            }
            batches.append(ColumnarBatch(schema: PartialCountSum.partialSchema,
                                         columns: [ColumnVector(.long(k), validity: keyValid), ColumnVector(.long(c)),
                                                   ColumnVector(.long(s), validity: sumValid)], numRows: n))
            done += n
        }
        return (batches, expected)
    }

    func aggregate(_ sink: any BatchConsumer, memory: (any MemoryReservation)? = nil, directory: String? = nil) -> HashAggregateExec {
        HashAggregateExec(mode: .final, keys: [.column(0, .long)], aggregates: PartialCountSum.aggregates, schema: PartialCountSum.finalSchema,
                          downstream: sink, resources: AggregateResources(memory: memory, spillDirectory: directory, taskId: TaskID(41),
                                                                          expectedRows: Self.rows))
    }

    func results(_ sink: CollectingSink) -> [Int64?: [Int64?]] {
        var out: [Int64?: [Int64?]] = [:]
        for b in sink.batches {
            for r in 0..<b.numRows {
                let key = b.columns[0].value(at: r).longValue
                #expect(out[key] == nil, "key \(String(describing: key)) came out twice")
                out[key] = [b.columns[1].value(at: r).longValue, b.columns[2].value(at: r).longValue]
            }
        }
        return out
    }

    @Test(arguments: [(Int64(5_000_000), false), (Int64(200_000), false), (Int64(1_000), false), (Int64(300_000), true)])
    func partitionedResultsEqualTheReference(keys: Int64, hot: Bool) throws {
        let (batches, expected) = input(keys: keys, hot: hot, seed: UInt64(keys) &+ (hot ? 1 : 0))
        let sink = CollectingSink()
        let aggregate = aggregate(sink)
        #expect(aggregate.partitions != nil, "many expected rows partition the input")
        for b in batches { try aggregate.consume(b) }
        #expect(aggregate.partitionDirectly == (!hot && keys > 100_000), "rows go straight to the partitions when keys barely repeat")
        try aggregate.finish()
        #expect(results(sink) == expected)
        #expect(sink.finished)
    }

    /// 4 MiB is refused before the small table first empties; 6 MiB after it (rows then go to the
    /// partitions directly, and those are what spills).
    @Test(arguments: [4, 6])
    func partitionsRefusedMemorySpillAndStillAddUp(mebibytes: Int) throws {
        let dir = ScratchDir("radixspill")
        defer { dir.cleanup() }
        let (batches, expected) = input(keys: 2_000_000, hot: false, seed: 9)
        let sink = CollectingSink()
        let aggregate = aggregate(sink, memory: FixedMemoryReservation(limit: mebibytes << 20), directory: dir.path)
        for b in batches { try aggregate.consume(b) }
        try aggregate.finish()
        #expect(aggregate.spillCount > 0, "\(mebibytes) MiB cannot hold \(Self.rows) partitioned rows")
        #expect(aggregate.memoryBytesSpilled > Int64(mebibytes) << 19, "the spilled partitions are counted")
        #expect(results(sink) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "spill files removed")
    }

    @Test func stringAndMultiColumnKeysPartitionByTheirHash() throws {
        var rng = SeededRandom(seed: 77)
        let schema = StructType([StructField("a", .string), StructField("b", .long), StructField("c#buf0", .long)])
        let final = StructType([StructField("a", .string), StructField("b", .long), StructField("c", .long)])
        let aggregates = [BoundAggregate(function: .count, input: nil, name: "c")]
        for keyColumns in [1, 2] {
            var expected: [String: Int64] = [:]
            let sink = CollectingSink()
            let keys: [BoundExpression] = keyColumns == 1 ? [.column(0, .string)] : [.column(0, .string), .column(1, .long)]
            let outSchema = keyColumns == 1 ? StructType([final.fields[0], final.fields[2]]) : final
            let aggregate = HashAggregateExec(mode: .final, keys: keys, aggregates: aggregates, schema: outSchema, downstream: sink,
                                              resources: AggregateResources(memory: nil, spillDirectory: nil, taskId: TaskID(42),
                                                                            expectedRows: Self.rows))
            var done = 0
            while done < Self.rows {
                let n = min(ColumnarBatch.defaultCapacity, Self.rows - done)
                let a = (0..<n).map { _ in "w\(Int.random(in: 0..<400_000, using: &rng))" }
                let b = (0..<n).map { _ in Int64.random(in: 0..<3, using: &rng) }
                for r in 0..<n { expected[keyColumns == 1 ? a[r] : "\(a[r])|\(b[r])", default: 0] += 2 }
                let columns = keyColumns == 1
                    ? [ColumnVector(.string(StringArray(a))), ColumnVector(.long([Int64](repeating: 2, count: n)))]
                    : [ColumnVector(.string(StringArray(a))), ColumnVector(.long(b)), ColumnVector(.long([Int64](repeating: 2, count: n)))]
                let batchSchema = keyColumns == 1 ? StructType([schema.fields[0], schema.fields[2]]) : schema
                try aggregate.consume(ColumnarBatch(schema: batchSchema, columns: columns, numRows: n))
                done += n
            }
            try aggregate.finish()
            var got: [String: Int64] = [:]
            for batch in sink.batches {
                for r in 0..<batch.numRows {
                    let key = keyColumns == 1 ? batch.columns[0].value(at: r).description
                        : "\(batch.columns[0].value(at: r).description)|\(batch.columns[1].value(at: r).longValue ?? -1)"
                    #expect(got[key] == nil, "\(key) came out twice")
                    got[key] = batch.columns[keyColumns].value(at: r).longValue
                }
            }
            #expect(got == expected, "\(keyColumns) key column(s)")
        }
    }

    /// String keys of every length from 0 to 40 bytes (empty strings too) and null keys, barely
    /// repeating, so rows go straight to the partitions: reordered there by the string scatter and
    /// gathered back run by run, they add up as a naive per-key count does.
    @Test func stringKeysOfEveryLengthWithNullsAddUp() throws {
        var rng = SeededRandom(seed: 78)
        let schema = StructType([StructField("a", .string), StructField("c#buf0", .long)])
        let outSchema = StructType([StructField("a", .string), StructField("c", .long)])
        let aggregate = HashAggregateExec(mode: .final, keys: [.column(0, .string)], aggregates: [BoundAggregate(function: .count, input: nil, name: "c")],
                                          schema: outSchema, downstream: CollectingSink(),
                                          resources: AggregateResources(memory: nil, spillDirectory: nil, taskId: TaskID(43), expectedRows: Self.rows))
        let sink = aggregate.downstream as! CollectingSink
        var expected: [String?: Int64] = [:]
        var done = 0
        while done < Self.rows {
            let n = min(ColumnarBatch.defaultCapacity, Self.rows - done)
            var keys: [String?] = []
            for _ in 0..<n {
                if Int.random(in: 0..<50, using: &rng) == 0 { keys.append(nil); continue }
                let length = Int.random(in: 0...40, using: &rng)
                let seed = Int.random(in: 0..<2_000_000, using: &rng)
                keys.append(String(repeating: "x", count: max(0, length - 7)) + String(String(seed, radix: 36).prefix(length)))
            }
            for (r, key) in keys.enumerated() { expected[key, default: 0] += Int64(r % 3 + 1) }
            var validity = Bitmap(count: n, value: true)
            for r in 0..<n where keys[r] == nil { validity[r] = false }
            let columns = [ColumnVector(.string(StringArray(keys.map { $0 ?? "" })), validity: validity),
                           ColumnVector(.long((0..<n).map { Int64($0 % 3 + 1) }))]
            try aggregate.consume(ColumnarBatch(schema: schema, columns: columns, numRows: n))
            done += n
        }
        #expect(aggregate.partitionDirectly, "keys that barely repeat go straight to the partitions")
        try aggregate.finish()
        var got: [String?: Int64] = [:]
        for batch in sink.batches {
            for r in 0..<batch.numRows {
                let key: String? = batch.columns[0].isNull(r) ? nil : batch.columns[0].value(at: r).description
                #expect(got[key] == nil, "\(String(describing: key)) came out twice")
                got[key] = batch.columns[1].value(at: r).longValue
            }
        }
        #expect(got.count == expected.count)
        #expect(got == expected)
    }

    /// Fuzz seeds 14586 and 14591: a 1 MiB budget, partitions forced on for a few thousand rows.
    /// The partitions' reservation (a whole 1 MiB step) left nothing for the partitions' own
    /// tables; it now shrinks to what the partitions hold before they are aggregated.
    @Test func aTinyBudgetLeavesRoomForThePartitionsTables() throws {
        let dir = ScratchDir("radixtiny")
        defer { dir.cleanup() }
        var rng = SeededRandom(seed: 14586)
        var expected: [Int64?: [Int64?]] = [:]
        let rows = (0..<3000).map { _ in (key: Int64.random(in: 0..<700, using: &rng), count: Int64(1), sum: Int64.random(in: 0...9, using: &rng)) }
        for r in rows { expected[r.key] = [(expected[r.key]?[0] ?? 0) + r.count, (expected[r.key]?[1] ?? 0)! + r.sum] }
        let sink = CollectingSink()
        var resources = AggregateResources(memory: FixedMemoryReservation(limit: 1 << 20), spillDirectory: dir.path, taskId: TaskID(43),
                                           expectedRows: rows.count)
        resources.partitionMinRows = 0
        let aggregate = HashAggregateExec(mode: .final, keys: [.column(0, .long)], aggregates: PartialCountSum.aggregates,
                                          schema: PartialCountSum.finalSchema, downstream: sink, resources: resources)
        #expect(aggregate.partitions != nil)
        for start in stride(from: 0, to: rows.count, by: 500) { try aggregate.consume(PartialCountSum.batch(Array(rows[start..<(start + 500)]))) }
        try aggregate.finish()
        #expect(results(sink) == expected)
    }

    @Test func aDownstreamThatStopsEarlyEndsTheOutput() throws {
        let (batches, _) = input(keys: 1_000_000, hot: false, seed: 5)
        let sink = StoppingSink(after: 3)
        let aggregate = aggregate(sink)
        for b in batches { try aggregate.consume(b) }
        try aggregate.finish()
        #expect(sink.finished)
        #expect(sink.refused <= 1, "no partition is aggregated after the downstream stopped")
    }
}

/// Takes `after` batches, then answers every further one with PipelineStop (as a limit does).
final class StoppingSink: BatchConsumer {
    let after: Int
    var taken = 0
    var refused = 0
    var finished = false
    init(after: Int) { self.after = after }
    func consume(_ batch: ColumnarBatch) throws {
        if taken >= after {
            refused += 1
            throw PipelineStop()
        }
        taken += 1
    }
    func finish() throws { finished = true }
}
