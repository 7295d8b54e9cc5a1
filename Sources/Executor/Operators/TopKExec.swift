// TopKExec: keeps the partition's n first rows in sort order and emits them sorted at the end
// (Spark's TakeOrderedAndProject, per partition): an orderBy + limit never sorts everything.
//
//   per batch: rows that sort strictly before the current n-th row (the boundary) are kept;
//              once more than 2n (at least a batch) are kept, they are sorted and cut back to n
//   finish:    sort what is kept, emit the first n
//
// Stable: among tied rows the earlier ones win (a row tied with the boundary is not kept, and the
// kept rows are sorted stably in input order), as a full stable sort followed by the limit would.
// Memory: about 2n rows plus a batch; the planner uses it only for n up to PhysicalPlanner.topKMaxRows.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class TopKExec: BatchConsumer {
    let limit: Int
    let orders: [BoundSortOrder]
    let schema: StructType
    let downstream: any BatchConsumer
    private var kept: [ColumnarBatch] = []
    private var keptRows = 0
    /// The n-th row of the last cut, and its keys: rows that do not sort before it cannot be in the top n.
    private var boundary: (keys: SortKeys, row: Int)?

    @_spi(EmberInternal) public init(limit: Int, orders: [BoundSortOrder], schema: StructType, downstream: any BatchConsumer) {
        self.limit = max(0, limit)
        self.orders = orders
        self.schema = schema
        self.downstream = downstream
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0, limit > 0 else { return }
        var candidate = batch
        if let boundary {
            let keys = try SortKeys(batch, orders: orders)
            let better = (0..<batch.numRows).filter { keys.compare($0, boundary.keys, boundary.row) < 0 }
            if better.isEmpty { return }
            if better.count < batch.numRows { candidate = batch.take(better.map { Int32($0) }) }
        }
        kept.append(candidate)
        keptRows += candidate.numRows
        if keptRows > max(2 * limit, ColumnarBatch.defaultCapacity) { try cut() }
    }

    /// Sorts the kept rows and keeps the first n.
    private func cut() throws {
        let sorted = try SortedRows(kept, orders: orders, schema: schema)
        let top = sorted.batch(0..<min(limit, sorted.count))
        kept = [top]
        keptRows = top.numRows
        if top.numRows == limit { boundary = (try SortKeys(top, orders: orders), limit - 1) }
    }

    @_spi(EmberInternal) public func finish() throws {
        let sorted = try SortedRows(kept, orders: orders, schema: schema)
        kept = []
        let n = min(limit, sorted.count)
        var batches: [ColumnarBatch] = []
        let gatherers = sorted.gatherers()
        var start = 0
        while start < n {
            let end = min(start + ColumnarBatch.defaultCapacity, n)
            batches.append(sorted.batch(start..<end, gatherers: gatherers))
            start = end
        }
        try emitAll(batches, to: downstream)
    }
}
