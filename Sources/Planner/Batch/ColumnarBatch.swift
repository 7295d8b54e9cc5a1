// ColumnarBatch: a schema plus one ColumnVector per field, all of the same length
// (Spark's ColumnarBatch, Arrow's RecordBatch). Operators pass batches of a few thousand rows.

@_spi(EmberInternal) public struct ColumnarBatch: Sendable, Equatable {
    @_spi(EmberInternal) public var schema: StructType
    @_spi(EmberInternal) public var columns: [ColumnVector]
    @_spi(EmberInternal) public var numRows: Int

    /// Default number of rows per batch produced by scans.
    @_spi(EmberInternal) public static let defaultCapacity = 4096

    @_spi(EmberInternal) public init(schema: StructType, columns: [ColumnVector], numRows: Int? = nil) {
        self.schema = schema
        self.columns = columns
        self.numRows = numRows ?? columns.first?.count ?? 0
    }

    @_spi(EmberInternal) public static func empty(_ schema: StructType) -> ColumnarBatch {
        ColumnarBatch(schema: schema, columns: schema.fields.map { .empty($0.dataType) }, numRows: 0)
    }

    /// Builds a batch from rows of values (tests and small results).
    @_spi(EmberInternal) public static func fromRows(_ rows: [[Value]], schema: StructType) -> ColumnarBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.dataType, capacity: rows.count) }
        for row in rows { for (c, v) in row.enumerated() { builders[c].append(v) } }
        return ColumnarBatch(schema: schema, columns: builders.map { $0.finish() }, numRows: rows.count)
    }

    @_spi(EmberInternal) public func take(_ indices: [Int32]) -> ColumnarBatch {
        ColumnarBatch(schema: schema, columns: columns.map { $0.take(indices) }, numRows: indices.count)
    }

    /// Rows `range` of the batch (contiguous copies).
    @_spi(EmberInternal) public func slice(_ range: Range<Int>) -> ColumnarBatch {
        ColumnarBatch(schema: schema, columns: columns.map { $0.slice(range) }, numRows: range.count)
    }

    @_spi(EmberInternal) public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }

    @_spi(EmberInternal) public var rows: [[Value]] { (0..<numRows).map(row) }

    @_spi(EmberInternal) public static func concat(_ batches: [ColumnarBatch], schema: StructType) -> ColumnarBatch {
        let nonEmpty = batches.filter { $0.numRows > 0 }
        if nonEmpty.isEmpty { return .empty(schema) }
        if nonEmpty.count == 1 { return nonEmpty[0] }
        let cols = schema.fields.indices.map { c in
            ColumnVector.concat(nonEmpty.map { $0.columns[c] }, type: schema.fields[c].dataType)
        }
        return ColumnarBatch(schema: schema, columns: cols, numRows: nonEmpty.reduce(0) { $0 + $1.numRows })
    }
}
