// JSONRecordDecoder: one line of JSON → rows of the scan's required columns, decoded straight into
// the accumulating columns; other fields are validated and skipped without being built. Applies
// PERMISSIVE / DROPMALFORMED / FAILFAST to malformed lines and to values of the wrong type.

@_spi(EmberInternal) import Planner

/// Decodes lines into columns. Owned by one task.
///
/// A line is (after whitespace) empty — no row —, an object — one row —, or an array of objects
/// — one row per element (Spark's root-array rule). What follows the root value on the line is
/// not read (Spark's parser stops there too). Fields are matched to columns by exact name; fields
/// of no required column are skipped (still validated, so a syntax error anywhere makes the line
/// malformed); a column whose field is absent is null; a repeated field keeps its last value.
///
/// Values, by column type (anything else is a *value of the wrong type*):
/// - string: a string; any other value becomes its JSON text (``JSONCursor/walkValue(_:into:)``:
///   nested objects and arrays are read as compact JSON text, since Ember has no struct type);
/// - bigint: an integer within Int64; double: any number, or the strings `NaN`, `Infinity`,
///   `+Infinity`, `+INF`, `-Infinity`, `-INF`; boolean: `true` / `false`;
/// - date: a string `yyyy-[M]M-[d]d`; timestamp: a string as ``ValueParsers/parseTimestamp(_:)``
///   reads it, or an integer of seconds since the epoch (as Spark);
/// - `null` is null for every type.
///
/// Spark's outcomes (3.4+, `enablePartialResults`): a malformed line (bad syntax, not an object)
/// is, in PERMISSIVE, one row of nulls whose corrupt-record column (if required) holds the line;
/// a value of the wrong type in an object makes that field null, keeps the others, and also puts
/// the line into the corrupt-record column. DROPMALFORMED drops both kinds of line; FAILFAST fails
/// on both. In a top-level array a value of the wrong type makes the whole line malformed.
struct JSONRecordDecoder {
    enum Outcome {
        case rows(Int)
        case dropped
        /// FAILFAST: what was wrong.
        case failed(String)
    }

    let mode: ParseMode
    let allowSingleQuotes: Bool
    let outputSchema: StructType
    let kinds: [ScanKind]
    /// Output index of the corrupt-record column, if the scan needs it.
    let corruptColumn: Int?
    let rowsPerBatch: Int
    /// Output columns that record dictionary codes (FileScan.dictionaryColumns).
    let dictionaryColumns: Set<Int>
    /// Field name → output column, -1 for fields the scan does not need.
    private var keys = JSONKeyTable()
    /// Per output column: the row stamp it was last set in.
    private var setStamp: [Int]
    private var stamp = 0
    private var scratch = JSONWalkScratch()
    private var keyScratch: [UInt8] = []
    private var valueScratch: [UInt8] = []
    /// The JSON text of non-string values of string columns.
    private let text = OutputBuffer(capacity: 256)
    /// Unknown field names remembered (as skipped) so they need no hashing next time.
    static let maxRememberedKeys = 10_000

    init(options: JSONOptions, dataSchema: StructType, requiredColumns: [Int], rowsPerBatch: Int, dictionaryColumns: [Int] = []) throws {
        var kinds: [ScanKind] = []
        var corrupt: Int? = nil
        for (j, c) in requiredColumns.enumerated() {
            guard c >= 0 && c < dataSchema.count else {
                throw EmberError(.internal, "JSON scan asks for column \(c) of a \(dataSchema.count)-column schema",
                                 context: [.init("schema", dataSchema.description)])
            }
            let field = dataSchema.fields[c]
            guard let kind = ScanKind(field.dataType) else {
                throw EmberError(.analysis, "the JSON reader cannot read \(field.dataType.simpleString) columns", context: [.init("column", field.name)],
                                 hint: "read the column as string (its JSON text) and convert it with an expression")
            }
            if field.name == options.columnNameOfCorruptRecord {
                guard kind == .string else {
                    throw EmberError(.analysis, "the column for corrupt records must be a string column", context: [.init("column", field.name)],
                                     hint: "declare \(field.name) as STRING, or name another column with the option columnNameOfCorruptRecord")
                }
                corrupt = j
            }
            kinds.append(kind)
        }
        var keys = JSONKeyTable()
        for (c, field) in dataSchema.fields.enumerated() where field.name != options.columnNameOfCorruptRecord {
            let j = requiredColumns.firstIndex(of: c) ?? -1
            let name = Array(field.name.utf8)
            name.withUnsafeBytes { name in
                if keys.find(name) == nil { keys.insert(name, value: Int32(j)) }
            }
        }
        self.keys = keys
        mode = options.mode
        allowSingleQuotes = options.allowSingleQuotes
        outputSchema = StructType(requiredColumns.map { dataSchema.fields[$0] })
        self.kinds = kinds
        corruptColumn = corrupt
        self.rowsPerBatch = rowsPerBatch
        self.dictionaryColumns = Set(dictionaryColumns)
        setStamp = Array(repeating: -1, count: requiredColumns.count)
    }

    func makeColumns() -> [ColumnAccumulator] {
        kinds.indices.map { ColumnAccumulator(kind: kinds[$0], rowsPerBatch: rowsPerBatch, dictionary: dictionaryColumns.contains($0)) }
    }

    func finishBatch(_ columns: UnsafeMutableBufferPointer<ColumnAccumulator>, rows: Int) -> ColumnarBatch {
        ColumnarBatch(schema: outputSchema, columns: columns.indices.map { columns[$0].finish() }, numRows: rows)
    }

    /// Rows the line makes if it is a top-level array (checked whole: elements must be objects),
    /// nil if it is not an array. Lets the scan start a new batch before a long array line.
    mutating func arrayRowCount(_ line: UnsafeRawBufferPointer) -> Int? {
        var cursor = JSONCursor(line, allowSingleQuotes: allowSingleQuotes)
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "[") else { return nil }
        var n = 0
        _ = try? cursor.forEachRootObject { (cursor: inout JSONCursor) throws(JSONSyntaxError) in
            try cursor.walkValue(&scratch, into: nil)
            n += 1
        }
        return max(n, 1)   // a malformed line makes one row at most
    }

    /// Decodes one line, appending its rows to `columns` (or nothing, if it is dropped or fails).
    mutating func decode(_ line: UnsafeRawBufferPointer, into columns: UnsafeMutableBufferPointer<ColumnAccumulator>) -> Outcome {
        var cursor = JSONCursor(line, allowSingleQuotes: allowSingleQuotes)
        cursor.skipWhitespace()
        if cursor.atEnd { return .rows(0) }
        var rows = 0
        var rowOpen = false
        var wrongType: String? = nil
        var arrayLine = false
        do throws(JSONSyntaxError) {
            arrayLine = try cursor.forEachRootObject { (cursor: inout JSONCursor) throws(JSONSyntaxError) in
                try decodeObject(&cursor, columns, rowOpen: &rowOpen, wrongType: &wrongType)
                rows += 1
            }
        } catch {
            rollBack(rows: rows, rowOpen: rowOpen, columns)
            return malformed(error.message, line, columns)
        }
        guard let wrongType else { return .rows(rows) }
        if arrayLine {
            rollBack(rows: rows, rowOpen: false, columns)
            return malformed(wrongType, line, columns)
        }
        switch mode {
        case .permissive:
            if let c = corruptColumn {
                columns[c].removeLast()
                columns[c].appendString(line)
            }
            return .rows(1)
        case .dropMalformed:
            rollBack(rows: 1, rowOpen: false, columns)
            return .dropped
        case .failFast:
            rollBack(rows: 1, rowOpen: false, columns)
            return .failed(wrongType)
        }
    }

    /// What a malformed line becomes in each mode.
    private func malformed(_ problem: String, _ line: UnsafeRawBufferPointer,
                           _ columns: UnsafeMutableBufferPointer<ColumnAccumulator>) -> Outcome {
        switch mode {
        case .permissive:
            for j in 0..<columns.count {
                if j == corruptColumn { columns[j].appendString(line) } else { columns[j].appendNull() }
            }
            return .rows(1)
        case .dropMalformed: return .dropped
        case .failFast: return .failed(problem)
        }
    }

    /// Removes what the line appended: `rows` complete rows, and the fields set so far in an open row.
    private func rollBack(rows: Int, rowOpen: Bool, _ columns: UnsafeMutableBufferPointer<ColumnAccumulator>) {
        for j in 0..<columns.count {
            let extra = rows + (rowOpen && setStamp[j] == stamp ? 1 : 0)
            for _ in 0..<extra { columns[j].removeLast() }
        }
    }

    /// Decodes the object at the cursor into one row.
    private mutating func decodeObject(_ cursor: inout JSONCursor, _ columns: UnsafeMutableBufferPointer<ColumnAccumulator>,
                                       rowOpen: inout Bool, wrongType: inout String?) throws(JSONSyntaxError) {
        stamp += 1
        rowOpen = true
        try cursor.forEachField { (cursor: inout JSONCursor, name, ordinal) throws(JSONSyntaxError) in
            let target = targetColumn(cursor, name, ordinal: ordinal)
            if target < 0 {
                try cursor.walkValue(&scratch, into: nil)
                return
            }
            if setStamp[target] == stamp {   // a repeated field: the last one wins
                columns[target].removeLast()
                setStamp[target] = -1
            }
            let wrong = try decodeValue(&cursor, &columns[target])
            setStamp[target] = stamp   // only once appended: a roll-back removes exactly what was appended
            if let wrong, wrongType == nil {
                let field = outputSchema.fields[target]
                let text = CSVRecordDecoder.excerpt(cursor.bytes(wrong.lowerBound, wrong.upperBound))
                wrongType = "'\(text)' is not a \(field.dataType.simpleString) (field \(field.name))"
            }
        }
        for j in 0..<columns.count where setStamp[j] != stamp { columns[j].appendNull() }
        rowOpen = false
    }

    /// The output column of the field name `span`, -1 if the scan does not need it.
    @inline(__always) private mutating func targetColumn(_ cursor: JSONCursor, _ span: JSONCursor.StringSpan, ordinal: Int) -> Int {
        if !span.escaped { return lookUp(cursor.bytes(span.start, span.end), ordinal: ordinal) }
        keyScratch.removeAll(keepingCapacity: true)
        cursor.unescape(span, into: &keyScratch)
        let key = keyScratch
        return key.withUnsafeBytes { lookUp($0, ordinal: ordinal) }
    }

    @inline(__always) private mutating func lookUp(_ key: UnsafeRawBufferPointer, ordinal: Int) -> Int {
        if let entry = keys.lookup(key, ordinal: ordinal) { return Int(keys.values[entry]) }
        if keys.count < Self.maxRememberedKeys { keys.insert(key, value: -1) }
        return -1
    }

    /// Appends the value at the cursor to `column`; when the value has the wrong type for the
    /// column, appends null and returns where the value is in the line.
    @inline(__always)
    private mutating func decodeValue(_ cursor: inout JSONCursor, _ column: inout ColumnAccumulator) throws(JSONSyntaxError) -> Range<Int>? {
        let kind = try cursor.peekValue()
        let start = cursor.position
        switch (column.kind, kind) {
        case (_, .null):
            try cursor.consumeLiteral(.null)
            column.appendNull()
            return nil
        case (.string, .string):
            let span = try cursor.scanString()
            if span.escaped {
                valueScratch.removeAll(keepingCapacity: true)
                cursor.unescape(span, into: &valueScratch)
                valueScratch.withUnsafeBytes { column.appendString($0) }
            } else {
                column.appendString(cursor.bytes(span.start, span.end))
            }
            return nil
        case (.string, _):
            text.removeAll()
            try cursor.walkValue(&scratch, into: text)
            column.appendString(text.bytes)
            return nil
        case (.long, .number):
            let number = try cursor.scanNumber()
            if number.isInteger, let v = cursor.integerValue(number) {
                column.appendLong(v)
                return nil
            }
        case (.double, .number):
            let number = try cursor.scanNumber()
            column.appendDouble(cursor.doubleValue(number))
            return nil
        case (.double, .string), (.date, .string), (.timestamp, .string):
            let span = try cursor.scanString()
            var converted = false
            withStringBytes(cursor, span) { bytes in
                switch column.kind {
                case .double:
                    if let v = Self.nonNumericString(bytes) { column.appendDouble(v); converted = true }
                case .date:
                    if let v = ValueParsers.parseDate(bytes) { column.appendDate(v); converted = true }
                default:
                    if let v = ValueParsers.parseTimestamp(bytes) { column.appendTimestamp(v); converted = true }
                }
            }
            if converted { return nil }
        case (.boolean, .trueLiteral), (.boolean, .falseLiteral):
            try cursor.consumeLiteral(kind)
            column.appendBool(kind == .trueLiteral)
            return nil
        case (.timestamp, .number):
            let number = try cursor.scanNumber()
            if number.isInteger, let seconds = cursor.integerValue(number) {
                let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
                if !overflow {
                    column.appendTimestamp(micros)
                    return nil
                }
            }
        default:
            try cursor.walkValue(&scratch, into: nil)
        }
        if cursor.position == start { try cursor.walkValue(&scratch, into: nil) }
        column.appendNull()
        return start..<cursor.position
    }

    /// Calls `body` with a scanned string's unescaped bytes.
    private mutating func withStringBytes(_ cursor: JSONCursor, _ span: JSONCursor.StringSpan, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard span.escaped else { return body(cursor.bytes(span.start, span.end)) }
        valueScratch.removeAll(keepingCapacity: true)
        cursor.unescape(span, into: &valueScratch)
        valueScratch.withUnsafeBytes(body)
    }

    /// The strings a double column accepts for non-finite values (Spark's JacksonParser).
    static func nonNumericString(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if ValueParsers.equalsASCII(bytes, "NaN") { return .nan }
        if ValueParsers.equalsASCII(bytes, "Infinity") || ValueParsers.equalsASCII(bytes, "+Infinity")
            || ValueParsers.equalsASCII(bytes, "+INF") { return .infinity }
        if ValueParsers.equalsASCII(bytes, "-Infinity") || ValueParsers.equalsASCII(bytes, "-INF") { return -.infinity }
        return nil
    }
}
