// DataFrameWriter: writes a DataFrame's result. `csv(path)` writes ONE CSV file (Spark writes a
// directory of part files; Ember's output is a single file, like coalesce(1)), committed
// atomically: a temp file in the same directory renamed into place only after the job succeeded.
// The rows stream into the file while the job runs (partitions in order as they arrive, sorted
// results through a streaming merge), so the driver never holds the whole result.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

public enum SaveMode: String, Sendable {
    /// Fail if the output exists (Spark's default, `errorifexists`).
    case errorIfExists
    case overwrite
    /// Do nothing if the output exists.
    case ignore
}

public struct DataFrameWriter: Sendable {
    let df: DataFrame
    var saveMode: SaveMode = .errorIfExists
    var options = CSVWriteOptions()
    /// Every option as given, for formats that parse their own (JSON), and what `save` writes.
    var optionPairs: [WriterOption] = []
    var source = "csv"

    struct WriterOption: Sendable {
        var key: String
        var value: String
    }

    init(df: DataFrame) { self.df = df }

    public func mode(_ mode: SaveMode) -> DataFrameWriter { var w = self; w.saveMode = mode; return w }

    /// Spark's mode names: "error", "errorifexists", "overwrite", "ignore".
    public func mode(_ name: String) throws -> DataFrameWriter {
        switch name.lowercased() {
        case "error", "errorifexists", "default": return mode(.errorIfExists)
        case "overwrite": return mode(.overwrite)
        case "ignore": return mode(.ignore)
        default:
            throw EmberError(.configuration, "unknown save mode '\(name)'", hint: "use error, errorifexists, overwrite or ignore")
        }
    }

    /// CSV options: header (default false, as Spark), sep/delimiter, nullValue.
    public func option(_ key: String, _ value: String) throws -> DataFrameWriter {
        var w = self
        switch key.lowercased() {
        case "header": w.options.header = value.lowercased() == "true"
        case "sep", "delimiter":
            guard value.utf8.count == 1 else { throw EmberError(.configuration, "the CSV delimiter must be one byte, got '\(value)'") }
            w.options.delimiter = value.utf8.first!
        case "nullvalue": w.options.nullValue = value
        case "ignorenullfields", "compression": break   // JSON's, checked by json(path)
        default: throw EmberError(.configuration, "unknown CSV write option '\(key)'", hint: "supported: header, sep, nullValue")
        }
        w.optionPairs.append(WriterOption(key: key, value: value))
        return w
    }

    public func option(_ key: String, _ value: Bool) throws -> DataFrameWriter { try option(key, value ? "true" : "false") }

    /// The format `save` writes (Spark's `format`): "csv" (the default) or "json".
    public func format(_ source: String) -> DataFrameWriter { var w = self; w.source = source; return w }

    /// Writes in the format `format` named.
    public func save(_ path: String) throws {
        switch source.lowercased() {
        case "csv": try csv(path)
        case "json": try json(path)
        default:
            throw EmberError(.configuration, "Ember cannot write \(source) files", hint: "write csv or json")
        }
    }

    /// Runs the query and writes its rows to one JSON lines file at `path` (options
    /// ignoreNullFields, compression none/gzip), committed atomically: a hidden temp file in the
    /// same directory, renamed into place once the job succeeded. (The directory outputs of issue
    /// 13 replace this with part files and a job commit.)
    public func json(_ path: String) throws {
        if saveMode == .ignore && FileManagerShim.exists(path) { return }
        let jsonOptions = try JSONFileWriter.writeOptions(optionPairs.filter { $0.key.lowercased() != "header" }.map { ($0.key, $0.value) })
        let schema = try df.schema()
        if saveMode == .overwrite {
            try OutputPath.refuseInputs(path, inputs: df.inputFiles)
            try OutputPath.checkReplaceable(path)
        } else if FileManagerShim.exists(path) {
            throw EmberError(.output, "output path already exists", context: [.init("path", path)],
                             hint: "choose another path or use mode overwrite (--overwrite / .mode(.overwrite))")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let temp = directory + ".\(slash.map { String(path[path.index(after: $0)...]) } ?? path).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).ember-tmp"
        let writer = try JSONFileWriter(path: temp, schema: schema, options: jsonOptions)
        let cleanup = TerminationCleanup.add { unlink(temp) }
        defer { TerminationCleanup.remove(cleanup) }
        do {
            _ = try df.session.execute(df.plan, maxResultSize: nil) { try writer.write($0) }
            try writer.close()
            // Overwrite renames over the old file; otherwise link(2) fails if the path appeared meanwhile.
            if saveMode == .overwrite ? rename(temp, path) != 0 : link(temp, path) != 0 {
                throw EmberError(.output, errno == EEXIST ? "output path already exists" : "cannot move output file into place",
                                 context: [.init("path", path)], hint: "check that the directory is writable and the path is free")
            }
            unlink(temp)
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Runs the query and writes its rows to one CSV file at `path`, as they arrive.
    public func csv(_ path: String) throws {
        if saveMode == .ignore && FileManagerShim.exists(path) { return }
        let schema = try df.schema()
        // Open (and validate) the output before running the job, so a bad path fails fast.
        if saveMode == .overwrite { try OutputPath.refuseInputs(path, inputs: df.inputFiles) }
        let writer = try CSVFileWriter(path: path, schema: schema, options: options, overwrite: saveMode == .overwrite)
        do {
            _ = try df.session.execute(df.plan, maxResultSize: nil) { try writer.write($0) }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }
}

enum FileManagerShim {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
