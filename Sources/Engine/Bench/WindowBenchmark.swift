// WindowBenchmark: the window operator in-process (`ember bench window`): N generated rows already
// sorted by (group, id), groups of G rows (id / G), through one WindowExec computing one function,
// best of 3, in rows/s. The functions cover each way a frame is computed: from the current rows
// (row_number, rank), a forward cursor (lag), running (sum over the default RANGE frame, peers
// included), sliding by adding and removing (sum over ROWS -5..5), sliding with the min/max deque
// (max over ROWS -5..5), and once per group (count over the whole partition).

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

public struct WindowBenchmark {
    public struct Options: Sendable {
        public var rows = 10_000_000
        public var groupRows = 1_000
        public init() {}
    }

    public static func run(_ o: Options) throws -> String {
        let schema = StructType([StructField("id", .long), StructField("g", .long), StructField("v", .long), StructField("x", .double)])
        var batches: [ColumnarBatch] = []
        for start in stride(from: 0, to: o.rows, by: ColumnarBatch.defaultCapacity) {
            let ids = start..<min(start + ColumnarBatch.defaultCapacity, o.rows)
            batches.append(ColumnarBatch(schema: schema, columns: [
                ColumnVector(.long(ids.map { Int64($0) })), ColumnVector(.long(ids.map { Int64($0 / max(1, o.groupRows)) })),
                ColumnVector(.long(ids.map { Int64($0 % 97) })), ColumnVector(.double(ids.map { Double($0 % 89) / 4 })),
            ], numRows: ids.count))
        }
        let id = BoundExpression.column(0, .long), v = BoundExpression.column(2, .long), x = BoundExpression.column(3, .double)
        func aggregate(_ f: AggregateFunction, _ input: BoundExpression?, _ frame: WindowFrame) -> BoundWindowExpression {
            BoundWindowExpression(function: .aggregate(BoundAggregate(function: f, input: input, name: "f")), frame: frame, name: "f")
        }
        let sliding = WindowFrame(.rows, .offset(.long(-5)), .offset(.long(5)))
        let cases: [(String, [BoundSortOrder], BoundWindowExpression)] = [
            ("row_number()", [BoundSortOrder(expression: id, ascending: true, nullsFirst: true)],
             BoundWindowExpression(function: .rowNumber, frame: .rowsToCurrentRow, name: "f")),
            ("rank() by v (ties)", [BoundSortOrder(expression: v, ascending: true, nullsFirst: true)],
             BoundWindowExpression(function: .rank, frame: .rowsToCurrentRow, name: "f")),
            ("lag(x)", [BoundSortOrder(expression: id, ascending: true, nullsFirst: true)],
             BoundWindowExpression(function: .offset(input: x, offset: -1, fallback: nil, ignoreNulls: false), frame: .rowsToCurrentRow, name: "f")),
            ("sum(x) running, RANGE by v", [BoundSortOrder(expression: v, ascending: true, nullsFirst: true)], aggregate(.sum, x, .rangeToCurrentRow)),
            ("sum(x) ROWS -5..5", [BoundSortOrder(expression: id, ascending: true, nullsFirst: true)], aggregate(.sum, x, sliding)),
            ("max(v) ROWS -5..5", [BoundSortOrder(expression: id, ascending: true, nullsFirst: true)], aggregate(.max, v, sliding)),
            ("count(*) whole partition", [], aggregate(.count, nil, .wholePartition)),
        ]
        var lines = ["window operator (in-process): \(o.rows) rows in groups of \(o.groupRows), one function each, best of 3"]
        for (name, orders, function) in cases {
            let window = BoundWindow(partitionBy: [.column(1, .long)], orderBy: orders, functions: [function])
            var best = Double.infinity
            for _ in 0..<3 {
                let sink = AggregateBenchmark.CountingSink()
                let exec = WindowExec(window: window, childSchema: schema, schema: window.schema(child: schema), downstream: sink)
                let t0 = DispatchTime.now().uptimeNanoseconds
                for b in batches { try exec.consume(b) }
                try exec.finish()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                guard sink.rows == o.rows else { throw EmberError(.internal, "the window emitted \(sink.rows) of \(o.rows) rows") }
            }
            let padded = name.padding(toLength: 28, withPad: " ", startingAt: 0)
            lines.append("  " + padded + String(format: " %6.1f M rows/s (%.3f s)", Double(o.rows) / best / 1e6, best))
        }
        return lines.joined(separator: "\n")
    }
}
