// DataFrameWriter: `df.write` (Spark's DataFrameWriter). `save(dir)` / `csv(dir)` / `text(dir)`
// write a directory the way Spark does: a write job whose last stage's tasks each write their
// partition as `part-NNNNN-<uuid>-c000.<ext>` files (in `col=value/` directories with
// `partitionBy`), committed through task attempt directories and a job commit that ends with
// `_SUCCESS` (FileCommitProtocol); a failed job leaves no visible output (OutputDirectory).
// `coalesce(1)` before the write makes one part file.
//
// The `ember` commands' `--output FILE` write exactly one file instead (`singleFile`), into a
// hidden temp file renamed into place (SingleFileOutput). CSV, text and JSON lines are written by
// the tasks as parts of a hidden directory (a top-level sort range-partitions, so partition order
// is row order) that are appended to the file in order by the kernel; Parquet, whose files do not
// concatenate, streams its rows through the driver in result order.

import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

public enum SaveMode: String, Sendable {
    /// Fail if the output exists (Spark's default, `errorifexists`).
    case errorIfExists
    /// Add files next to those already in the output directory.
    case append
    case overwrite
    /// Do nothing if the output exists.
    case ignore
}

public struct DataFrameWriter: Sendable {
    let df: DataFrame
    var saveMode: SaveMode = .errorIfExists
    /// The format `save` writes; nil: the session's `spark.sql.sources.default` (parquet).
    var source: String? = nil
    /// Options by name, interpreted by the format when the write starts (so their order with
    /// `format` does not matter, as in Spark).
    var optionPairs: [(key: String, value: String)] = []
    var partitionColumns: [String] = []

    init(df: DataFrame) { self.df = df }

    public func mode(_ mode: SaveMode) -> DataFrameWriter { var w = self; w.saveMode = mode; return w }

    /// Spark's mode names: "error", "errorifexists", "append", "overwrite", "ignore".
    public func mode(_ name: String) throws -> DataFrameWriter {
        switch name.lowercased() {
        case "error", "errorifexists", "default": return mode(.errorIfExists)
        case "append": return mode(.append)
        case "overwrite": return mode(.overwrite)
        case "ignore": return mode(.ignore)
        default:
            throw EmberError(.configuration, "unknown save mode '\(name)'", hint: "use error, errorifexists, append, overwrite or ignore")
        }
    }

    /// The format to write: "csv", "json", "parquet" or "text" (Spark's `format`; without it,
    /// `save` writes the session's `spark.sql.sources.default`, parquet).
    public func format(_ source: String) -> DataFrameWriter { var w = self; w.source = source; return w }

    /// A format option (CSV: header, sep/delimiter, nullValue). Checked by the format when the write
    /// starts: an unknown key or a bad value fails it, naming the option.
    public func option(_ key: String, _ value: String) throws -> DataFrameWriter {
        var w = self
        w.optionPairs.removeAll { $0.key.lowercased() == key.lowercased() }
        w.optionPairs.append((key, value))
        return w
    }

    public func option(_ key: String, _ value: Bool) throws -> DataFrameWriter { try option(key, value ? "true" : "false") }

    public func options(_ pairs: [String: String]) throws -> DataFrameWriter {
        var w = self
        for (k, v) in pairs.sorted(by: { $0.key < $1.key }) { w = try w.option(k, v) }
        return w
    }

    /// Writes `col=value/` directories for these columns (in this order); the files hold the others.
    public func partitionBy(_ columns: String...) -> DataFrameWriter { partitionBy(columns) }
    public func partitionBy(_ columns: [String]) -> DataFrameWriter { var w = self; w.partitionColumns = columns; return w }

    /// Writes the query's rows as a directory of files in the chosen format (see the file's summary).
    public func save(_ path: String) throws {
        let format = try FileWriteFormat.named(source ?? df.session.conf.current.defaultDataSource, options: optionPairs)
        let schema = try df.schema()
        let partitioning = try partitionIndices(schema)
        let spec = FileWriteSpec(root: "", jobId: "", jobUUID: "", format: format, schema: schema, partitionColumns: partitioning)
        try format.validate(dataSchema: spec.dataSchema)
        if let duplicates = Self.duplicateNames(schema.names) {   // a partition column would be ambiguous, a file's header too
            throw EmberError(.analysis, "Found duplicate column(s) when inserting into \(OutputDirectory.absolute(path)): \(duplicates)",
                             hint: "rename the columns (alias) so that each name occurs once")
        }
        guard let output = try OutputDirectory.prepare(path, mode: saveMode, inputs: df.inputFiles) else { return }
        try df.session.write(writePlan(schema, partitioning), spec: spec, into: output)
    }

    public func csv(_ path: String) throws { try format("csv").save(path) }
    public func text(_ path: String) throws { try format("text").save(path) }
    public func json(_ path: String) throws { try format("json").save(path) }
    public func parquet(_ path: String) throws { try format("parquet").save(path) }

    /// Writes exactly one file at `path`, in the format its extension names (see
    /// `FileWriteFormat.formatName(forFileName:)`; CSV unless `.json` or `.parquet`), as
    /// the `ember` commands' `--output FILE` does; modes error and overwrite (of a regular file).
    @_spi(EmberInternal) public func singleFile(_ path: String) throws {
        let format = try FileWriteFormat.named(FileWriteFormat.formatName(forFileName: path), options: optionPairs)
        var st = stat()
        if saveMode == .ignore && lstat(path, &st) == 0 { return }
        let schema = try df.schema()
        try format.validate(dataSchema: schema)
        if saveMode == .overwrite { try OutputPath.refuseInputs(path, inputs: df.inputFiles) }
        let output = try SingleFileOutput(path: path, format: format, schema: schema, overwrite: saveMode == .overwrite)
        do {
            if let partsFormat = format.concatenablePartsFormat {
                try writeParts(partsFormat, schema: schema, into: output)
            } else {
                _ = try df.session.execute(df.plan, maxResultSize: nil) { try output.write($0) }
            }
            try output.commit()
        } catch {
            output.abort()
            throw error
        }
    }

    /// The tasks write their partitions as part files into a hidden directory next to the output (a
    /// top-level sort is a range exchange, so partition order is row order), and the parts are
    /// appended to the output in partition order, by the kernel: the rows never pass through the
    /// driver. The directory is removed whatever happens.
    private func writeParts(_ partsFormat: FileWriteFormat, schema: StructType, into output: SingleFileOutput) throws {
        let parts = try OutputDirectory.scratch(nextTo: output.path)
        defer { parts.abandon() }
        let spec = FileWriteSpec(root: "", jobId: "", jobUUID: "", format: partsFormat, schema: schema, partitionColumns: [])
        for file in try df.session.write(df.plan, spec: spec, into: parts) {
            try output.append(contentsOf: parts.root + "/" + file)
            unlink(parts.root + "/" + file)   // the disk holds the output and one part at most twice
        }
    }

    /// The format `singleFile(path)` writes (by the name's extension), if Ember can write it.
    @_spi(EmberInternal) public static func singleFileFormat(_ path: String) throws -> String {
        let name = FileWriteFormat.formatName(forFileName: path)
        _ = try FileWriteFormat.named(name, options: [])
        return name
    }

    /// The partition columns' indices, refused as Spark's PartitioningUtils.validatePartitionColumn
    /// refuses them (names compared case-insensitively: spark.sql.caseSensitive=false): a name
    /// given twice, one not in the schema, a type that cannot name a directory, all the columns.
    private func partitionIndices(_ schema: StructType) throws -> [Int] {
        if let duplicates = Self.duplicateNames(partitionColumns) {
            throw EmberError(.analysis, "Found duplicate column(s) in the partition schema: \(duplicates)",
                             hint: "name each partition column once")
        }
        let indices = try partitionColumns.map { name in
            guard let i = schema.index(of: name) else {
                throw EmberError(.analysis, "Partition column `\(name)` not found in schema \(schema.description)",
                                 hint: NameSuggestions.closest(to: name, among: schema.names).map { "did you mean `\($0)`?" })
            }
            if case .array = schema.fields[i].dataType {
                throw EmberError(.analysis, "Cannot use \(schema.fields[i].dataType) for partition column", context: [.init("column", name)])
            }
            return i
        }
        if !indices.isEmpty && indices.count == schema.count {
            throw EmberError(.analysis, "Cannot use all columns for partition columns", hint: "leave at least one column for the files")
        }
        return indices
    }

    /// The names that occur more than once, case-insensitively, as Spark lists them
    /// (lowercased, each in backticks); nil when there are none.
    static func duplicateNames(_ names: [String]) -> String? {
        var seen: Set<String> = [], duplicates: [String] = []
        for name in names.map({ $0.lowercased() }) where !seen.insert(name).inserted && !duplicates.contains(name) {
            duplicates.append(name)
        }
        return duplicates.isEmpty ? nil : duplicates.map { "`\($0)`" }.joined(separator: ", ")
    }

    /// The query, with its rows sorted by the partition columns within each task (Spark's required
    /// ordering for a partitioned write: one directory's rows arrive together, one file open at a time).
    private func writePlan(_ schema: StructType, _ partitioning: [Int]) -> LogicalPlan {
        guard !partitioning.isEmpty else { return df.plan }
        let orders = partitioning.map { SortOrder(.column(schema.fields[$0].name), ascending: true, nullsFirst: true) }
        return .sortWithinPartitions(orders, df.plan)
    }
}
