// ProjectExec: computes the output columns from expressions over each input batch.

import Planner

public final class ProjectExec: BatchConsumer {
    let expressions: [BoundExpression]
    let schema: StructType
    let downstream: any BatchConsumer

    public init(expressions: [BoundExpression], schema: StructType, downstream: any BatchConsumer) {
        self.expressions = expressions
        self.schema = schema
        self.downstream = downstream
    }

    public func consume(_ batch: ColumnarBatch) throws {
        let columns = try expressions.map { try $0.evaluate(batch) }
        try downstream.consume(ColumnarBatch(schema: schema, columns: columns, numRows: batch.numRows))
    }

    public func finish() throws { try downstream.finish() }
}
