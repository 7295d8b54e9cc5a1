// ProjectExec: computes the output columns from expressions over each input batch.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class ProjectExec: BatchConsumer {
    let expressions: [BoundExpression]
    let schema: StructType
    let downstream: any BatchConsumer

    @_spi(EmberInternal) public init(expressions: [BoundExpression], schema: StructType, downstream: any BatchConsumer) {
        self.expressions = expressions
        self.schema = schema
        self.downstream = downstream
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let columns = try expressions.map { try $0.evaluate(batch) }
        try downstream.consume(ColumnarBatch(schema: schema, columns: columns, numRows: batch.numRows))
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
