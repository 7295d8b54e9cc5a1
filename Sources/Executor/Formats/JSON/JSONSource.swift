// JSONSource: the JSON lines format's entry points: reader options by Spark's names, schema
// inference on the driver, and the scan of one split on an executor.

@_spi(EmberInternal) import Planner

/// JSON lines (Spark's `read.json` with multiLine = false): one JSON object per line.
///
/// Splits are byte ranges; a split owns the lines that start in it (``LineReader``), so files are
/// read in parallel. Lines are decoded by ``JSONRecordDecoder`` (our own parser, straight into
/// the batch's columns; no Foundation in the scan path).
@_spi(EmberInternal) public enum JSONSource: FileSourceFormat {
    @_spi(EmberInternal) public static let name = "json"

    /// The reader options, by Spark's names (case-insensitive).
    @_spi(EmberInternal) public static let optionNames = ["primitivesAsString", "samplingRatio", "mode", "columnNameOfCorruptRecord", "dropFieldIfAllNull",
                              "allowSingleQuotes", "multiLine"]

    /// Options from key/value pairs; an unknown key or a bad value is a configuration error.
    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileFormat {
        var options = JSONOptions()
        for (key, value) in pairs {
            let option = ReaderOptionValue(key, value)
            switch key.lowercased() {
            case "primitivesasstring": options.primitivesAsString = try option.bool()
            case "dropfieldifallnull": options.dropFieldIfAllNull = try option.bool()
            case "allowsinglequotes": options.allowSingleQuotes = try option.bool()
            case "samplingratio":
                guard let r = Double(value), r > 0, r <= 1 else {
                    throw EmberError(.configuration, "option samplingRatio must be a number in (0, 1], got '\(value)'",
                                     hint: "samplingRatio is the fraction of lines schema inference reads, e.g. 0.1")
                }
                options.samplingRatio = r
            case "mode": options.mode = try option.parseMode()
            case "columnnameofcorruptrecord":
                guard !value.isEmpty else { throw EmberError(.configuration, "option columnNameOfCorruptRecord must not be empty") }
                options.columnNameOfCorruptRecord = value
            case "multiline":
                if try option.bool() {
                    throw EmberError(.configuration, "Ember reads JSON lines only (multiLine = false)", context: [.init("option", key)],
                                     hint: "write one JSON object per line (e.g. with `jq -c`)")
                }
            default: throw FileSourceFormats.unknownOption(key, of: self)
            }
        }
        return .json(options)
    }

    /// The user's schema (whose corrupt-record column, if any, must be a string), or the inferred one.
    @_spi(EmberInternal) public static func resolve(paths: [String], format: FileFormat,
                                                    userSchema: StructType?) throws -> (format: FileFormat, schema: StructType) {
        guard case .json(let options) = format else { throw EmberError(.internal, "JSONSource given a \(format.name) format") }
        guard let userSchema else { return (format, try inferSchema(paths: paths, format: format)) }
        if let corrupt = userSchema.fields.first(where: { $0.name == options.columnNameOfCorruptRecord }), corrupt.dataType != .string {
            throw EmberError(.analysis, "the column for corrupt records must be a string column", context: [.init("column", corrupt.name)],
                             hint: "declare \(corrupt.name) as STRING, or name another column with the option columnNameOfCorruptRecord")
        }
        return (format, userSchema)
    }

    /// The schema of JSON lines files, inferred as Spark's `JsonInferSchema` does:
    /// - every line (or, with `samplingRatio` < 1, a seeded random sample of the lines) is parsed;
    ///   blank lines are skipped; a line that is a top-level array contributes each element;
    /// - the columns are the union of the objects' field names, sorted by name;
    /// - a field's type merges its values' types: integers within Int64 → bigint, other numbers
    ///   (fractions, exponents, NaN/Infinity, integers beyond Int64) → double, `true`/`false` →
    ///   boolean, strings → string; `null` and `""` count as no value; bigint + double → double;
    ///   any other mix → string. A field with no value is a string (dropped with
    ///   `dropFieldIfAllNull`). With `primitivesAsString` every number and boolean is a string;
    /// - objects and arrays, for which Spark infers struct and array types, are string columns
    ///   holding the value's JSON text (Ember has no struct type); a field that is only ever `{}`
    ///   is dropped, as Spark drops empty structs;
    /// - a malformed line (bad syntax, or not an object or array of objects) adds a string column
    ///   `columnNameOfCorruptRecord` in PERMISSIVE mode, is ignored in DROPMALFORMED, and fails
    ///   inference naming the file and line in FAILFAST.
    /// Names differing only in case are an error (Ember resolves names case-insensitively).
    @_spi(EmberInternal) public static func inferSchema(paths: [String], format: FileFormat) throws -> StructType {
        guard case .json(let options) = format else {
            throw EmberError(.internal, "JSON schema inference called for the \(format.name) format")
        }
        let files = try FileSplitter.listFiles(paths)
        guard !files.isEmpty else {
            throw EmberError(.analysis, "Unable to infer schema for JSON: there are no input files", context: [.init("path", paths.joined(separator: ", "))],
                             hint: "give the schema explicitly with .schema(...), or point the reader at JSON files")
        }
        var inference = JSONSchemaInference(options: options)
        var sampler = SplitMix64(seed: 1)
        // Spark samples only below 0.99 (and 0.99 · 2^64 still fits a UInt64).
        let threshold = options.samplingRatio > 0.99 ? UInt64.max : UInt64(options.samplingRatio * 0x1p64)
        for file in files where file.length > 0 {
            let reader = try LineReader(split: LineReader.wholeFile(file))
            while let (raw, offset) = try reader.next() {
                if threshold != .max && sampler.next() >= threshold { continue }
                let line = offset == 0 ? CSVSchemaInference.droppingByteOrderMark(raw) : raw
                if let problem = inference.add(line), options.mode == .failFast {
                    throw malformedRecord(problem, path: file.path, line: try reader.lineNumber(at: offset))
                }
            }
        }
        return try inference.schema()
    }

    /// Scans one split into batches of `scan.requiredColumns` (at most `ColumnarBatch.defaultCapacity`
    /// rows each, unless one line's top-level array alone has more elements).
    @_spi(EmberInternal) public static func scan(_ split: FileSplit, _ scan: FileScan, metrics: inout TaskMetrics,
                                                 _ emit: (ColumnarBatch) throws -> Void) throws {
        guard case .json(let options) = scan.format else {
            throw EmberError(.internal, "JSON scan called for the \(scan.format.name) format")
        }
        metrics.inputBytes += split.length
        let capacity = ColumnarBatch.defaultCapacity
        var decoder = try JSONRecordDecoder(options: options, dataSchema: scan.dataSchema, requiredColumns: scan.requiredColumns,
                                            rowsPerBatch: capacity, dictionaryColumns: scan.dictionaryColumns)
        let reader = try LineReader(split: split, maxLineBytes: scan.limits.maxLineBytes)
        var columns = decoder.makeColumns()
        var rows = 0
        var batchBytes = BatchStringBytes(scan.limits)
        try columns.withUnsafeMutableBufferPointer { columns in
            func flush() throws {
                try emit(decoder.finishBatch(columns, rows: rows))
                rows = 0
                batchBytes.reset()
            }
            while let (raw, offset) = try reader.next() {
                let line = offset == 0 ? CSVSchemaInference.droppingByteOrderMark(raw) : raw
                if rows > 0, let n = decoder.arrayRowCount(line), rows + n > capacity { try flush() }
                if batchBytes.mustCutBefore(line.count) { try flush() }
                switch decoder.decode(line, into: columns) {
                case .rows(let n):
                    rows += n
                    if batchBytes.add(line.count) || rows >= capacity { try flush() }
                case .dropped:
                    continue
                case .failed(let problem):
                    throw malformedRecord(problem, path: split.path, line: try reader.lineNumber(at: offset))
                }
            }
            if rows > 0 { try flush() }
        }
    }

    static func malformedRecord(_ problem: String, path: String, line: Int) -> EmberError {
        EmberError(.input, "malformed JSON record: \(problem)", context: [.init("file", path), .init("line", String(line))],
                   hint: "fix the record, or read with mode PERMISSIVE (malformed records become nulls and their text goes to _corrupt_record) or DROPMALFORMED (they are skipped)")
    }
}
