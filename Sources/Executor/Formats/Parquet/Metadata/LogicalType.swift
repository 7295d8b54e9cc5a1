// LogicalType: parquet.thrift's `LogicalType` union (and its `TimeUnit` union and `ColumnOrder`
// union), the modern annotation of what a physical column means. Ember reads the ones it maps to
// its types (STRING, DATE, TIMESTAMP, DECIMAL, INTEGER…) and decodes the rest far enough to name
// them in an error. A union is a struct with exactly one field set; parameterless members are
// empty structs.

@_spi(EmberInternal) public enum TimeUnit: Hashable, Sendable {
    case millis, micros, nanos

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> TimeUnit {
        var unit: TimeUnit? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .structure): unit = .millis
            case (2, .structure): unit = .micros
            case (3, .structure): unit = .nanos
            default: break
            }
            try r.skip(f.type)
        }
        guard let unit else { throw r.corrupt("TimeUnit has no known member") }
        return unit
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeStructField(self == .millis ? 1 : self == .micros ? 2 : 3) { _ in }
        w.exitStruct()
    }

    @_spi(EmberInternal) public var name: String {
        switch self {
        case .millis: return "MILLIS"
        case .micros: return "MICROS"
        case .nanos: return "NANOS"
        }
    }
}

@_spi(EmberInternal) public enum LogicalType: Hashable, Sendable, CustomStringConvertible {
    case string, map, list, enumeration
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    case unknown, json, bson, uuid, float16, variant, geometry, geography
    /// A member this reader does not know, by its field id.
    case other(fieldID: Int16)

    @_spi(EmberInternal) public var description: String {
        switch self {
        case .string: return "STRING"
        case .map: return "MAP"
        case .list: return "LIST"
        case .enumeration: return "ENUM"
        case .decimal(let s, let p): return "DECIMAL(\(p), \(s))"
        case .date: return "DATE"
        case .time(let utc, let unit): return "TIME(\(unit.name), isAdjustedToUTC=\(utc))"
        case .timestamp(let utc, let unit): return "TIMESTAMP(\(unit.name), isAdjustedToUTC=\(utc))"
        case .integer(let w, let s): return "INTEGER(\(w), \(s ? "signed" : "unsigned"))"
        case .unknown: return "UNKNOWN"
        case .json: return "JSON"
        case .bson: return "BSON"
        case .uuid: return "UUID"
        case .float16: return "FLOAT16"
        case .variant: return "VARIANT"
        case .geometry: return "GEOMETRY"
        case .geography: return "GEOGRAPHY"
        case .other(let id): return "logical type #\(id)"
        }
    }

    /// Field ids of the union's parameterless members.
    private static let emptyMembers: [Int16: LogicalType] = [
        1: .string, 2: .map, 3: .list, 4: .enumeration, 6: .date, 11: .unknown, 12: .json, 13: .bson,
        14: .uuid, 15: .float16, 16: .variant, 17: .geometry, 18: .geography,
    ]

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> LogicalType {
        var result: LogicalType? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            guard f.type == .structure else { try r.skip(f.type); continue }
            switch f.id {
            case 5: result = try decodeDecimal(&r)
            case 7, 8:
                let (utc, unit) = try decodeTimeParameters(&r)
                result = f.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10: result = try decodeInteger(&r)
            default:
                result = emptyMembers[f.id] ?? .other(fieldID: f.id)
                try r.skip(.structure)
            }
        }
        guard let result else { throw r.corrupt("LogicalType has no member") }
        return result
    }

    private static func decodeDecimal(_ r: inout ThriftCompactReader) throws -> LogicalType {
        var scale: Int32? = nil, precision: Int32? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): scale = try r.readI32()
            case (2, .i32): precision = try r.readI32()
            default: try r.skip(f.type)
            }
        }
        guard let scale else { throw r.missing("DecimalType.scale") }
        guard let precision else { throw r.missing("DecimalType.precision") }
        return .decimal(scale: scale, precision: precision)
    }

    private static func decodeTimeParameters(_ r: inout ThriftCompactReader) throws -> (Bool, TimeUnit) {
        var utc: Bool? = nil, unit: TimeUnit? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch f.id {
            case 1 where f.type.isBool: utc = try r.readBool()
            case 2 where f.type == .structure: unit = try TimeUnit.decode(from: &r)
            default: try r.skip(f.type)
            }
        }
        guard let utc else { throw r.missing("TimestampType.isAdjustedToUTC") }
        guard let unit else { throw r.missing("TimestampType.unit") }
        return (utc, unit)
    }

    private static func decodeInteger(_ r: inout ThriftCompactReader) throws -> LogicalType {
        var width: Int8? = nil, signed: Bool? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch f.id {
            case 1 where f.type == .i8: width = try r.readI8()
            case 2 where f.type.isBool: signed = try r.readBool()
            default: try r.skip(f.type)
            }
        }
        guard let width else { throw r.missing("IntType.bitWidth") }
        guard let signed else { throw r.missing("IntType.isSigned") }
        return .integer(bitWidth: width, isSigned: signed)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        switch self {
        case .decimal(let scale, let precision):
            w.writeStructField(5) { w in
                w.writeI32Field(1, scale)
                w.writeI32Field(2, precision)
            }
        case .time(let utc, let unit), .timestamp(let utc, let unit):
            let id: Int16
            if case .time = self { id = 7 } else { id = 8 }
            w.writeStructField(id) { w in
                w.writeBoolField(1, utc)
                w.writeFieldHeader(2, .structure)
                unit.encode(to: &w)
            }
        case .integer(let width, let signed):
            w.writeStructField(10) { w in
                w.writeI8Field(1, width)
                w.writeBoolField(2, signed)
            }
        case .other(let id):
            w.writeStructField(id) { _ in }
        default:
            let id = Self.emptyMembers.first { $0.value == self }?.key ?? 11
            w.writeStructField(id) { _ in }
        }
        w.exitStruct()
    }
}

/// parquet.thrift `ColumnOrder` union: how a column's statistics are ordered.
@_spi(EmberInternal) public enum ColumnOrder: Hashable, Sendable {
    /// TYPE_ORDER: the type's natural order (what every writer emits today).
    case typeDefinedOrder
    /// A member this reader does not know: statistics under it are unusable.
    case other(fieldID: Int16)

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> ColumnOrder {
        var result: ColumnOrder? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            result = f.id == 1 && f.type == .structure ? .typeDefinedOrder : .other(fieldID: f.id)
            try r.skip(f.type)
        }
        guard let result else { throw r.corrupt("ColumnOrder has no member") }
        return result
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        switch self {
        case .typeDefinedOrder: w.writeStructField(1) { _ in }
        case .other(let id): w.writeStructField(id) { _ in }
        }
        w.exitStruct()
    }
}
