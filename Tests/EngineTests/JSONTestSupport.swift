// JSONTestSupport: helpers of the JSON suites: scans of a JSON lines file in-process, whole or
// in byte-range splits, with inference or a given schema, and the python reference (pyarrow,
// DuckDB) run on the same files.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

/// The JSON format with these reader options.
func jsonFormat(_ pairs: [(String, String)] = []) throws -> FileFormat {
    try JSONSource.format(options: pairs.map { (key: $0.0, value: $0.1) })
}

/// Reads `path` as JSON lines in-process: the schema (inferred unless given) and the rows of
/// `columns` (all by default), scanning splits of `splitSize` bytes (the whole file by default).
func jsonScan(_ path: String, schema: StructType? = nil, options: [(String, String)] = [], columns: [Int]? = nil,
              splitSize: Int64? = nil) throws -> (schema: StructType, rows: [[Value]]) {
    let format = try jsonFormat(options)
    let dataSchema = try schema ?? JSONSource.inferSchema(paths: [path], format: format)
    let splits = try splitSize.map { try scanSplits(of: path, size: $0) } ?? [try scanWholeSplit(path)]
    let scan = FileScan(paths: [path], format: format, dataSchema: dataSchema, requiredColumns: columns, splits: splits)
    var rows: [[Value]] = []
    var metrics = TaskMetrics()
    for split in splits {
        try JSONSource.scan(split, scan, metrics: &metrics) { batch in
            #expect(batch.numRows <= ColumnarBatch.defaultCapacity)
            #expect(batch.schema == scan.outputSchema)
            rows += batch.rows
        }
    }
    return (dataSchema, rows)
}

/// The one part file a `coalesce(1)` write left in the output directory `dir`.
func onlyPartFile(_ dir: String) throws -> String {
    let parts = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("part-") }
    guard parts.count == 1 else { throw EmberError(.internal, "expected one part file in \(dir), found \(parts)") }
    return dir + "/" + parts[0]
}
