// CSVFileWriter: writes batches as one CSV file (the CSV format's FileOutputFormat). It only
// formats; where the file goes and how it is committed is the caller's business (a write task's
// attempt directory, or SingleFileOutput's temp file).

@_spi(EmberInternal) import Planner

/// Writes one CSV file.
///
/// Format (see ``CSVCellRenderer``): the header (field names) when `options.header`; fields joined by
/// the delimiter, rows ended by `\n`; null → `options.nullValue`; fields containing the delimiter,
/// `"`, `\r` or `\n` are quoted with `"` and inner quotes doubled (RFC 4180; Spark would escape them
/// as `\"`, which Ember's reader also reads). An empty string is written as `""`, distinct from a
/// null in the file (Spark's `emptyValue`); note that readers with the default `nullValue = ""`,
/// Spark's and Ember's, read both back as null. Spark's default trimming of leading and trailing
/// spaces on write is not copied: values are written as they are. Values with line breaks are
/// quoted correctly but need a multi-line CSV reader (Spark's `multiLine`) to be read back.
/// The header is written even when no row follows (an empty result keeps its column names).
///
/// A writer belongs to one task and is not shared between threads.
@_spi(EmberInternal) public final class CSVFileWriter: FileOutputFormat {
    @_spi(EmberInternal) public let path: String
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let options: CSVWriteOptions
    private let file: OutputFile
    private let renderer: CSVCellRenderer
    private var headerPending: Bool
    private var closed = false
    /// Number of data rows written so far.
    @_spi(EmberInternal) public private(set) var rowsWritten = 0

    @_spi(EmberInternal) public init(path: String, schema: StructType, options: CSVWriteOptions) throws {
        self.path = path
        self.schema = schema
        self.options = options
        self.file = try OutputFile(path: path)
        self.renderer = CSVCellRenderer(delimiter: options.delimiter, nullValue: options.nullValue)
        self.headerPending = options.header
    }

    @_spi(EmberInternal) public static func fileExtension(_ options: CSVWriteOptions) -> String { "csv" }

    /// Spark's CSV writer options: header (default false), sep/delimiter, nullValue.
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileWriteFormat {
        var options = CSVWriteOptions()
        for (key, value) in pairs {
            switch key.lowercased() {
            case "header":
                guard let flag = Bool(value.lowercased()) else {
                    throw EmberError(.configuration, "option header must be true or false, got '\(value)'")
                }
                options.header = flag
            case "sep", "delimiter":
                guard value.utf8.count == 1, let byte = value.utf8.first else {
                    throw EmberError(.configuration, "the CSV delimiter must be one byte, got '\(value)'", context: [.init("option", key)])
                }
                options.delimiter = byte
            case "nullvalue": options.nullValue = value
            default:
                let known = ["header", "sep", "delimiter", "nullValue"]
                throw EmberError(.configuration, "unknown CSV write option '\(key)'",
                                 hint: (NameSuggestions.closest(to: key, among: known).map { "did you mean '\($0)'? " } ?? "")
                                     + "supported: header, sep, nullValue")
            }
        }
        return .csv(options)
    }

    /// Bytes written so far (all of them once closed).
    @_spi(EmberInternal) public var bytesWritten: Int64 { file.bytesWritten }

    /// Appends the rows of `batch` (whose columns must match the writer's schema).
    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard !closed else {
            throw EmberError(.internal, "CSV writer used after close or abort", context: [.init("path", path)])
        }
        guard batch.columns.count == schema.count else {
            throw EmberError(.internal, "batch has \(batch.columns.count) columns, CSV writer expects \(schema.count)",
                             context: [.init("path", path), .init("schema", schema.description)])
        }
        writeHeaderIfPending()
        renderer.appendRows(batch, to: file.output)
        rowsWritten += batch.numRows
        try file.didAppend()
    }

    private func writeHeaderIfPending() {
        guard headerPending else { return }
        headerPending = false
        renderer.appendHeader(schema.names, to: file.output)
    }

    /// Appends a part file written without a header, after this file's header.
    @_spi(EmberInternal) public func append(contentsOf part: String) throws {
        guard !closed else {
            throw EmberError(.internal, "CSV writer used after close or abort", context: [.init("path", path)])
        }
        writeHeaderIfPending()
        try file.append(contentsOf: part)
    }

    @_spi(EmberInternal) public func close() throws {
        guard !closed else { return }
        writeHeaderIfPending()
        closed = true
        try file.closeOrRemove()
    }

    @_spi(EmberInternal) public func abort() {
        closed = true
        file.remove()
    }
}
