// DataFrameReader: `session.read` (Spark's DataFrameReader). Reading lists the files, splits them
// into byte ranges and settles the schema (header, inference or the given schema); the data itself
// is read later, by the tasks of the job that needs it.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

public struct DataFrameReader: Sendable {
    let session: Session
    var csvOptions = CSVOptions()
    var userSchema: StructType? = nil
    /// What `load` reads (`format`), and the options set so far by name (text takes none).
    var source = "csv"
    var optionNames: [String] = []

    init(session: Session) { self.session = session }

    /// Sets an option. CSV: header, inferSchema, sep/delimiter, quote, escape, nullValue, mode, comment,
    /// and Ember's inferSchemaSampleRows (infer from the first n records, verified while scanning).
    public func option(_ key: String, _ value: String) throws -> DataFrameReader {
        var r = self
        func byte() throws -> UInt8 {
            guard value.utf8.count == 1 else {
                throw EmberError(.configuration, "option \(key) must be a single character, got '\(value)'")
            }
            return value.utf8.first!
        }
        func bool() throws -> Bool {
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw EmberError(.configuration, "option \(key) must be true or false, got '\(value)'")
            }
        }
        switch key.lowercased() {
        case "header": r.csvOptions.header = try bool()
        case "inferschema": r.csvOptions.inferSchema = try bool()
        case "sep", "delimiter": r.csvOptions.delimiter = try byte()
        case "quote": r.csvOptions.quote = try byte()
        case "escape": r.csvOptions.escape = try byte()
        case "comment": r.csvOptions.comment = try byte()
        case "nullvalue": r.csvOptions.nullValue = value
        case "inferschemasamplerows":
            guard let n = Int(value), n > 0 else {
                throw EmberError(.configuration, "option inferSchemaSampleRows must be a positive number, got '\(value)'")
            }
            r.csvOptions.inferenceSampleRows = n
        case "mode":
            guard let mode = ParseMode.parse(value) else {
                throw EmberError(.configuration, "unknown parse mode '\(value)'", hint: "use PERMISSIVE, DROPMALFORMED or FAILFAST")
            }
            r.csvOptions.mode = mode
        default:
            throw EmberError(.configuration, "unknown read option '\(key)'",
                             hint: "supported: header, inferSchema, inferSchemaSampleRows, sep, quote, escape, comment, nullValue, mode")
        }
        r.optionNames.append(key)
        return r
    }

    public func option(_ key: String, _ value: Bool) throws -> DataFrameReader { try option(key, value ? "true" : "false") }

    public func options(_ pairs: [String: String]) throws -> DataFrameReader {
        var r = self
        for (k, v) in pairs.sorted(by: { $0.key < $1.key }) { r = try r.option(k, v) }
        return r
    }

    public func schema(_ schema: StructType) -> DataFrameReader { var r = self; r.userSchema = schema; return r }
    /// A DDL schema string: `"k STRING, x BIGINT"`.
    public func schema(_ ddl: String) throws -> DataFrameReader { schema(try StructType.fromDDL(ddl)) }

    /// The data source `load` reads (Spark's `format`): "csv" (the default) or "text".
    public func format(_ source: String) -> DataFrameReader { var r = self; r.source = source; return r }

    /// Reads files in the format `format` named, with the options set on this reader.
    public func load(_ paths: String...) throws -> DataFrame { try load(paths) }
    public func load(_ paths: [String]) throws -> DataFrame {
        switch source.lowercased() {
        case "csv":
            return try csv(paths)
        case "text":
            if let name = optionNames.first {
                throw EmberError(.configuration, "the text format takes no option '\(name)'", hint: "text reads one row per line into a `value` column")
            }
            return try text(paths)
        case "parquet", "json":
            throw EmberError(.configuration, "Ember cannot read \(source) files yet", hint: "read csv or text files")
        default:
            throw EmberError(.configuration, "unknown data source format '\(source)'", hint: "Ember reads csv and text files")
        }
    }

    /// Text files: one row per line in a `value` column.
    public func text(_ paths: String...) throws -> DataFrame { try text(paths) }
    public func text(_ paths: [String]) throws -> DataFrame {
        let splits = try session.splitFiles(paths)
        let schema = StructType([StructField("value", .string)])
        return DataFrame(session: session, plan: .relation(FileRelation(paths: paths, format: .text, schema: schema, splits: splits)))
    }

    /// CSV files, with the options set on this reader.
    public func csv(_ paths: String...) throws -> DataFrame { try csv(paths) }
    public func csv(_ paths: [String]) throws -> DataFrame {
        let splits = try session.splitFiles(paths)
        var options = csvOptions
        let schema = try userSchema ?? CSVSchemaInference.inferSchema(paths: paths, options: options)
        // A sampled schema is checked while scanning; a value that contradicts it fails the job with
        // an error marked inferredTypeMismatch (then read again without sampling).
        options.verifyInferredTypes = userSchema == nil && options.inferSchema && options.inferenceSampleRows != nil
        return DataFrame(session: session, plan: .relation(FileRelation(paths: paths, format: .csv(options), schema: schema, splits: splits)))
    }
}
