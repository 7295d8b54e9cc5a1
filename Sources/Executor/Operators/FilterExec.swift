// FilterExec: keeps the rows for which the predicate is true (null counts as false).

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class FilterExec: BatchConsumer {
    let predicate: BoundExpression
    let downstream: any BatchConsumer

    @_spi(EmberInternal) public init(predicate: BoundExpression, downstream: any BatchConsumer) {
        self.predicate = predicate
        self.downstream = downstream
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let selected = try predicate.selectedRows(batch)
        if selected.isEmpty { return }
        if selected.count == batch.numRows {
            try downstream.consume(batch)
        } else {
            try downstream.consume(batch.take(selected))
        }
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
