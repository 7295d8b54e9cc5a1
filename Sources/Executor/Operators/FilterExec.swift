// FilterExec: keeps the rows for which the predicate is true (null counts as false).

import Planner

package final class FilterExec: BatchConsumer {
    let predicate: BoundExpression
    let downstream: any BatchConsumer

    package init(predicate: BoundExpression, downstream: any BatchConsumer) {
        self.predicate = predicate
        self.downstream = downstream
    }

    package func consume(_ batch: ColumnarBatch) throws {
        let selected = try predicate.selectedRows(batch)
        if selected.isEmpty { return }
        if selected.count == batch.numRows {
            try downstream.consume(batch)
        } else {
            try downstream.consume(batch.take(selected))
        }
    }

    package func finish() throws { try downstream.finish() }
}
