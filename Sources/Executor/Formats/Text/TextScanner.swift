// TextScanner: Spark's `read.text` over one split: one row per line in a single string column
// `value`, bytes copied straight from the read buffer into the batch's StringArray.

@_spi(EmberInternal) import Planner

/// Scans a split of a text file into batches of one `value: string` column.
///
/// Every line the split owns is a row, empty lines included (as Spark's text source); `\n` and a
/// trailing `\r` are not part of the value. Bytes are taken as they are (UTF-8 is not validated,
/// like Spark, which also passes the bytes through).
@_spi(EmberInternal) public enum TextScanner {
    /// The schema of the batches: `value: string`.
    @_spi(EmberInternal) public static let schema = StructType([StructField("value", .string)])

    /// Batches are also cut by their string bytes (`limits`, see ``BatchStringBytes``).
    @_spi(EmberInternal) public static func scan(_ split: FileSplit, batchSize: Int = ColumnarBatch.defaultCapacity,
                            limits: ScanLimits = ScanLimits(), _ body: (ColumnarBatch) throws -> Void) throws {
        let rowsPerBatch = max(1, batchSize)
        let reader = try LineReader(split: split, maxLineBytes: limits.maxLineBytes)
        var batchBytes = BatchStringBytes(limits)
        var strings = StringArray()
        var byteEstimate = 1 << 16
        strings.reserveCapacity(count: rowsPerBatch, bytes: byteEstimate)

        func flush() throws {
            let batch = ColumnarBatch(schema: schema, columns: [ColumnVector(.string(strings))], numRows: strings.count)
            byteEstimate = max(byteEstimate, strings.bytes.count)
            strings = StringArray()
            strings.reserveCapacity(count: rowsPerBatch, bytes: min(byteEstimate + byteEstimate / 8, batchBytes.limit))
            batchBytes.reset()
            try body(batch)
        }

        try reader.forEachLine { line, _ in
            if batchBytes.mustCutBefore(line.count) { try flush() }
            strings.append(bytes: line)
            if batchBytes.add(line.count) || strings.count >= rowsPerBatch { try flush() }
            return true
        }
        if strings.count > 0 { try flush() }
    }
}
