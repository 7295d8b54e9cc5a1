// DataFrameReader: `session.read` (Spark's DataFrameReader). Reading lists the files (directories
// recursively, with their `col=value` partition columns: PartitionDiscovery), splits them into byte
// ranges and settles the schema (header, inference or the given schema); the data itself is read
// later, by the tasks of the job that needs it.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

public struct DataFrameReader: Sendable {
    let session: Session
    var userSchema: StructType? = nil
    /// What `load` reads (`format`; nil: the session's `spark.sql.sources.default`, parquet), and
    /// the options set so far, in order (the format reads them).
    var source: String? = nil
    var optionPairs: [ReaderOption] = []

    struct ReaderOption: Sendable {
        var key: String
        var value: String
    }

    init(session: Session) { self.session = session }

    /// Sets a reader option by Spark's name; the format checks it when the files are read (an
    /// unknown option or a bad value is an error then, naming it). CSV: header, inferSchema,
    /// sep/delimiter, quote, escape, nullValue, mode, comment, and Ember's inferSchemaSampleRows
    /// (infer from the first n records, verified while scanning). Text takes none.
    public func option(_ key: String, _ value: String) throws -> DataFrameReader {
        var r = self
        r.optionPairs.append(ReaderOption(key: key, value: value))
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

    /// The data source `load` reads (Spark's `format`): "csv", "json", "text" or "parquet"; without
    /// it, the session's `spark.sql.sources.default` (parquet).
    public func format(_ source: String) -> DataFrameReader { var r = self; r.source = source; return r }

    /// Reads files in the format `format` named, with the options set on this reader.
    public func load(_ paths: String...) throws -> DataFrame { try load(paths) }
    public func load(_ paths: [String]) throws -> DataFrame {
        let source = try FileSourceFormats.named(source ?? session.conf.current.defaultDataSource)
        let options = try source.format(options: optionPairs.map { ($0.key, $0.value) })
        let listing = try PartitionDiscovery.discover(paths, userTypes: Dictionary(userSchema?.fields.map { ($0.name, $0.dataType) } ?? [],
                                                                                   uniquingKeysWith: { a, _ in a }))
        let files = listing.descended ? listing.filePaths : paths
        let splits = try session.splitFiles(files, partitionValues: listing.valuesByPath)
        // A user schema that names partition columns gives their types; the files hold the rest.
        let dataSchema = userSchema.map { schema in
            StructType(schema.fields.filter { field in listing.schema.index(of: field.name) == nil })
        }
        let (format, schema) = try source.resolve(paths: files, format: options, userSchema: dataSchema)
        var relation = FileRelation(paths: paths, format: format, schema: schema, splits: splits, partitionSchema: listing.schema)
        let config = session.conf.current
        relation.limits = ScanLimits(maxLineBytes: config.maxLineBytes, batchStringBytes: config.scanBatchStringBytes)
        return DataFrame(session: session, plan: .relation(relation))
    }

    /// Text files: one row per line in a `value` column.
    public func text(_ paths: String...) throws -> DataFrame { try text(paths) }
    public func text(_ paths: [String]) throws -> DataFrame { try format(TextSource.name).load(paths) }

    /// CSV files, with the options set on this reader.
    public func csv(_ paths: String...) throws -> DataFrame { try csv(paths) }
    public func csv(_ paths: [String]) throws -> DataFrame { try format(CSVSource.name).load(paths) }

    /// JSON lines files (one object per line), with the JSON options set on this reader; the
    /// schema is inferred (see `JSONSource.inferSchema`) unless given.
    public func json(_ paths: String...) throws -> DataFrame { try json(paths) }
    public func json(_ paths: [String]) throws -> DataFrame { try format(JSONSource.name).load(paths) }

    /// Parquet files (flat schemas), with the options set on this reader (binaryAsString).
    public func parquet(_ paths: String...) throws -> DataFrame { try parquet(paths) }
    public func parquet(_ paths: [String]) throws -> DataFrame { try format(ParquetSource.name).load(paths) }
}
