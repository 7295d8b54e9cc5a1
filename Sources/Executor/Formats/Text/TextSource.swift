// TextSource: Spark's text format behind FileSourceFormat: one `value: string` row per line; it
// takes no options and no schema but its own.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum TextSource: FileSourceFormat {
    @_spi(EmberInternal) public static let name = "text"

    @_spi(EmberInternal) public static let optionNames: [String] = []

    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileFormat {
        if let (key, _) = pairs.first { throw FileSourceFormats.unknownOption(key, of: self) }
        return .text
    }

    @_spi(EmberInternal) public static func resolve(paths: [String], format: FileFormat,
                                                    userSchema: StructType?) throws -> (format: FileFormat, schema: StructType) {
        if let userSchema, userSchema != TextScanner.schema {
            throw EmberError(.configuration, "the text source reads one string column `value`, not \(userSchema)",
                             hint: "leave the schema out, or read the files as csv")
        }
        return (.text, TextScanner.schema)
    }

    @_spi(EmberInternal) public static func scan(_ split: FileSplit, _ scan: FileScan, metrics: inout TaskMetrics,
                                                 _ emit: (ColumnarBatch) throws -> Void) throws {
        metrics.inputBytes += split.length
        try TextScanner.scan(split, batchSize: ColumnarBatch.defaultCapacity, limits: scan.limits, emit)
    }
}
