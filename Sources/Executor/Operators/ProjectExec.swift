// ProjectExec: computes the output columns from expressions over each input batch.

import Planner

package final class ProjectExec: BatchConsumer {
    let expressions: [BoundExpression]
    let schema: StructType
    let downstream: any BatchConsumer

    package init(expressions: [BoundExpression], schema: StructType, downstream: any BatchConsumer) {
        self.expressions = expressions
        self.schema = schema
        self.downstream = downstream
    }

    package func consume(_ batch: ColumnarBatch) throws {
        let columns = try expressions.map { try $0.evaluate(batch) }
        try downstream.consume(ColumnarBatch(schema: schema, columns: columns, numRows: batch.numRows))
    }

    package func finish() throws { try downstream.finish() }
}
