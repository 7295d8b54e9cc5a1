// A Final aggregate's spill files are their own kind of file: private (0600), named uniquely per task
// attempt, never named or committed like a shuffle output, and gone when the aggregate is done.
// Two aggregates in one directory that spill a lot (task 1's 1001st spill once fell on the name of
// task 2's first) still give each its own exact aggregates.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

/// While `starving`, grants a request only to a holder that has nothing yet and asks for at most
/// `freshLimit` bytes (a fresh hash table's slots), and refuses all growth; grants everything
/// otherwise. So a Final aggregate spills after every batch.
final class StarvingReservation: MemoryReservation {
    var starving = true
    let freshLimit: Int
    private(set) var reservedBytes = 0
    init(freshLimit: Int = 64 << 10) { self.freshLimit = freshLimit }
    func tryGrow(_ bytes: Int) -> Bool {
        if starving && (reservedBytes > 0 || bytes > freshLimit) { return false }
        reservedBytes += bytes
        return true
    }
    func shrink(_ bytes: Int) { reservedBytes -= Swift.min(bytes, reservedBytes) }
}

/// Keeps every batch it is given.
final class CollectingSink: BatchConsumer {
    private(set) var batches: [ColumnarBatch] = []
    private(set) var finished = false
    func consume(_ batch: ColumnarBatch) throws { batches.append(batch) }
    func finish() throws { finished = true }
}

/// count(*) and sum(v) by a bigint key, in the partial format a Final aggregate reads.
struct PartialCountSum {
    static let aggregates = [BoundAggregate(function: .count, input: nil, name: "c"),
                             BoundAggregate(function: .sum, input: .column(1, .long), name: "s")]
    static let partialSchema = StructType([StructField("k", .long), StructField("c#buf0", .long), StructField("s#buf0", .long)])
    static let finalSchema = StructType([StructField("k", .long), StructField("c", .long), StructField("s", .long)])

    static func batch(_ rows: [(key: Int64, count: Int64, sum: Int64)]) -> ColumnarBatch {
        ColumnarBatch(schema: partialSchema, columns: [ColumnVector(.long(rows.map(\.key))), ColumnVector(.long(rows.map(\.count))),
                                                       ColumnVector(.long(rows.map(\.sum)))], numRows: rows.count)
    }

    static func finalAggregate(downstream: any BatchConsumer, memory: any MemoryReservation, directory: String, task: Int) -> HashAggregateExec {
        HashAggregateExec(mode: .final, keys: [.column(0, .long)], aggregates: aggregates, schema: finalSchema, downstream: downstream,
                          resources: AggregateResources(memory: memory, spillDirectory: directory, taskId: TaskID(task)))
    }

    /// key → (count, sum) of what a sink received.
    static func results(_ sink: CollectingSink) -> [Int64: [Int64]] {
        var out: [Int64: [Int64]] = [:]
        for b in sink.batches {
            guard case .long(let k) = b.columns[0].values, case .long(let c) = b.columns[1].values,
                  case .long(let s) = b.columns[2].values else { continue }
            for i in 0..<b.numRows {
                #expect(out[k[i]] == nil, "key \(k[i]) came out twice")
                out[k[i]] = [c[i], s[i]]
            }
        }
        return out
    }
}

@Suite struct AggregateSpillFileTests {
    @Test func spillsOfTwoTasksNeverShareAFileAndAreNotShuffleOutputs() throws {
        let dir = ScratchDir("spillnames")
        defer { dir.cleanup() }
        let memoryA = StarvingReservation(), memoryB = StarvingReservation()
        let sinkA = CollectingSink(), sinkB = CollectingSink()
        let a = PartialCountSum.finalAggregate(downstream: sinkA, memory: memoryA, directory: dir.path, task: 1)
        let b = PartialCountSum.finalAggregate(downstream: sinkB, memory: memoryB, directory: dir.path, task: 2)

        var rng = SeededRandom(seed: 21)
        var expectedA: [Int64: [Int64]] = [:], expectedB: [Int64: [Int64]] = [:]
        func rows(keys: ClosedRange<Int64>, into expected: inout [Int64: [Int64]]) -> ColumnarBatch {
            let rows = (0..<5).map { _ in (key: Int64.random(in: keys, using: &rng), count: Int64.random(in: 1...9, using: &rng),
                                           sum: Int64.random(in: -1000...1000, using: &rng)) }
            for r in rows { expected[r.key] = [(expected[r.key]?[0] ?? 0) + r.count, (expected[r.key]?[1] ?? 0) + r.sum] }
            return PartialCountSum.batch(rows)
        }
        // Task 2 spills once; task 1 spills 1,001 times (every batch is refused its memory).
        try b.consume(rows(keys: 1000...1100, into: &expectedB))
        for _ in 0...1000 { try a.consume(rows(keys: 0...60, into: &expectedA)) }
        #expect(a.spillCount == 1001 && b.spillCount == 1)

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.count == 1002, "one file per spill")
        #expect(!files.contains { $0.hasPrefix("shuffle_") || $0.hasSuffix(".index") }, "spill files are not shuffle outputs")
        for file in files.prefix(3) {
            let mode = (try FileManager.default.attributesOfItem(atPath: dir.file(file))[.posixPermissions] as? Int) ?? -1
            #expect(mode == 0o600, "\(file) is private to its owner")
        }

        memoryA.starving = false
        memoryB.starving = false
        try a.finish()
        try b.finish()
        #expect(PartialCountSum.results(sinkA) == expectedA)
        #expect(PartialCountSum.results(sinkB) == expectedB)
        #expect(sinkA.finished && sinkB.finished)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "spill files are removed when done")
    }
}
