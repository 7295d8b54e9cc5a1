// FilterExec: keeps the rows for which the predicate is true (null counts as false). Under a
// projection (the pipeline's Project over Filter) it copies only the columns the projection reads:
// a filter on a long comment column that the projection drops no longer copies its surviving
// strings. The other columns come out empty, seen only by that projection.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class FilterExec: BatchConsumer {
    let predicate: BoundExpression
    let downstream: any BatchConsumer
    /// The columns the downstream projection reads; nil: all of them.
    let neededColumns: Set<Int>?

    @_spi(EmberInternal) public init(predicate: BoundExpression, downstream: any BatchConsumer, neededColumns: Set<Int>? = nil) {
        self.predicate = predicate
        self.downstream = downstream
        self.neededColumns = neededColumns
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let selected = try predicate.selectedRows(batch)
        if selected.isEmpty { return }
        if selected.count == batch.numRows {
            try downstream.consume(batch)
        } else if let neededColumns {
            let columns = batch.columns.indices.map { i in
                neededColumns.contains(i) ? batch.columns[i].take(selected) : ColumnVector.empty(batch.schema.fields[i].dataType)
            }
            try downstream.consume(ColumnarBatch(schema: batch.schema, columns: columns, numRows: selected.count))
        } else {
            try downstream.consume(batch.take(selected))
        }
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
