// CSVSource: the CSV format behind FileSourceFormat: Spark's reader options, the schema (the
// user's, or the header's names with inferred or string types), and the scan of one split.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum CSVSource: FileSourceFormat {
    @_spi(EmberInternal) public static let name = "csv"

    @_spi(EmberInternal) public static let optionNames = ["header", "inferSchema", "inferSchemaSampleRows", "sep", "delimiter", "quote",
                                                          "escape", "comment", "nullValue", "mode"]

    /// Spark's header, inferSchema, sep/delimiter, quote, escape, comment, nullValue, mode, and
    /// Ember's inferSchemaSampleRows (infer from the first n records, verified while scanning).
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileFormat {
        var options = CSVOptions()
        for (key, value) in pairs {
            let option = ReaderOptionValue(key, value)
            switch key.lowercased() {
            case "header": options.header = try option.bool()
            case "inferschema": options.inferSchema = try option.bool()
            case "sep", "delimiter": options.delimiter = try option.byte()
            case "quote": options.quote = try option.byte()
            case "escape": options.escape = try option.byte()
            case "comment": options.comment = try option.byte()
            case "nullvalue": options.nullValue = value
            case "inferschemasamplerows": options.inferenceSampleRows = try option.positiveInt()
            case "mode": options.mode = try option.parseMode()
            default: throw FileSourceFormats.unknownOption(key, of: self)
            }
        }
        return .csv(options)
    }

    @_spi(EmberInternal) public static func resolve(paths: [String], format: FileFormat,
                                                    userSchema: StructType?) throws -> (format: FileFormat, schema: StructType) {
        guard case .csv(var options) = format else { throw EmberError(.internal, "CSVSource given a \(format.name) format") }
        let schema = try userSchema ?? CSVSchemaInference.inferSchema(paths: paths, options: options)
        // A sampled schema is checked while scanning; a value that contradicts it fails the job with
        // an error marked inferredTypeMismatch (then read again without sampling).
        options.verifyInferredTypes = userSchema == nil && options.inferSchema && options.inferenceSampleRows != nil
        return (.csv(options), schema)
    }

    @_spi(EmberInternal) public static func scan(_ split: FileSplit, _ scan: FileScan, metrics: inout TaskMetrics,
                                                 _ emit: (ColumnarBatch) throws -> Void) throws {
        guard case .csv(let options) = scan.format else { throw EmberError(.internal, "CSVSource given a \(scan.format.name) scan") }
        metrics.inputBytes += split.length
        try CSVScanner.scan(split, options: options, dataSchema: scan.dataSchema, requiredColumns: scan.requiredColumns,
                            batchSize: ColumnarBatch.defaultCapacity, limits: scan.limits, dictionaryColumns: scan.dictionaryColumns, emit)
    }
}
