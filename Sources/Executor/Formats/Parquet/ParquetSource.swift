// ParquetSource: the Parquet format behind FileSourceFormat. The driver reads each file's footer
// for the schema (every file must have the first one's); tasks read their split's row groups
// (see ParquetScanner). Reading is Ember's own code: Thrift footer, pages, encodings, codecs.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum ParquetSource: FileSourceFormat {
    @_spi(EmberInternal) public static let name = "parquet"

    @_spi(EmberInternal) public static let optionNames = ["binaryAsString", "mergeSchema"]

    /// Ember's binaryAsString (Spark's `spark.sql.parquet.binaryAsString`: un-annotated binary
    /// columns read as strings) and Spark's mergeSchema, which Ember takes only as false.
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileFormat {
        var options = ParquetOptions()
        for (key, value) in pairs {
            let option = ReaderOptionValue(key, value)
            switch key.lowercased() {
            case "binaryasstring": options.binaryAsString = try option.bool()
            case "mergeschema":
                if try option.bool() {
                    throw EmberError(.configuration, "Ember does not merge Parquet schemas (mergeSchema=true)",
                                     hint: "read files that share one schema, or leave the option out")
                }
            default: throw FileSourceFormats.unknownOption(key, of: self)
            }
        }
        return .parquet(options)
    }

    @_spi(EmberInternal) public static func resolve(paths: [String], format: FileFormat,
                                                    userSchema: StructType?) throws -> (format: FileFormat, schema: StructType) {
        guard case .parquet(let options) = format else { throw EmberError(.internal, "ParquetSource given a \(format.name) format") }
        let schema = try inferSchema(paths: paths, options: options)
        guard let userSchema else { return (format, schema) }
        // A given schema selects and orders columns by name; their types must be the files'.
        for field in userSchema.fields {
            if let i = schema.index(of: field.name), schema.fields[i].dataType != field.dataType {
                throw EmberError(.configuration, "column `\(field.name)` is \(schema.fields[i].dataType) in the Parquet files, not \(field.dataType)",
                                 hint: "leave the schema out, or give the column its type in the files")
            }
        }
        return (format, userSchema)
    }

    /// The schema in the footers of the files `paths` name (directories list their files): the
    /// first file's; a file whose schema differs is an error naming both.
    @_spi(EmberInternal) public static func inferSchema(paths: [String], options: ParquetOptions) throws -> StructType {
        let files = try FileSplitter.listFiles(paths)
        var first: (path: String, schema: StructType)? = nil
        for file in files {
            let parquet = try ParquetFile(path: file.path)
            let columns = try ParquetSchema.columns(try parquet.readFooter(), options: options, path: file.path)
            let schema = ParquetSchema.structType(columns)
            if let first {
                guard first.schema == schema else {
                    throw EmberError(.input, "Parquet files with different schemas in one read: \(first.path) has \(first.schema.simpleDescription), \(file.path) has \(schema.simpleDescription)",
                                     context: [.init("file", file.path), .init("first file", first.path)],
                                     hint: "read files with the same schema together (Ember does not merge schemas)")
                }
            } else {
                first = (file.path, schema)
            }
        }
        guard let first else {
            throw EmberError(.input, "no Parquet files to read the schema from", context: [.init("path", paths.joined(separator: ", "))],
                             hint: "check the path; names starting with . or _ are skipped")
        }
        return first.schema
    }

    @_spi(EmberInternal) public static func scan(_ split: FileSplit, _ scan: FileScan, metrics: inout TaskMetrics,
                                                 _ emit: (ColumnarBatch) throws -> Void) throws {
        guard case .parquet(let options) = scan.format else { throw EmberError(.internal, "ParquetSource given a \(scan.format.name) scan") }
        try ParquetScanner.scan(split, dataSchema: scan.dataSchema, requiredColumns: scan.requiredColumns, options: options,
                                pushedFilters: scan.pushedFilters, dictionaryColumns: scan.dictionaryColumns,
                                batchSize: ColumnarBatch.defaultCapacity,
                                stringBytesLimit: scan.limits.batchStringBytes, metrics: &metrics, emit)
    }
}

extension StructType {
    /// `a bigint, b string`, for errors.
    var simpleDescription: String {
        "(" + fields.map { "\($0.name) \($0.dataType.simpleString)" }.joined(separator: ", ") + ")"
    }
}
