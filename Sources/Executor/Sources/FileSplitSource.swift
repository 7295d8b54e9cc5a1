// FileSplitSource: a task's file split, scanned by its format (see FileSourceFormat) into batches
// of the scan's columns, counting the rows it read.

@_spi(EmberInternal) import Planner

enum FileSplitSource {
    static func read(_ scan: FileScan, _ split: FileSplit, metrics: inout TaskMetrics, _ emit: (ColumnarBatch) throws -> Void) throws {
        var rows: Int64 = 0
        defer { metrics.inputRows += rows }
        try FileSourceFormats.source(for: scan.format).scan(split, scan, metrics: &metrics) { batch in
            rows += Int64(batch.numRows)
            try emit(batch)
        }
    }
}
