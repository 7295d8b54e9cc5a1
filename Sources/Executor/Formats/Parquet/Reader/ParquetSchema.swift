// ParquetSchema: a Parquet file's flat schema as Ember columns. Each top-level leaf becomes one
// column whose Ember type comes from its physical type and its logical (or legacy converted)
// annotation; `ParquetConversion` says how a physical value becomes an Ember value:
//
//   BOOLEAN                         → boolean
//   INT32 (INT_8/16/32, UINT_8/16/32, INTEGER) → bigint      INT32 DATE → date
//   INT64 (INT_64, INTEGER)         → bigint                 INT64 UINT_64 → double (no u64 in Ember)
//   INT64 TIMESTAMP(ms|µs|ns)       → timestamp (µs, with or without UTC adjustment; ns floors)
//   INT96                           → timestamp (Spark's legacy nanos-of-day + Julian day)
//   FLOAT, DOUBLE, FLBA(2) FLOAT16  → double
//   DECIMAL on INT32/INT64/FLBA/BYTE_ARRAY → double (Ember has no decimal type)
//   BYTE_ARRAY/FLBA STRING, ENUM, JSON → string; un-annotated binary → string with binaryAsString
//
// Nested columns (groups, repeated fields: lists, maps, structs) are refused naming the column.

@_spi(EmberInternal) import Planner

/// How a physical Parquet value becomes an Ember value.
enum ParquetConversion: Sendable, Hashable {
    case boolean
    /// INT32 → bigint; unsigned INT32 annotations zero-extend.
    case int32(unsigned: Bool)
    case date
    case int64
    /// Unsigned INT64 → double.
    case uint64
    /// DECIMAL → double: unscaled integer / 10^scale.
    case decimal(scale: Int)
    case timestamp(TimeUnit)
    case int96
    case float
    case double
    case float16
    case string

    var dataType: DataType {
        switch self {
        case .boolean: return .boolean
        case .int32, .int64: return .long
        case .date: return .date
        case .uint64, .decimal, .float, .double, .float16: return .double
        case .timestamp, .int96: return .timestamp
        case .string: return .string
        }
    }
}

/// One flat column of a Parquet file.
struct ParquetColumn: Sendable, Hashable {
    var name: String
    /// Index of the column's chunk in each row group.
    var leafIndex: Int
    var physicalType: PhysicalType
    /// Bytes per value of FIXED_LEN_BYTE_ARRAY (12 for INT96), else 0.
    var typeLength: Int
    /// 1 for an OPTIONAL column (levels say which rows are null), 0 for a REQUIRED one.
    var maxDefinitionLevel: Int
    var conversion: ParquetConversion

    var dataType: DataType { conversion.dataType }
}

enum ParquetSchema {
    /// The flat columns of a file, or an error naming the first column Ember cannot read.
    static func columns(_ metadata: FileMetaData, options: ParquetOptions, path: String) throws -> [ParquetColumn] {
        let schema = metadata.schema
        guard let root = schema.first else { throw unreadable("the file has no schema", path: path) }
        let fieldCount = Int(root.numChildren ?? 0)
        var columns: [ParquetColumn] = []
        var i = 1
        while columns.count < fieldCount {
            guard i < schema.count else { throw unreadable("the schema lists fewer fields than its root's \(fieldCount)", path: path) }
            let e = schema[i]
            if (e.numChildren ?? 0) > 0 || e.type == nil {
                throw nested(e.name, what: describeGroup(e), path: path)
            }
            if e.repetitionType == .repeated {
                throw nested(e.name, what: "a repeated field (a list)", path: path)
            }
            guard let repetition = e.repetitionType, repetition.isKnown else {
                throw unreadable("column `\(e.name)` has no valid repetition type", path: path)
            }
            let conversion: ParquetConversion
            do {
                conversion = try Self.conversion(of: e, options: options, path: path)
            } catch let error as EmberError {
                throw error.withContext([.init("column", e.name)])
            }
            let length: Int
            if e.type == .fixedLenByteArray {
                guard let l = e.typeLength, l > 0 else {
                    throw unreadable("FIXED_LEN_BYTE_ARRAY column `\(e.name)` has no positive type_length", path: path)
                }
                length = Int(l)
            } else {
                length = e.type == .int96 ? 12 : 0
            }
            columns.append(ParquetColumn(name: e.name, leafIndex: columns.count, physicalType: e.type ?? .boolean,
                                         typeLength: length, maxDefinitionLevel: repetition == .optional ? 1 : 0,
                                         conversion: conversion))
            i += 1
        }
        return columns
    }

    /// The Ember schema of those columns (nullable, as Spark reads file sources).
    static func structType(_ columns: [ParquetColumn]) -> StructType {
        StructType(columns.map { StructField($0.name, $0.dataType) })
    }

    private static func describeGroup(_ e: SchemaElement) -> String {
        if e.logicalType == .list || e.convertedType == .list { return "a list" }
        if e.logicalType == .map || e.convertedType == .map || e.convertedType == .mapKeyValue { return "a map" }
        return "a struct"
    }

    static func conversion(of e: SchemaElement, options: ParquetOptions, path: String) throws -> ParquetConversion {
        let logical = e.logicalType
        let converted = e.convertedType
        let unsupported = { (what: String) in
            unreadable("column `\(e.name)` is \(what), which Ember cannot read", path: path,
                       hint: "leave the column out of the files, or convert it to a supported type before reading")
        }
        if case .decimal(let scale, _)? = logical { return try decimal(e, scale: Int(scale), path: path) }
        if converted == .decimal { return try decimal(e, scale: Int(e.scale ?? 0), path: path) }
        if let logical, case .time = logical { throw unsupported("\(e.type?.description ?? "?") \(logical)") }
        if converted == .timeMillis || converted == .timeMicros || converted == .interval {
            throw unsupported("\(e.type?.description ?? "?") \(converted?.description ?? "")")
        }
        switch e.type {
        case .boolean?: return .boolean
        case .int32?:
            if logical == .date || converted == .date { return .date }
            if case .integer(_, let signed)? = logical { return .int32(unsigned: !signed) }
            return .int32(unsigned: converted == .uint32 || converted == .uint16 || converted == .uint8)
        case .int64?:
            if case .timestamp(_, let unit)? = logical { return .timestamp(unit) }
            if converted == .timestampMillis { return .timestamp(.millis) }
            if converted == .timestampMicros { return .timestamp(.micros) }
            if case .integer(_, false)? = logical { return .uint64 }
            if converted == .uint64 { return .uint64 }
            return .int64
        case .int96?: return .int96
        case .float?: return .float
        case .double?: return .double
        case .byteArray?, .fixedLenByteArray?:
            if e.type == .fixedLenByteArray && logical == .float16 {
                guard e.typeLength == 2 else { throw unreadable("FLOAT16 column `\(e.name)` is not 2 bytes wide", path: path) }
                return .float16
            }
            switch logical {
            case .string?, .enumeration?, .json?: return .string
            case nil:
                if converted == .utf8 || converted == .enumeration || converted == .json { return .string }
            default: break
            }
            if options.binaryAsString { return .string }
            let annotation = logical.map { " \($0)" } ?? converted.map { " \($0)" } ?? ""
            throw unreadable("column `\(e.name)` is binary (\(e.type?.description ?? "")\(annotation)); Ember has no binary type",
                             path: path, hint: "read it as a string with .option(\"binaryAsString\", true)")
        default:
            throw unsupported("of physical type \(e.type?.description ?? "none")")
        }
    }

    private static func decimal(_ e: SchemaElement, scale: Int, path: String) throws -> ParquetConversion {
        guard (0...76).contains(scale) else {
            throw unreadable("DECIMAL column `\(e.name)` has scale \(scale)", path: path)
        }
        switch e.type {
        case .int32?, .int64?, .byteArray?, .fixedLenByteArray?: return .decimal(scale: scale)
        default: throw unreadable("DECIMAL column `\(e.name)` is stored as \(e.type?.description ?? "none")", path: path)
        }
    }

    private static func nested(_ name: String, what: String, path: String) -> EmberError {
        EmberError(.input, "column `\(name)` is \(what): Ember reads flat Parquet columns only",
                   context: [.init("file", path), .init("column", name)],
                   hint: "select flat columns when writing the file, or flatten the nested column first")
    }

    static func unreadable(_ message: String, path: String, hint: String? = nil) -> EmberError {
        EmberError(.input, "cannot read Parquet file: \(message)", context: [.init("file", path)], hint: hint)
    }
}
