// Window partitions larger than memory: the group buffer spills to disk and the frames read the
// rows back from the spill files. Once on its own with a fixed budget (the operator's own spill
// metrics, its files gone afterwards), once through real executors at tiny memory (the task's
// spill metrics). Expected values come from closed formulas over consecutive ids.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct WindowSpillTests {
    /// id (0 ..< 50,000), group id / 20,000, a 30-byte string: groups of 20,000, 20,000 and 10,000 rows.
    @Test func aGroupLargerThanItsMemorySpillsAndIsReadBackInOrder() throws {
        let schema = StructType([StructField("id", .long), StructField("g", .long), StructField("s", .string)])
        let id = BoundExpression.column(0, .long), s = BoundExpression.column(2, .string)
        func agg(_ f: AggregateFunction, _ input: BoundExpression?, _ frame: WindowFrame, _ name: String) -> BoundWindowExpression {
            BoundWindowExpression(function: .aggregate(BoundAggregate(function: f, input: input, name: name)), frame: frame, name: name)
        }
        let window = BoundWindow(partitionBy: [.column(1, .long)], orderBy: [BoundSortOrder(expression: id, ascending: true, nullsFirst: true)], functions: [
            BoundWindowExpression(function: .rowNumber, frame: .rowsToCurrentRow, name: "rn"),
            agg(.sum, id, .rowsToCurrentRow, "running"),
            BoundWindowExpression(function: .offset(input: s, offset: -1, fallback: nil, ignoreNulls: false), frame: .rowsToCurrentRow, name: "lag"),
            agg(.max, id, WindowFrame(.rows, .offset(.long(-5)), .currentRow), "max5"),
            agg(.count, nil, .wholePartition, "n"),
            agg(.sum, id, WindowFrame(.rows, .offset(.long(1)), .unboundedFollowing), "rest"),
        ])
        let out = window.schema(child: schema)
        let dir = ScratchDir("window-spill")
        defer { dir.cleanup() }
        let memory = FixedMemoryReservation(limit: 256 << 10)
        let sink = CollectingConsumer()
        let exec = WindowExec(window: window, childSchema: schema, schema: out, downstream: sink,
                              resources: AggregateResources(memory: memory, spillDirectory: dir.path, taskId: TaskID(3)))
        func text(_ i: Int) -> String { "row-\(i)-" + String(repeating: "x", count: 30 - "row-\(i)-".count) }
        let total = 50_000
        for start in stride(from: 0, to: total, by: 4096) {
            let rows = (start..<min(start + 4096, total)).map { i -> [Value] in [.long(Int64(i)), .long(Int64(i / 20_000)), .string(text(i))] }
            try exec.consume(.fromRows(rows, schema: schema))
        }
        try exec.finish()
        #expect(sink.finished)
        #expect(exec.spillCount > 0 && exec.diskBytesSpilled > 0 && exec.memoryBytesSpilled > 0,
                "spilled \(exec.spillCount) times, \(exec.diskBytesSpilled) bytes on disk")
        #expect(memory.reservedBytes == 0, "the buffer gave its memory back")
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).isEmpty, "its spill files are gone")
        #expect(sink.rows.count == total)
        var mismatches = 0
        for (k, row) in sink.rows.enumerated() where mismatches < 10 {
            let i = Int64(k), first = Int64(k / 20_000 * 20_000), last = min(first + 20_000, Int64(total)) - 1
            let p = i - first   // position in the group
            let expected: [Value] = [.long(i), .long(i / 20_000), .string(text(k)), .long(p + 1), .long((first + i) * (p + 1) / 2),
                                     p == 0 ? .null : .string(text(k - 1)), .long(i), .long(last - first + 1),
                                     i == last ? .null : .long((i + 1 + last) * (last - i) / 2)]
            if row != expected {
                mismatches += 1
                Issue.record("row \(k): \(row) expected \(expected)")
            }
        }
    }

    /// Two partitions of 75,000 rows each on executors whose tasks may hold 1 MiB: the sort and the
    /// window buffer spill, and every value is still right.
    @Test func aWindowAtTinyMemorySpillsOnRealExecutors() throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) { config in
            config.shufflePartitions = 2
            config.faults.refuseMemoryAbove = 1 << 20
        })
        defer { session.stop() }
        let n: Int64 = 150_000
        let w = Window.partitionBy("p").orderBy("id")
        let df = session.range(0, n, numPartitions: 3)
            .select(col("id"), (col("id") % 2).alias("p"), randstr(40, seed: col("id")).alias("s"))
            .select(col("id"), col("p"), row_number().over(w).alias("rn"),
                    sum(col("id")).over(w.rowsBetween(Window.unboundedPreceding, 0)).alias("running"),
                    lag(col("id")).over(w).alias("previous"), count(col("s")).over(Window.partitionBy("p")).alias("n"),
                    sum(col("id")).over(w.rowsBetween(-2, 2)).alias("around"), length(first(col("s")).over(w)).alias("len"))
        let rows = try df.collect()
        #expect(rows.count == Int(n))
        let groupSize = n / 2
        var mismatches = 0
        for row in rows where mismatches < 10 {
            let id = row.getLong(0)!, p = id % 2, i = id / 2
            func idAt(_ j: Int64) -> Int64 { 2 * j + p }
            let around = (max(0, i - 2)...min(groupSize - 1, i + 2)).reduce(Int64(0)) { $0 + idAt($1) }
            let expected: [Value] = [.long(id), .long(p), .long(i + 1), .long(i * (i + 1) + p * (i + 1)),
                                     i == 0 ? .null : .long(id - 2), .long(groupSize), .long(around), .long(40)]
            if row.values != expected {
                mismatches += 1
                Issue.record("id \(id): \(row.values) expected \(expected)")
            }
        }
        let spilled = session.lastJobTasks.filter { $0.metrics.spillCount > 0 && $0.metrics.diskBytesSpilled > 0 }
        #expect(!spilled.isEmpty, "the window stage spilled: \(session.lastJobTasks.map { ($0.stageId, $0.metrics.spillCount) })")
    }
}
