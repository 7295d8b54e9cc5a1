// FileSplitSource: a task's file split, scanned as text or CSV into batches of the scan's columns.

@_spi(EmberInternal) import Planner

enum FileSplitSource {
    static func read(_ scan: FileScan, _ split: FileSplit, metrics: inout TaskMetrics, _ emit: (ColumnarBatch) throws -> Void) throws {
        var rows: Int64 = 0
        metrics.inputBytes += split.length
        defer { metrics.inputRows += rows }
        switch scan.format {
        case .text:
            try TextScanner.scan(split, batchSize: ColumnarBatch.defaultCapacity) { batch in
                rows += Int64(batch.numRows)
                try emit(batch)
            }
        case .csv(let options):
            try CSVScanner.scan(split, options: options, dataSchema: scan.dataSchema, requiredColumns: scan.requiredColumns,
                                batchSize: ColumnarBatch.defaultCapacity) { batch in
                rows += Int64(batch.numRows)
                try emit(batch)
            }
        }
    }
}
