// WindowExec: window functions over a partition's rows, which arrive sorted by (PARTITION BY keys,
// ORDER BY keys), so each partition group is contiguous. One group at a time:
//
//   consume: evaluate the group keys, the ORDER BY keys and the functions' inputs once per batch
//            ──► work batches [child columns | order keys | inputs] ──► WindowGroupBuffer (spills)
//   a new group key (or the end of the input) ──► finish the group: read the buffer in order,
//            each function fills its column a batch at a time (WindowEvaluators), emit
//            [child columns | function values], clear the buffer
//
// Memory: the buffer reserves what it holds from the task's memory manager and spills to disk when
// refused, so a group larger than memory is read back from its spill files; the evaluators hold a
// cursor each (one chunk of spilled rows) and min/max over a moving frame hold the frame's values.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class WindowExec: BatchConsumer, SpillingOperator, Spillable {
    let window: BoundWindow
    let schema: StructType
    let downstream: any BatchConsumer
    let layout: WindowLayout
    let workSchema: StructType
    /// Expressions evaluated into the work batch after the child's columns: order keys, then inputs.
    let workExpressions: [BoundExpression]
    /// Per function, the work columns of its inputs.
    let inputColumns: [[Int]]
    let buffer: WindowGroupBuffer
    /// The partition key columns of the last batch taken and its last row (nil before the first row).
    private var lastGroup: (keys: [ColumnVector], row: Int)?
    private var stopped = false

    @_spi(EmberInternal) public init(window: BoundWindow, childSchema: StructType, schema: StructType, downstream: any BatchConsumer,
                                    resources: AggregateResources? = nil) {
        self.window = window
        self.schema = schema
        self.downstream = downstream
        let n = childSchema.count
        var expressions = window.orderBy.map(\.expression)
        let keyOrders = window.orderBy.enumerated().map {
            BoundSortOrder(expression: .column(n + $0.offset, $0.element.expression.dataType), ascending: $0.element.ascending,
                           nullsFirst: $0.element.nullsFirst)
        }
        var inputs: [[Int]] = []
        for f in window.functions {
            inputs.append(f.function.inputs.map { e in
                expressions.append(e)
                return n + expressions.count - 1
            })
        }
        workExpressions = expressions
        inputColumns = inputs
        workSchema = StructType(childSchema.fields + expressions.enumerated().map { StructField("__work\($0.offset)", $0.element.dataType) })
        layout = WindowLayout(childCount: n, keyStart: n, keyOrders: keyOrders)
        buffer = WindowGroupBuffer(schema: workSchema, resources: resources)
        resources?.memory?.register(spiller: self)
    }

    @_spi(EmberInternal) public var spillCount: Int { buffer.spillCount }
    @_spi(EmberInternal) public var memoryBytesSpilled: Int64 { buffer.memoryBytesSpilled }
    @_spi(EmberInternal) public var diskBytesSpilled: Int64 { buffer.diskBytesSpilled }

    @_spi(EmberInternal) public func spillForOtherConsumer() throws -> Int { try buffer.spillForOtherConsumer() }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0, !stopped else { return }
        let groups = try window.partitionBy.map { try $0.evaluate(batch) }
        let work = ColumnarBatch(schema: workSchema, columns: batch.columns + (try workExpressions.map { try $0.evaluate(batch) }),
                                 numRows: batch.numRows)
        var start = 0
        let n = batch.numRows
        if !groups.isEmpty {
            let starts = WindowKeyChanges.changes(groups, count: n, previous: lastGroup)
            for r in 0..<n where starts[r] {   // a new group: the rows before it end the buffered one
                if r > start { try buffer.append(work.slice(start..<r)) }
                start = r
                try finishGroup()
            }
            lastGroup = (groups, n - 1)
        }
        try buffer.append(start == 0 ? work : work.slice(start..<n))
    }

    @_spi(EmberInternal) public func finish() throws {
        do {
            if !stopped { try finishGroup() }
        } catch is PipelineStop {}
        buffer.clear()
        try downstream.finish()
    }

    /// Computes the buffered group's functions, emits its rows and clears the buffer.
    private func finishGroup() throws {
        guard buffer.count > 0 else { return }
        try buffer.startReading()
        defer { buffer.clear() }
        var evaluators = makeEvaluators()
        var rows = buffer.cursor()
        var start = 0
        while start < buffer.count {
            try rows.seek(start)
            let work = rows.batch!
            let ctx = WindowBatchContext(batch: work, start: start, keys: layout.keys(work))
            var columns = Array(work.columns.prefix(layout.childCount))
            for (k, f) in window.functions.enumerated() {
                var out = ColumnBuilder(type: f.function.resultType, capacity: work.numRows)
                try evaluators[k].fill(ctx, into: &out)
                columns.append(out.finish())
            }
            start += work.numRows
            do {
                try downstream.consume(ColumnarBatch(schema: schema, columns: columns, numRows: work.numRows))
            } catch let stop as PipelineStop {
                stopped = true   // a satisfied limit downstream: no more rows are needed
                throw stop
            }
        }
    }

    private func makeEvaluators() -> [any WindowEvaluator] {
        zip(window.functions, inputColumns).map { f, inputs -> any WindowEvaluator in
            switch f.function {
            case .rowNumber, .rank, .denseRank, .percentRank, .ntile: return RankingEvaluator(f.function, count: buffer.count)
            case .cumeDist: return CumeDistEvaluator(bounds: WindowFrameBounds(frame: f.frame, buffer: buffer, layout: layout))
            case .offset(_, let offset, let fallback, let ignoreNulls):
                return OffsetEvaluator(offset: offset, ignoreNulls: ignoreNulls, input: inputs[0], fallback: fallback == nil ? nil : inputs[1],
                                       buffer: buffer)
            case .aggregate(let a):
                return WindowAggregateEvaluator(a, input: inputs.first, frame: f.frame, buffer: buffer, layout: layout)
            }
        }
    }
}
