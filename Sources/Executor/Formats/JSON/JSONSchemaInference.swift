// JSONSchemaInference: the schema of JSON lines files as Spark's JsonInferSchema infers it: the
// union of the objects' fields sorted by name, each field's type widened over all its values.

@_spi(EmberInternal) import Planner

/// A field's type while inferring (Spark's lattice, with nested values as text).
enum JSONInferredType: UInt8 {
    /// Only nulls and empty strings seen (Spark's NullType placeholder).
    case null
    case long, double, boolean, string
    /// Only `{}` seen: Spark infers an empty struct and drops the field.
    case emptyObject
    /// An object or an array: Spark infers a struct or an array; Ember reads it as JSON text.
    case nested

    /// Spark's `compatibleType`: equal types stay; null gives way; bigint + double → double; an
    /// empty object and an object stay an object; anything else → string.
    static func merge(_ a: Self, _ b: Self) -> Self {
        if a == b { return a }
        if a == .null { return b }
        if b == .null { return a }
        switch (a, b) {
        case (.long, .double), (.double, .long): return .double
        case (.emptyObject, .nested), (.nested, .emptyObject): return .nested
        default: return .string
        }
    }
}

/// Infers the schema of JSON lines (see ``JSONSource/inferSchema(paths:format:)`` for the rules).
struct JSONSchemaInference {
    let options: JSONOptions
    /// Field name → field id (entry index).
    private var keys = JSONKeyTable()
    private var types: [JSONInferredType] = []
    /// Whether a field was seen in a well-formed line (a malformed line's fields do not count).
    private var seen: [Bool] = []
    /// The fields of the current line, merged into `types` once the whole line has parsed.
    private var pending: [(field: Int, type: JSONInferredType)] = []
    private var scratch = JSONWalkScratch()
    private var keyScratch: [UInt8] = []
    /// A malformed line was seen (PERMISSIVE adds the corrupt-record column).
    private(set) var sawMalformed = false

    init(options: JSONOptions) { self.options = options }

    /// Merges one line's fields into the schema. Returns the problem of a malformed line (which
    /// counts only in PERMISSIVE; the caller fails in FAILFAST).
    mutating func add(_ line: UnsafeRawBufferPointer) -> String? {
        var cursor = JSONCursor(line, allowSingleQuotes: options.allowSingleQuotes)
        cursor.skipWhitespace()
        if cursor.atEnd { return nil }
        pending.removeAll(keepingCapacity: true)
        do throws(JSONSyntaxError) {
            _ = try cursor.forEachRootObject { (cursor: inout JSONCursor) throws(JSONSyntaxError) in try addObject(&cursor) }
        } catch {
            if options.mode == .permissive { sawMalformed = true }
            return error.message
        }
        for (field, type) in pending {
            types[field] = JSONInferredType.merge(types[field], type)
            seen[field] = true
        }
        return nil
    }

    private mutating func addObject(_ cursor: inout JSONCursor) throws(JSONSyntaxError) {
        try cursor.forEachField { (cursor: inout JSONCursor, name, ordinal) throws(JSONSyntaxError) in
            let field = fieldID(cursor, name, ordinal: ordinal)
            pending.append((field, try valueType(&cursor)))
        }
    }

    private mutating func fieldID(_ cursor: JSONCursor, _ span: JSONCursor.StringSpan, ordinal: Int) -> Int {
        func intern(_ key: UnsafeRawBufferPointer) -> Int {
            if let entry = keys.lookup(key, ordinal: ordinal) { return entry }
            types.append(.null)
            seen.append(false)
            return keys.insert(key, value: Int32(types.count - 1))
        }
        if !span.escaped { return intern(cursor.bytes(span.start, span.end)) }
        keyScratch.removeAll(keepingCapacity: true)
        cursor.unescape(span, into: &keyScratch)
        let key = keyScratch
        return key.withUnsafeBytes { intern($0) }
    }

    /// The type of the value at the cursor, which is consumed (Spark's `inferField`).
    private mutating func valueType(_ cursor: inout JSONCursor) throws(JSONSyntaxError) -> JSONInferredType {
        let kind = try cursor.peekValue()
        switch kind {
        case .null:
            try cursor.consumeLiteral(.null)
            return .null
        case .trueLiteral, .falseLiteral:
            try cursor.consumeLiteral(kind)
            return options.primitivesAsString ? .string : .boolean
        case .number:
            let number = try cursor.scanNumber()
            if options.primitivesAsString { return .string }
            // Integers beyond Int64 are Spark's DECIMAL(p, 0), a double without a decimal type.
            return number.isInteger && cursor.integerValue(number) != nil ? .long : .double
        case .string:
            let span = try cursor.scanString()
            return span.count == 0 ? .null : .string
        case .object:
            let start = cursor.position
            try cursor.walkValue(&scratch, into: nil)
            return isEmptyObject(cursor, from: start) ? .emptyObject : .nested
        case .array:
            try cursor.walkValue(&scratch, into: nil)
            return .nested
        }
    }

    /// Whether the bytes from `start` to the cursor are `{` whitespace `}`.
    private func isEmptyObject(_ cursor: JSONCursor, from start: Int) -> Bool {
        for i in (start + 1)..<(cursor.position - 1) {
            let b = cursor.base[i]
            if b != 0x20 && b != 0x09 && b != 0x0D && b != 0x0A { return false }
        }
        return true
    }

    /// The schema: the fields seen in well-formed lines, sorted by name (Spark sorts inferred JSON
    /// fields, comparing names as Java strings), with the corrupt-record column when needed.
    func schema() throws -> StructType {
        var fields: [StructField] = []
        for id in 0..<types.count where seen[id] {
            let name = String(decoding: keys.key(id), as: UTF8.self)
            switch types[id] {
            case .null:
                if !options.dropFieldIfAllNull { fields.append(StructField(name, .string)) }
            case .emptyObject: continue
            case .long: fields.append(StructField(name, .long))
            case .double: fields.append(StructField(name, .double))
            case .boolean: fields.append(StructField(name, .boolean))
            case .string, .nested: fields.append(StructField(name, .string))
            }
        }
        if sawMalformed && !fields.contains(where: { $0.name == options.columnNameOfCorruptRecord }) {
            fields.append(StructField(options.columnNameOfCorruptRecord, .string))
        }
        fields.sort { $0.name.utf16.lexicographicallyPrecedes($1.name.utf16) }
        var byLowercase: [String: String] = [:]
        for field in fields {
            if let other = byLowercase.updateValue(field.name, forKey: field.name.lowercased()) {
                throw EmberError(.analysis, "found duplicate column(s) in the data schema: `\(other)` and `\(field.name)`",
                                 hint: "Ember matches column names case-insensitively (as Spark by default); give a schema that names one of them, or rename the fields in the data")
            }
        }
        return StructType(fields)
    }
}
