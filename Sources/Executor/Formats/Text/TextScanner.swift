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
        // One value the line closure updates in place: a local function capturing the batch's
        // parts boxed them, and every line paid dynamic exclusivity checks on them.
        var batch = LineBatch(limits, rows: rowsPerBatch)
        try reader.forEachLine { line, _ in
            if batch.bytes.mustCutBefore(line.count) { try body(batch.take()) }
            batch.strings.append(bytes: line)
            if batch.bytes.add(line.count) || batch.strings.count >= rowsPerBatch { try body(batch.take()) }
            return true
        }
        if batch.strings.count > 0 { try body(batch.take()) }
    }
}

/// The lines of the batch being filled, and a guess of its string bytes for the next one.
private struct LineBatch {
    var strings = StringArray()
    var bytes: BatchStringBytes
    private var byteEstimate = 1 << 16
    private let rows: Int

    init(_ limits: ScanLimits, rows: Int) {
        bytes = BatchStringBytes(limits)
        self.rows = rows
        strings.reserveCapacity(count: rows, bytes: byteEstimate)
    }

    /// The batch so far, and an empty one sized like it.
    mutating func take() -> ColumnarBatch {
        let batch = ColumnarBatch(schema: TextScanner.schema, columns: [ColumnVector(.string(strings))], numRows: strings.count)
        byteEstimate = max(byteEstimate, strings.bytes.count)
        strings = StringArray()
        strings.reserveCapacity(count: rows, bytes: min(byteEstimate + byteEstimate / 8, bytes.limit))
        bytes.reset()
        return batch
    }
}
