// FileSplitSource: a task's file split, scanned by its format (see FileSourceFormat) into batches
// of the scan's columns, counting the rows it read. Columns from `col=value` directories are not
// in the file: the format reads the file's columns and the split's partition values are added as
// constant columns, where the scan wants them.

@_spi(EmberInternal) import Planner

enum FileSplitSource {
    static func read(_ scan: FileScan, _ split: FileSplit, metrics: inout TaskMetrics, _ emit: (ColumnarBatch) throws -> Void) throws {
        var rows: Int64 = 0
        defer { metrics.inputRows += rows }
        let format = FileSourceFormats.source(for: scan.format)
        guard !scan.partitionSchema.fields.isEmpty else {
            return try format.scan(split, scan, metrics: &metrics) { batch in
                rows += Int64(batch.numRows)
                try emit(batch)
            }
        }
        guard split.partitionValues.count == scan.partitionSchema.count else {
            throw EmberError(.internal, "a split has \(split.partitionValues.count) partition values, the scan \(scan.partitionSchema.count) columns",
                             context: [.init("file", split.path)])
        }
        let dataCount = scan.dataSchema.count
        var fileScan = scan
        fileScan.partitionSchema = StructType([])
        fileScan.requiredColumns = scan.requiredColumns.filter { $0 < dataCount }
        // Dictionary columns are output positions: renumbered among the file's own columns.
        var filePosition: [Int: Int] = [:]
        for (p, index) in scan.requiredColumns.enumerated() where index < dataCount { filePosition[p] = filePosition.count }
        fileScan.dictionaryColumns = scan.dictionaryColumns.compactMap { filePosition[$0] }
        // Row counts need one column of the file even when only partition columns are wanted.
        let countOnly = fileScan.requiredColumns.isEmpty && dataCount > 0
        if countOnly { fileScan.requiredColumns = [0] }
        let output = scan.outputSchema
        try format.scan(split, fileScan, metrics: &metrics) { batch in
            rows += Int64(batch.numRows)
            var next = 0
            let columns = scan.requiredColumns.map { index -> ColumnVector in
                guard index >= dataCount else { defer { next += 1 }; return batch.columns[next] }
                let field = scan.partitionSchema.fields[index - dataCount]
                return .constant(split.partitionValues[index - dataCount], type: field.dataType, count: batch.numRows)
            }
            try emit(ColumnarBatch(schema: output, columns: columns, numRows: batch.numRows))
        }
    }
}
