// Literal values and type names: numbers with Spark's types and range checks (`1` INT, `1L` BIGINT,
// `1S` SMALLINT, `1Y` TINYINT, `1.5` DECIMAL, `1.5D`/`1e3` DOUBLE, `1.5F` FLOAT, `1.5BD` DECIMAL),
// `DATE '…'` and `TIMESTAMP '…'` checked as Spark's parser does, and the data types of CAST.

extension SQLParser {
    /// A numeric literal (with a leading minus already taken when `negative`).
    mutating func parseNumber(_ token: SQLToken, negative: Bool, at position: SQLPosition) throws -> SQLExpression {
        let text = token.text
        let lower = text.lowercased()
        let sign = negative ? "-" : ""
        func outOfRange(_ type: String, _ range: String) -> EmberError {
            syntaxError("the \(type) literal \(sign)\(text) is out of range \(range)", at: token,
                        hint: "use a wider type, e.g. the suffix L for BIGINT or BD for DECIMAL")
        }
        func literal(_ l: SQLLiteral) -> SQLExpression { SQLExpression(.literal(l), at: position) }
        if lower.hasSuffix("bd") { return literal(.decimal(sign + Self.leadingZero(String(text.dropLast(2))))) }
        let body = String(text.dropLast())
        switch lower.last {
        case "d":
            guard let v = Double(sign + body), v.isFinite else { throw outOfRange("DOUBLE", "for a double") }
            return literal(.double(v))
        case "f":
            guard let v = Float(sign + body), v.isFinite else { throw outOfRange("FLOAT", "for a float") }
            return literal(.float(Double(v)))
        case "l":
            guard let v = Int64(sign + body) else { throw outOfRange("BIGINT", "[-9223372036854775808, 9223372036854775807]") }
            return literal(.integer(v, .bigint))
        case "s":
            guard let v = Int16(sign + body) else { throw outOfRange("SMALLINT", "[-32768, 32767]") }
            return literal(.integer(Int64(v), .smallint))
        case "y":
            guard let v = Int8(sign + body) else { throw outOfRange("TINYINT", "[-128, 127]") }
            return literal(.integer(Int64(v), .tinyint))
        default:
            break
        }
        if lower.contains("e") {
            guard let v = Double(sign + text), v.isFinite else { throw outOfRange("DOUBLE", "for a double") }
            return literal(.double(v))
        }
        if text.contains(".") { return literal(.decimal(sign + Self.leadingZero(text))) }
        guard let v = Int64(sign + text) else {
            // Too large for BIGINT: Spark makes it a DECIMAL.
            return literal(.decimal(sign + text))
        }
        return literal(.integer(v, Int32(exactly: v) != nil ? .int : .bigint))
    }

    /// `.5` as `0.5`.
    static func leadingZero(_ text: String) -> String { text.hasPrefix(".") ? "0" + text : text }

    /// `DATE '…'`, `TIMESTAMP '…'`, `TIMESTAMP_NTZ '…'`, `TIMESTAMP_LTZ '…'`, checked: an invalid one
    /// is a parse error, as Spark's INVALID_TYPED_LITERAL.
    mutating func parseTypedLiteral() throws -> SQLExpression {
        let typeToken = advance()
        let valueToken = advance()
        let text = valueToken.text
        let bytes = Array(text.utf8)
        if typeToken.keyword == .DATE {
            guard let days = bytes.withUnsafeBufferPointer({ DateCasts.parseDate($0) }) else {
                throw syntaxError("'\(Self.clip(text))' is not a valid DATE literal", at: valueToken,
                                  hint: "write a date as yyyy-mm-dd, e.g. DATE '2024-01-31'")
            }
            return SQLExpression(.literal(.date(text, days: days)), at: typeToken.position)
        }
        guard let micros = bytes.withUnsafeBufferPointer({ DateCasts.parseTimestamp($0) }) else {
            throw syntaxError("'\(Self.clip(text))' is not a valid \(typeToken.text.uppercased()) literal", at: valueToken,
                              hint: "write a timestamp as yyyy-mm-dd hh:mm:ss[.ffffff] (UTC), e.g. TIMESTAMP '2024-01-31 12:00:00'")
        }
        return SQLExpression(.literal(.timestamp(text, micros: micros, ntz: typeToken.keyword == .TIMESTAMP_NTZ)), at: typeToken.position)
    }

    /// The type names Spark accepts, and the type each means.
    static let simpleTypes: [String: SQLDataType] = [
        "tinyint": .tinyint, "byte": .tinyint, "smallint": .smallint, "short": .smallint,
        "int": .int, "integer": .int, "bigint": .bigint, "long": .bigint,
        "float": .float, "real": .float, "double": .double,
        "string": .string, "boolean": .boolean, "date": .date, "binary": .binary,
        "timestamp": .timestamp, "timestamp_ltz": .timestamp, "timestamp_ntz": .timestampNTZ,
    ]

    /// A type name: `int`, `decimal(10, 2)`, `varchar(20)`, `array<string>`.
    mutating func parseDataType() throws -> SQLDataType {
        try descend()
        defer { ascend() }
        expecting("a data type")
        let t = current
        guard t.kind == .word else { throw unexpected() }
        let name = t.text.lowercased()
        if let simple = Self.simpleTypes[name] {
            advance()
            return simple
        }
        switch name {
        case "decimal", "dec", "numeric":
            advance()
            guard current.symbol == .leftParen else { return .decimal(precision: 10, scale: 0) }
            let open = advance()
            let precision = try parseTypeParameter()
            let scale = accept(.comma) ? try parseTypeParameter() : 0
            try expectClosing(open)
            guard (1...38).contains(precision), scale <= precision else {
                throw syntaxError("decimal(\(precision), \(scale)) is not a valid type: the precision is 1 to 38 and the scale at most the precision",
                                  at: t.position)
            }
            return .decimal(precision: precision, scale: scale)
        case "varchar", "char", "character":
            advance()
            let open = try expect(.leftParen)
            let length = try parseTypeParameter()
            try expectClosing(open)
            return name == "varchar" ? .varchar(length) : .char(length)
        case "array":
            advance()
            try expect(.less)
            let element = try parseDataType()
            try expect(.greater)
            return .array(element)
        default:
            let names = (Array(Self.simpleTypes.keys) + ["decimal", "varchar", "char", "array"]).sorted().map { $0.uppercased() }
            let suggestion = Self.closestKeyword(to: name, in: names)
            throw syntaxError("'\(Self.clip(t.text))' is not a data type", at: t,
                              hint: suggestion.map { "did you mean \($0)?" } ?? "types: " + names.joined(separator: ", ").lowercased())
        }
    }

    /// A type's length, precision or scale: a small non-negative integer.
    mutating func parseTypeParameter() throws -> Int {
        expecting("a number")
        guard current.kind == .number, let n = Int(current.text), n <= 1 << 20 else { throw unexpected() }
        advance()
        return n
    }
}
