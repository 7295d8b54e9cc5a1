// GenerateExec: Spark's explode. Each input row's kept columns are repeated once per element of
// its array, followed by the element. Null and empty arrays yield no rows.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class GenerateExec: BatchConsumer {
    let generator: Generator
    let downstream: any BatchConsumer

    @_spi(EmberInternal) public init(generator: Generator, downstream: any BatchConsumer) {
        self.generator = generator
        self.downstream = downstream
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let arrays = try generator.expression.evaluate(batch)
        guard case .list(let offsets, let child) = arrays.values else {
            throw EmberError(.internal, "explode evaluated to \(arrays.dataType), not an array")
        }
        var parentRows: [Int32] = []
        var elementRows: [Int32] = []
        parentRows.reserveCapacity(child.count)
        elementRows.reserveCapacity(child.count)
        for i in 0..<batch.numRows where !arrays.isNull(i) {
            for j in offsets[i]..<offsets[i + 1] {
                parentRows.append(Int32(i))
                elementRows.append(j)
            }
        }
        if parentRows.isEmpty { return }
        var columns = generator.keptChildColumns.map { batch.columns[$0].take(parentRows) }
        let contiguous = elementRows.count == child.count && elementRows.first == 0
        columns.append(contiguous ? child : child.take(elementRows))
        try downstream.consume(ColumnarBatch(schema: generator.schema, columns: columns, numRows: parentRows.count))
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
