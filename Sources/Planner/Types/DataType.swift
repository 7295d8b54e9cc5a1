// Data types and schemas, named as in Spark SQL (LongType → .long, StructType, StructField).

/// A column's type. Integers are 64-bit (`long`), floating point numbers 64-bit (`double`);
/// dates are days since 1970-01-01, timestamps microseconds since the epoch (UTC), as in Spark.
public indirect enum DataType: Sendable, Codable, Hashable, CustomStringConvertible {
    case long
    case double
    case boolean
    case string
    case date
    case timestamp
    case array(DataType)

    /// Spark's simple type name (`bigint`, `double`, `array<string>`…), used in schemas and errors.
    public var simpleString: String {
        switch self {
        case .long: return "bigint"
        case .double: return "double"
        case .boolean: return "boolean"
        case .string: return "string"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .array(let e): return "array<\(e.simpleString)>"
        }
    }

    public var description: String { simpleString }

    @_spi(EmberInternal) public var isNumeric: Bool { self == .long || self == .double }

    /// Parses a type name as used in DDL schema strings (`long`, `bigint`, `int`, `double`, `string`…).
    @_spi(EmberInternal) public static func parse(_ name: String) -> DataType? {
        let n = name.lowercased().trimming(" \t")
        switch n {
        case "long", "bigint", "int", "integer", "short", "smallint", "byte", "tinyint": return .long
        case "double", "float", "real", "decimal": return .double
        case "boolean", "bool": return .boolean
        case "string", "varchar", "text": return .string
        case "date": return .date
        case "timestamp": return .timestamp
        default:
            if n.hasPrefix("array<"), n.hasSuffix(">") {
                return parse(String(n.dropFirst(6).dropLast())).map { .array($0) }
            }
            return nil
        }
    }
}

/// One named field of a schema.
public struct StructField: Sendable, Codable, Hashable {
    public var name: String
    public var dataType: DataType
    public var nullable: Bool
    public init(_ name: String, _ dataType: DataType, nullable: Bool = true) {
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
    }
}

/// A schema: an ordered list of fields.
public struct StructType: Sendable, Codable, Hashable, CustomStringConvertible {
    public var fields: [StructField]
    public init(_ fields: [StructField]) { self.fields = fields }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// Index of a field by name, case-insensitive like Spark's default (`spark.sql.caseSensitive=false`).
    public func index(of name: String) -> Int? {
        if let i = fields.firstIndex(where: { $0.name == name }) { return i }
        let lower = name.lowercased()
        return fields.firstIndex { $0.name.lowercased() == lower }
    }

    /// Parses a DDL string such as `"k STRING, x BIGINT"`.
    public static func fromDDL(_ ddl: String) throws -> StructType {
        var fields: [StructField] = []
        for (n, part) in ddl.split(separator: ",").enumerated() {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init)
            guard words.count == 2, let type = DataType.parse(words[1]) else {
                throw EmberError(.configuration, "cannot parse schema field \(n + 1) '\(String(part).trimming(" "))'",
                                 context: [.init("schema", ddl)],
                                 hint: "write fields as 'name type' separated by commas, e.g. 'k STRING, x BIGINT'; types: bigint, double, boolean, string, date, timestamp")
            }
            fields.append(StructField(words[0], type))
        }
        return StructType(fields)
    }

    /// `root\n |-- name: type (nullable = true)` as Spark's printSchema.
    public var treeString: String {
        var s = "root\n"
        for f in fields { s += " |-- \(f.name): \(f.dataType.simpleString) (nullable = \(f.nullable))\n" }
        return s
    }

    public var description: String {
        "struct<" + fields.map { "\($0.name):\($0.dataType.simpleString)" }.joined(separator: ",") + ">"
    }
}

extension String {
    /// Trims any of the given characters from both ends (no Foundation needed).
    @_spi(EmberInternal) public func trimming(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
