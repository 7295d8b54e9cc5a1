// CSVScanner: Spark's CSV reader over one split: lines → fields → typed columns of the required
// columns only, with PERMISSIVE / DROPMALFORMED / FAILFAST handling of malformed records.

@_spi(EmberInternal) import Planner

/// Scans a split of a CSV file into batches of the required columns.
///
/// Per line the split owns (see ``LineReader``):
/// 1. Blank lines (only bytes ≤ space) and lines starting with `options.comment` are skipped; a
///    UTF-8 byte order mark at the start of the file is ignored.
/// 2. With `options.header`, the file's first remaining line is the header and is skipped (by
///    the split that owns it, normally the one starting at byte 0).
/// 3. The line is split into fields by ``CSVTokenizer`` (one record per line). Lines and the
///    fields of quote-free lines are found together, 64 bytes at a time, by ``CSVBlockSplitter``
///    (`lineByLine` turns that off: tests compare the two ways).
/// 4. A field is null when it is empty and unquoted, or its content equals `options.nullValue`
///    (so with the default `nullValue = ""` both `,,` and `,"",` read as null, as in Spark).
/// 5. Required columns are converted from bytes (``ValueParsers``); other columns are not
///    converted at all (Spark's CSV column pruning), so a bad value there is not noticed.
///
/// A record is malformed when its field count differs from the schema's, or a required field
/// cannot be converted to its column's type. Then, by `options.mode`:
/// - PERMISSIVE: missing trailing fields and unconvertible fields are null, extra fields dropped;
/// - DROPMALFORMED: the record is skipped;
/// - FAILFAST: the scan throws an `.input` error naming the file and the 1-based line.
@_spi(EmberInternal) public enum CSVScanner {
    static let failFastHint = "fix the record, or read with mode PERMISSIVE (malformed fields become null) or DROPMALFORMED (malformed records are skipped)"

    @_spi(EmberInternal) public static func scan(_ split: FileSplit, options: CSVOptions, dataSchema: StructType, requiredColumns: [Int],
                            batchSize: Int = ColumnarBatch.defaultCapacity, limits: ScanLimits = ScanLimits(),
                            chunkSize: Int = LineReader.defaultChunkSize, lineByLine: Bool = false, dictionaryColumns: [Int] = [],
                            _ body: (ColumnarBatch) throws -> Void) throws {
        let decoder = try CSVRecordDecoder(options: options, dataSchema: dataSchema, requiredColumns: requiredColumns,
                                           rowsPerBatch: max(1, batchSize), dictionaryColumns: dictionaryColumns)
        let reader = try LineReader(split: split, chunkSize: chunkSize, maxLineBytes: limits.maxLineBytes)
        let tokenizer = CSVTokenizer(options: options, expectedFields: dataSchema.count)
        let comment = options.comment
        // The header is the file's first line that is not blank or a comment. The split at 0 skips
        // the first such line it reads; a later split skips it only if it owns it (possible when
        // the file starts with blank or comment lines and splits are tiny).
        var skipFirst = options.header && split.start == 0
        let headerOffset = options.header && split.start > 0
            ? try CSVSchemaInference.firstRecordOffset(path: split.path, fileLength: split.fileLength, options: options) : -1
        var columns = decoder.makeColumns()
        var rows = 0
        var batchBytes = BatchStringBytes(limits)
        let maxFields = decoder.fieldsNeeded
        try columns.withUnsafeMutableBufferPointer { columns in
            func flush() throws {
                try body(decoder.finishBatch(columns, rows: rows))
                rows = 0
                batchBytes.reset()
            }
            // Lines and fields in one pass over each run of whole lines, where the options allow
            // it; otherwise line by line.
            let splitter = !lineByLine && CSVBlockSplitter.supports(options) ? CSVBlockSplitter(options: options) : nil
            let ownedEnd = reader.ownedEnd, lineLimit = reader.lineLimit
            var run = UnsafeRawBufferPointer(start: nil, count: 0), runOffset: Int64 = 0
            var cursor = CSVBlockSplitter.Cursor(run)
            while true {
                var raw: UnsafeRawBufferPointer, offset: Int64, tokenized = false
                if let splitter {
                    guard let next = splitter.next(&cursor, tokenizer, maxFields: maxFields) else {
                        reader.consume(run.count)
                        guard let (bytes, at) = try reader.nextLines() else { break }
                        (run, runOffset) = (bytes, at)
                        cursor = CSVBlockSplitter.Cursor(run)
                        continue
                    }
                    (raw, offset, tokenized) = (next.line, runOffset + Int64(next.start), next.tokenized)
                    if offset >= ownedEnd {
                        reader.finish()
                        break
                    }
                    if raw.count > lineLimit { throw try reader.lineTooLong(at: offset) }
                } else {
                    guard let (bytes, at) = try reader.next() else { break }
                    (raw, offset) = (bytes, at)
                }
                var line = raw
                if offset == 0 {
                    line = CSVSchemaInference.droppingByteOrderMark(raw)
                    if line.count != raw.count { tokenized = false }
                }
                if LineReader.isBlank(line) { continue }
                if let comment, line[0] == comment { continue }
                if skipFirst || offset == headerOffset {
                    skipFirst = false
                    continue
                }
                if batchBytes.mustCutBefore(line.count) { try flush() }
                if !tokenized { tokenizer.tokenize(line, maxFields: maxFields) }
                switch decoder.decode(tokenizer, into: columns) {
                case .row:
                    rows += 1
                    if batchBytes.add(line.count) || rows >= decoder.rowsPerBatch { try flush() }
                case .dropped:
                    continue
                case .failed(let problem):
                    throw EmberError(.input, problem,
                                     context: [.init("file", split.path), .init("line", String(try reader.lineNumber(at: offset)))],
                                     hint: failFastHint)
                case .inferredTypeMismatch(let problem):
                    throw EmberError(.input, problem,
                                     context: [.init("file", split.path), .init("line", String(try reader.lineNumber(at: offset))),
                                               .init(inferredTypeMismatchKey, "true")],
                                     hint: "infer the schema from every record (no sampling) or give it explicitly")
                }
            }
            if rows > 0 { try flush() }
        }
    }
}

/// Converts tokenized records into accumulating columns: the per-record half of the scan.
/// Immutable; the columns it fills belong to the caller (a buffer of ``ColumnAccumulator``s,
/// one per required column, accessed without copy-on-write checks in the per-value loop).
struct CSVRecordDecoder {
    let mode: ParseMode
    let verifyInferredTypes: Bool
    let dataSchema: StructType
    let fieldCount: Int
    let outputSchema: StructType
    /// Index in the record of each output column.
    let sources: [Int]
    let kinds: [ScanKind]
    let rowsPerBatch: Int
    let nullValue: [UInt8]
    /// Output columns that record dictionary codes (FileScan.dictionaryColumns).
    let dictionaryColumns: Set<Int>
    /// Fields a record is split into: in PERMISSIVE mode only up to the last required column (a
    /// record's field count changes nothing there: missing fields are null, extra ones ignored);
    /// the other modes judge the count, so they split the whole record.
    let fieldsNeeded: Int

    enum Outcome {
        case row
        case dropped
        /// FAILFAST: the message of the error to throw.
        case failed(String)
        /// A sampled schema was wrong for this value.
        case inferredTypeMismatch(String)
    }

    init(options: CSVOptions, dataSchema: StructType, requiredColumns: [Int], rowsPerBatch: Int, dictionaryColumns: [Int] = []) throws {
        var kinds: [ScanKind] = []
        for c in requiredColumns {
            guard c >= 0 && c < dataSchema.count else {
                throw EmberError(.internal, "CSV scan asks for column \(c) of a \(dataSchema.count)-column schema",
                                 context: [.init("schema", dataSchema.description)])
            }
            guard let kind = ScanKind(dataSchema.fields[c].dataType) else {
                let field = dataSchema.fields[c]
                throw EmberError(.analysis, "CSV data source does not support \(field.dataType.simpleString) columns",
                                 context: [.init("column", field.name)],
                                 hint: "read the column as string and convert it with an expression")
            }
            kinds.append(kind)
        }
        self.mode = options.mode
        self.verifyInferredTypes = options.verifyInferredTypes
        self.dataSchema = dataSchema
        self.fieldCount = dataSchema.count
        self.outputSchema = StructType(requiredColumns.map { dataSchema.fields[$0] })
        self.sources = requiredColumns
        self.kinds = kinds
        self.rowsPerBatch = rowsPerBatch
        self.dictionaryColumns = Set(dictionaryColumns)
        self.nullValue = Array(options.nullValue.utf8)
        self.fieldsNeeded = options.mode == .permissive ? max(1, (requiredColumns.max() ?? 0) + 1) : .max
    }

    func makeColumns() -> [ColumnAccumulator] {
        kinds.indices.map { ColumnAccumulator(kind: kinds[$0], rowsPerBatch: rowsPerBatch, dictionary: dictionaryColumns.contains($0)) }
    }

    func finishBatch(_ columns: UnsafeMutableBufferPointer<ColumnAccumulator>, rows: Int) -> ColumnarBatch {
        ColumnarBatch(schema: outputSchema, columns: columns.indices.map { columns[$0].finish() }, numRows: rows)
    }

    @inline(__always)
    private func isNull(_ field: UnsafeRawBufferPointer, quoted: Bool) -> Bool {
        let n = field.count
        if n == 0 { return !quoted || nullValue.isEmpty }
        if n != nullValue.count { return false }
        for k in 0..<n where field[k] != nullValue[k] { return false }
        return true
    }

    /// Appends the record's required fields to `columns`, or leaves them as they were.
    @inline(__always)
    func decode(_ record: CSVTokenizer, into columns: UnsafeMutableBufferPointer<ColumnAccumulator>) -> Outcome {
        let found = record.count
        if found != fieldCount {
            switch mode {
            case .permissive: break
            case .dropMalformed: return .dropped
            case .failFast: return .failed("malformed CSV record: expected \(fieldCount) fields, found \(found)")
            }
        }
        for j in 0..<columns.count {
            let c = sources[j]
            if c >= found {
                columns[j].appendNull()
                continue
            }
            let field = record.field(c)
            let quoted = record.isQuoted(c)
            if isNull(field, quoted: quoted) {
                columns[j].appendNull()
                continue
            }
            switch columns[j].kind {
            case .string:
                if let short = shortField(field, quoted, record) { columns[j].appendString(short) } else { columns[j].appendString(field) }
                continue
            case .long:
                if let v = ValueParsers.parseLong(field) { columns[j].appendLong(v); continue }
            case .double:
                if let v = shortField(field, quoted, record)?.plainDecimal() ?? ValueParsers.parseDouble(field) {
                    columns[j].appendDouble(v)
                    continue
                }
            case .boolean:
                if let v = ValueParsers.parseBoolean(field) { columns[j].appendBool(v); continue }
            case .date:
                if let v = ValueParsers.parseDate(field) { columns[j].appendDate(v); continue }
            case .timestamp:
                if let v = ValueParsers.parseTimestamp(field) { columns[j].appendTimestamp(v); continue }
            }
            // The field cannot be converted.
            if verifyInferredTypes {
                return .inferredTypeMismatch("'\(Self.excerpt(field))' in column \(dataSchema.fields[c].name) is not a \(dataSchema.fields[c].dataType.simpleString), the type inferred from a sample")
            }
            switch mode {
            case .permissive:
                columns[j].appendNull()
            case .dropMalformed:
                for k in 0..<j { columns[k].removeLast() }
                return .dropped
            case .failFast:
                return .failed("cannot parse '\(Self.excerpt(field))' as \(dataSchema.fields[c].dataType.simpleString) in column \(dataSchema.fields[c].name)")
            }
        }
        return .row
    }

    /// An unquoted field lies in its line: one of at most 8 bytes is read as one word.
    @inline(__always)
    private func shortField(_ field: UnsafeRawBufferPointer, _ quoted: Bool, _ record: CSVTokenizer) -> ShortFieldWord? {
        guard !quoted, let start = record.lineStart else { return nil }
        return ShortFieldWord(field, readableFrom: start)
    }

    /// The field as text for an error message, cut at 100 bytes.
    static func excerpt(_ field: UnsafeRawBufferPointer) -> String {
        if field.count <= 100 { return String(decoding: field, as: UTF8.self) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: field[0..<100]), as: UTF8.self) + "…"
    }
}

/// Context key marking a scan failure caused by a sampled schema (see CSVOptions.verifyInferredTypes).
@_spi(EmberInternal) public let inferredTypeMismatchKey = "inferredTypeMismatch"
