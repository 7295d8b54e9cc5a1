// A Final aggregate that keeps being refused memory spills a bounded number of times: a bucket that
// does not shrink (one hot key) is finished without spilling again, and recursion stops at a fixed
// depth; what still does not fit fails with an OUT_OF_MEMORY error that names it. In-process, with
// reservations that let tables never grow, or hold a fixed budget.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct BoundedSpillTests {
    /// Partial rows: `batches` batches of `rows` rows, key `hot` in every row when `hotKey`, else
    /// keys spread over `keys`; returns the batches and the expected (count, sum) per key.
    func input(batches: Int, rows: Int, keys: Int64, hotKey: Bool, seed: UInt64) -> ([ColumnarBatch], [Int64: [Int64]]) {
        var rng = SeededRandom(seed: seed)
        var expected: [Int64: [Int64]] = [:]
        let out = (0..<batches).map { _ in
            let rows = (0..<rows).map { _ in
                (key: hotKey ? 7 : Int64.random(in: 0..<keys, using: &rng), count: Int64(1), sum: Int64.random(in: 0...100, using: &rng))
            }
            for r in rows { expected[r.key] = [(expected[r.key]?[0] ?? 0) + r.count, (expected[r.key]?[1] ?? 0) + r.sum] }
            return PartialCountSum.batch(rows)
        }
        return (out, expected)
    }

    @Test func aBucketThatDoesNotShrinkIsNotSpilledAgain() throws {
        let dir = ScratchDir("hotkey")
        defer { dir.cleanup() }
        let (batches, _) = input(batches: 20, rows: 500, keys: 1, hotKey: true, seed: 1)
        let sink = CollectingSink()
        // Tables never grow: every batch spills, and the one bucket can neither grow nor usefully spill.
        let aggregate = PartialCountSum.finalAggregate(downstream: sink, memory: StarvingReservation(), directory: dir.path, task: 5)
        for b in batches { try aggregate.consume(b) }
        let error = #expect(throws: EmberError.self) { try aggregate.finish() }
        #expect(error?.code == .outOfMemory)
        #expect(error?.message.contains("bytes for 1 groups") == true, "names what did not fit: \(String(describing: error))")
        #expect(error?.message.contains("would not shrink it") == true, "\(String(describing: error))")
        #expect(aggregate.spillCount == 20, "the one bucket was not spilled again")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "spill files removed on failure")
    }

    @Test func aHotKeyAmongManyFinishesOnceItsBucketFits() throws {
        let dir = ScratchDir("hotmany")
        defer { dir.cleanup() }
        var (batches, expected) = input(batches: 30, rows: 2000, keys: 40_000, hotKey: false, seed: 2)
        let (hot, hotExpected) = input(batches: 30, rows: 2000, keys: 1, hotKey: true, seed: 3)
        batches = zip(batches, hot).flatMap { [$0, $1] }
        expected[7] = [(expected[7]?[0] ?? 0) + hotExpected[7]![0], (expected[7]?[1] ?? 0) + hotExpected[7]![1]]
        let sink = CollectingSink()
        let aggregate = PartialCountSum.finalAggregate(downstream: sink, memory: FixedMemoryReservation(limit: 256 << 10),
                                                       directory: dir.path, task: 6)
        for b in batches { try aggregate.consume(b) }
        try aggregate.finish()
        #expect(PartialCountSum.results(sink) == expected)
        #expect(aggregate.spillCount > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func spillingEndsWithAClearErrorWhenNothingFits() throws {
        let dir = ScratchDir("depth")
        defer { dir.cleanup() }
        let (batches, _) = input(batches: 10, rows: 4000, keys: 1_000_000, hotKey: false, seed: 4)
        let sink = CollectingSink()
        // Tables never grow: depth 0 spills every batch, its buckets (1,250 rows) spill every batch
        // again, and theirs (about 40 rows) are too small to spill: the first that cannot grow fails.
        let aggregate = PartialCountSum.finalAggregate(downstream: sink, memory: StarvingReservation(), directory: dir.path, task: 7)
        for b in batches { try aggregate.consume(b) }
        let error = #expect(throws: EmberError.self) { try aggregate.finish() }
        #expect(error?.code == .outOfMemory)
        #expect(error?.message.contains("hash table") == true, "\(String(describing: error))")
        #expect(error?.context("spill depth") == "2", "\(String(describing: error))")
        #expect(aggregate.spillCount > 10, "buckets at depth 1 spilled again")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func theStringsOfMinAndMaxCountAgainstTheBudget() throws {
        // max(text) by a unique key: 10 MiB of kept strings against a 2 MiB budget must spill, and
        // every key still gets its own string.
        let dir = ScratchDir("minmax")
        defer { dir.cleanup() }
        let aggregates = [BoundAggregate(function: .max, input: .column(1, .string), name: "m")]
        let partial = StructType([StructField("k", .long), StructField("m#buf0", .string)])
        let final = StructType([StructField("k", .long), StructField("m", .string)])
        let sink = CollectingSink()
        let aggregate = HashAggregateExec(mode: .final, keys: [.column(0, .long)], aggregates: aggregates, schema: final, downstream: sink,
                                          resources: AggregateResources(memory: FixedMemoryReservation(limit: 2 << 20),
                                                                        spillDirectory: dir.path, taskId: TaskID(8)))
        let text = { (key: Int) in String(repeating: "x", count: 32 << 10) + String(key) }
        for b in 0..<10 {
            let keys = (0..<32).map { Int64(b * 32 + $0) }
            let strings = StringArray(keys.map { text(Int($0)) })
            try aggregate.consume(ColumnarBatch(schema: partial, columns: [ColumnVector(.long(keys)), ColumnVector(.string(strings))], numRows: 32))
        }
        #expect(aggregate.spillCount > 0, "10 MiB of strings held within a 2 MiB budget without spilling")
        try aggregate.finish()
        var got: [Int64: String] = [:]
        for batch in sink.batches {
            for r in 0..<batch.numRows { got[batch.columns[0].value(at: r).longValue ?? -1] = batch.columns[1].value(at: r).description }
        }
        #expect(got.count == 320 && got.allSatisfy { $0.value == text(Int($0.key)) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
