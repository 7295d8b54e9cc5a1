// FileSourceFormat: what a file format provides to be read, and the registry that finds it. Every
// format lives in its own folder under Formats/ (CSV, Text, …) with an enum `<Name>Source`
// conforming to this protocol, and a case of Planner's `FileFormat` carrying its options; adding a
// format is that folder, that case and one line in each switch below.
//
//   driver:   options(pairs) ──► FileFormat ──► resolve(paths, format, userSchema) ──► schema
//             (splits are byte ranges of the files, planned alike for every format)
//   executor: scan(split, FileScan) ──► batches of the scan's required columns

@_spi(EmberInternal) import Planner

/// One file format's reading side, as static functions (a format has no state of its own: what a
/// read needs travels in `FileFormat` and `FileScan`).
@_spi(EmberInternal) public protocol FileSourceFormat: Sendable {
    /// The format's name, as `read.format(…)` and SQL's `USING …` take it.
    static var name: String { get }

    /// The reader options the format takes, by Spark's names (for errors and suggestions).
    static var optionNames: [String] { get }

    /// The plan value for these reader options (Spark's names, compared case-insensitively, in
    /// the order they were set: a later value wins). An unknown key or a bad value is an error
    /// naming it.
    static func format(options: [(key: String, value: String)]) throws -> FileFormat

    /// Settles the schema of the files (the user's, the format's own, inferred or read from the
    /// files) and the format to plan with. Runs on the driver, once per read.
    static func resolve(paths: [String], format: FileFormat, userSchema: StructType?) throws -> (format: FileFormat, schema: StructType)

    /// Reads one split, emitting batches of `scan.requiredColumns` (at most
    /// `ColumnarBatch.defaultCapacity` rows each). Runs in a task. A split is a byte range of one
    /// file: a line format owns the lines that start in it.
    static func scan(_ split: FileSplit, _ scan: FileScan, metrics: inout TaskMetrics, _ emit: (ColumnarBatch) throws -> Void) throws
}

@_spi(EmberInternal) public enum FileSourceFormats {
    /// Every format Ember reads, in the order errors list them.
    @_spi(EmberInternal) public static let all: [any FileSourceFormat.Type] = [CSVSource.self, TextSource.self, JSONSource.self, ParquetSource.self]

    /// The format `read.format(name)` names, or an error listing those that exist.
    @_spi(EmberInternal) public static func named(_ name: String) throws -> any FileSourceFormat.Type {
        let names = all.map { source in source.name }
        if let index = names.firstIndex(of: name.lowercased()) { return all[index] }
        let suggestion = NameSuggestions.closest(to: name, among: names).map { "did you mean '\($0)'? " } ?? ""
        throw EmberError(.configuration, "unknown data source format '\(name)'",
                         hint: suggestion + "Ember reads " + names.joined(separator: ", ") + " files")
    }

    /// The format a plan's scan reads.
    @_spi(EmberInternal) public static func source(for format: FileFormat) -> any FileSourceFormat.Type {
        switch format {
        case .text: return TextSource.self
        case .csv: return CSVSource.self
        case .json: return JSONSource.self
        case .parquet: return ParquetSource.self
        }
    }

    /// The error for an option `source` does not take, with the closest it does.
    @_spi(EmberInternal) public static func unknownOption(_ key: String, of source: any FileSourceFormat.Type) -> EmberError {
        let suggestion = NameSuggestions.closest(to: key, among: source.optionNames).map { "did you mean '\($0)'? " } ?? ""
        let known = source.optionNames.isEmpty ? "it takes no options" : "it takes " + source.optionNames.joined(separator: ", ")
        return EmberError(.configuration, "the \(source.name) source takes no option '\(key)'", hint: suggestion + known)
    }
}

/// Reads reader option values as Spark does: booleans, single characters, positive numbers.
@_spi(EmberInternal) public struct ReaderOptionValue {
    @_spi(EmberInternal) public let key: String
    @_spi(EmberInternal) public let value: String

    @_spi(EmberInternal) public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    @_spi(EmberInternal) public func bool() throws -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw EmberError(.configuration, "option \(key) must be true or false, got '\(value)'")
        }
    }

    @_spi(EmberInternal) public func byte() throws -> UInt8 {
        guard value.utf8.count == 1, let byte = value.utf8.first else {
            throw EmberError(.configuration, "option \(key) must be a single character, got '\(value)'")
        }
        return byte
    }

    @_spi(EmberInternal) public func positiveInt() throws -> Int {
        guard let n = Int(value), n > 0 else {
            throw EmberError(.configuration, "option \(key) must be a positive number, got '\(value)'")
        }
        return n
    }

    @_spi(EmberInternal) public func parseMode() throws -> ParseMode {
        guard let mode = ParseMode.parse(value) else {
            throw EmberError(.configuration, "unknown parse mode '\(value)' for option \(key)", hint: "use PERMISSIVE, DROPMALFORMED or FAILFAST")
        }
        return mode
    }
}
