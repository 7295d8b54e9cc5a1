// RangeSource: generates a task's slice of `range(start, end, step)` as batches of `id` values.

@_spi(EmberInternal) import Planner

enum RangeSource {
    static func generate(_ spec: RangeSpec, partition: Int, batchSize: Int = ColumnarBatch.defaultCapacity,
                         _ body: (ColumnarBatch) throws -> Void) throws {
        let (first, count) = spec.slice(partition)
        var produced: Int64 = 0
        while produced < count {
            let n = Int(Swift.min(Int64(batchSize), count - produced))
            let base = first &+ produced &* spec.step
            let values = (0..<n).map { base &+ Int64($0) &* spec.step }
            try body(ColumnarBatch(schema: RangeSpec.schema, columns: [ColumnVector(.long(values))], numRows: n))
            produced += Int64(n)
        }
    }
}
