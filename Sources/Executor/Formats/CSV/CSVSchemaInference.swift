// CSVSchemaInference: the schema of CSV files, Spark-style: column names from the header (or
// _c0, _c1, …) and, with inferSchema, each column's type from a full pass over every value.

@_spi(EmberInternal) import Planner

/// Column names and types of CSV files.
///
/// Names: with `header`, the fields of the first non-blank, non-comment line of the first file
/// that has one (empty files are passed over, as Spark reads the first line of the whole input;
/// a UTF-8 byte order mark is ignored);
/// without, `_c0, _c1, …` for the fields of that line. Header names are made safe as Spark's
/// `CSVUtils.makeSafeHeader` (case-insensitive, like Ember's name resolution): an empty name or
/// one equal to `nullValue` becomes `_c<i>`, and names that occur more than once get their column
/// index appended (`a,b,a` → `a0,b,a2`).
///
/// Types (with `inferSchema`; otherwise every column is a string): every record of every file is
/// read (the header and blank/comment lines excepted); null fields (see ``CSVScanner``) do not
/// count. A value's own type is the first that parses it of bigint, double, date, timestamp,
/// boolean, else string (a bigint that overflows Int64 is a double, as Spark without
/// `prefersDecimal`). A column's type merges its values' types as Spark's `CSVInferSchema`:
/// equal types stay, bigint + double → double, date + timestamp → timestamp, anything else →
/// string. A column with no non-null value is a string column. Fields past the header's count are
/// ignored; missing fields count as null.
@_spi(EmberInternal) public enum CSVSchemaInference {
    /// The header fields of the first line of `path` (after blank and comment lines), unmodified.
    /// Throws an `.input` error naming the file when it has no such line.
    @_spi(EmberInternal) public static func header(path: String, options: CSVOptions) throws -> [String] {
        let files = try FileSplitter.listFiles([path])
        for file in files {
            if let fields = try firstRecord(file, options: options) { return fields }
        }
        throw emptyInput(path)
    }

    @_spi(EmberInternal) public static func inferSchema(paths: [String], options: CSVOptions) throws -> StructType {
        let files = try FileSplitter.listFiles(paths)
        var first: [String]? = nil
        for file in files {
            first = try firstRecord(file, options: options)
            if first != nil { break }
        }
        guard let first else {
            if options.header { throw emptyInput(files.first?.path ?? paths.first ?? "") }
            return StructType([])   // no lines at all and no header expected: no columns (as Spark)
        }
        let names = options.header ? safeNames(first, nullValue: options.nullValue)
                                   : first.indices.map { "_c\($0)" }
        guard options.inferSchema else { return StructType(names.map { StructField($0, .string) }) }

        var types = [InferredType](repeating: .null, count: names.count)
        let nullValue = Array(options.nullValue.utf8)
        let tokenizer = CSVTokenizer(options: options, expectedFields: names.count)
        var sampled = 0
        let sampleLimit = options.inferenceSampleRows ?? Int.max
        files: for file in files where file.length > 0 {
            let reader = try LineReader(split: LineReader.wholeFile(file), chunkSize: sampleLimit < 100_000 ? 1 << 20 : 4 << 20)
            var skipHeader = options.header
            while let (raw, offset) = try reader.next() {
                if sampled >= sampleLimit { break files }
                let line = offset == 0 ? droppingByteOrderMark(raw) : raw
                if LineReader.isBlank(line) { continue }
                if let comment = options.comment, line[0] == comment { continue }
                if skipHeader {
                    skipHeader = false
                    continue
                }
                tokenizer.tokenize(line)
                sampled += 1
                for c in 0..<min(tokenizer.count, types.count) where types[c] != .string {
                    let field = tokenizer.field(c)
                    if isNull(field, quoted: tokenizer.isQuoted(c), nullValue: nullValue) { continue }
                    types[c] = types[c].merged(with: InferredType.of(field))
                }
            }
        }
        return StructType(zip(names, types).map { StructField($0, $1.dataType) })
    }

    /// The first non-blank, non-comment line of a file, as fields; nil for a file without one.
    static func firstRecord(_ file: InputFile, options: CSVOptions) throws -> [String]? {
        guard file.length > 0 else { return nil }
        let reader = try LineReader(split: LineReader.wholeFile(file), chunkSize: 1 << 16)
        guard let line = try firstRecordLine(reader, options: options) else { return nil }
        let tokenizer = CSVTokenizer(options: options)
        tokenizer.tokenize(line.bytes)
        return tokenizer.strings()
    }

    /// The offset of the first non-blank, non-comment line of a file (the header), or -1.
    static func firstRecordOffset(path: String, fileLength: Int64, options: CSVOptions) throws -> Int64 {
        guard fileLength > 0 else { return -1 }
        let reader = try LineReader(split: FileSplit(path: path, start: 0, length: fileLength, fileLength: fileLength),
                                    chunkSize: 1 << 16)
        return try firstRecordLine(reader, options: options)?.offset ?? -1
    }

    private static func firstRecordLine(_ reader: LineReader, options: CSVOptions) throws
        -> (bytes: UnsafeRawBufferPointer, offset: Int64)? {
        while let (raw, offset) = try reader.next() {
            let line = offset == 0 ? droppingByteOrderMark(raw) : raw
            if LineReader.isBlank(line) { continue }
            if let comment = options.comment, line[0] == comment { continue }
            return (line, offset)
        }
        return nil
    }

    /// The line without a leading UTF-8 byte order mark (EF BB BF), which editors such as Excel
    /// put at the start of CSV files. Only the first line of a file can carry it.
    @inline(__always)
    static func droppingByteOrderMark(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
            return UnsafeRawBufferPointer(rebasing: line[3...])
        }
        return line
    }

    /// Spark's `makeSafeHeader`, case-insensitive.
    static func safeNames(_ header: [String], nullValue: String) -> [String] {
        var seen: [String: Int] = [:]
        for name in header { seen[name.lowercased(), default: 0] += 1 }
        return header.enumerated().map { index, name in
            if name.isEmpty || name == nullValue { return "_c\(index)" }
            if seen[name.lowercased(), default: 0] > 1 { return "\(name)\(index)" }
            return name
        }
    }

    static func isNull(_ field: UnsafeRawBufferPointer, quoted: Bool, nullValue: [UInt8]) -> Bool {
        if field.count == 0 { return !quoted || nullValue.isEmpty }
        return field.elementsEqual(nullValue)
    }

    static func emptyInput(_ path: String) -> EmberError {
        EmberError(.input, "CSV input has no header line: the file is empty", context: [.init("file", path)],
                   hint: "read it with header=false, give a schema explicitly, or check that the right file was written")
    }
}

/// The type lattice of CSV inference.
enum InferredType: Sendable, Equatable {
    case null, long, double, boolean, date, timestamp, string

    /// The narrowest type of one non-null value.
    static func of(_ field: UnsafeRawBufferPointer) -> InferredType {
        if ValueParsers.parseLong(field) != nil { return .long }
        if ValueParsers.parseDouble(field) != nil { return .double }
        if ValueParsers.parseDate(field) != nil { return .date }
        if ValueParsers.parseTimestamp(field) != nil { return .timestamp }
        if ValueParsers.parseBoolean(field) != nil { return .boolean }
        return .string
    }

    /// Spark's `CSVInferSchema.compatibleType` restricted to Ember's types.
    func merged(with other: InferredType) -> InferredType {
        if self == other { return self }
        switch (self, other) {
        case (.null, let t), (let t, .null): return t
        case (.long, .double), (.double, .long): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }

    var dataType: DataType {
        switch self {
        case .null, .string: return .string
        case .long: return .long
        case .double: return .double
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }
}
