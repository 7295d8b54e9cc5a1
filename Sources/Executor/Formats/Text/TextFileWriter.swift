// TextFileWriter: Spark's text format on the writing side: one string column, each value on a line
// of its own, ended by `\n` (the text format's FileOutputFormat).

@_spi(EmberInternal) import Planner

/// Writes one text file: the single string column's values, one per line. A null is an empty line
/// (Spark writes none; Ember keeps the line so that row counts survive the round trip).
@_spi(EmberInternal) public final class TextFileWriter: FileOutputFormat {
    @_spi(EmberInternal) public let path: String
    private let file: OutputFile
    private var closed = false

    @_spi(EmberInternal) public init(path: String, schema: StructType, options: Void) throws {
        try Self.validate(schema)
        self.path = path
        self.file = try OutputFile(path: path)
    }

    @_spi(EmberInternal) public static func fileExtension(_ options: Void) -> String { "txt" }

    /// The text format takes no options.
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileWriteFormat {
        if let (key, _) = pairs.first {
            throw EmberError(.configuration, "the text format takes no option '\(key)'", hint: "text writes one string column, a line per row")
        }
        return .text
    }

    /// Spark: "Text data source supports only a single column, and you have N columns", of type string.
    static func validate(_ schema: StructType) throws {
        guard schema.count == 1 else {
            throw EmberError(.analysis, "Text data source supports only a single column, and you have \(schema.count) columns.",
                             context: [.init("columns", schema.names.joined(separator: ", "))],
                             hint: "select one string column (e.g. concat_ws of the others) before write.text")
        }
        guard schema.fields[0].dataType == .string else {
            throw EmberError(.analysis, "Text data source does not support \(schema.fields[0].dataType) data type",
                             context: [.init("column", schema.fields[0].name)], hint: "cast the column to a string first")
        }
    }

    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard !closed else { throw EmberError(.internal, "text writer used after close or abort", context: [.init("path", path)]) }
        guard batch.columns.count == 1, case .string(let strings) = batch.columns[0].values else {
            throw EmberError(.internal, "the text writer takes one string column", context: [.init("path", path)])
        }
        let column = batch.columns[0]
        let out = file.output
        for i in 0..<batch.numRows {
            if !column.isNull(i) { strings.withBytes(at: i) { out.append($0) } }
            out.append(UInt8(ascii: "\n"))
        }
        try file.didAppend()
    }

    /// Appends a part file of text lines.
    @_spi(EmberInternal) public func append(contentsOf part: String) throws {
        guard !closed else { throw EmberError(.internal, "text writer used after close or abort", context: [.init("path", path)]) }
        try file.append(contentsOf: part)
    }

    @_spi(EmberInternal) public func close() throws {
        guard !closed else { return }
        closed = true
        try file.closeOrRemove()
    }

    @_spi(EmberInternal) public func abort() {
        closed = true
        file.remove()
    }
}
