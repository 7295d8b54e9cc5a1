// ParquetEnums: the enums of parquet.thrift (Type, ConvertedType, FieldRepetitionType, Encoding,
// CompressionCodec, PageType). Each is a struct over its i32 wire value rather than a Swift enum, so
// a file from a newer writer that lists an encoding or codec Ember does not know still decodes; the
// reader refuses the value only where it would have to use it, and names it in the error.

@_spi(EmberInternal) public protocol ThriftEnum: Hashable, Sendable, CustomStringConvertible {
    var rawValue: Int32 { get }
    init(rawValue: Int32)
    /// The spec's names of the known values.
    static var names: [Int32: String] { get }
}

extension ThriftEnum {
    /// The spec's name, or `UNKNOWN(n)` for a value this reader does not know.
    @_spi(EmberInternal) public var description: String { Self.names[rawValue] ?? "UNKNOWN(\(rawValue))" }
    @_spi(EmberInternal) public var isKnown: Bool { Self.names[rawValue] != nil }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> Self {
        Self(rawValue: try r.readI32())
    }
}

/// parquet.thrift `Type`: the physical type of a column.
@_spi(EmberInternal) public struct PhysicalType: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let boolean = Self(rawValue: 0), int32 = Self(rawValue: 1)
    @_spi(EmberInternal) public static let int64 = Self(rawValue: 2), int96 = Self(rawValue: 3)
    @_spi(EmberInternal) public static let float = Self(rawValue: 4), double = Self(rawValue: 5)
    @_spi(EmberInternal) public static let byteArray = Self(rawValue: 6), fixedLenByteArray = Self(rawValue: 7)
    @_spi(EmberInternal) public static let names: [Int32: String] = [
        0: "BOOLEAN", 1: "INT32", 2: "INT64", 3: "INT96", 4: "FLOAT", 5: "DOUBLE", 6: "BYTE_ARRAY",
        7: "FIXED_LEN_BYTE_ARRAY",
    ]
}

/// parquet.thrift `ConvertedType`: the legacy logical annotation.
@_spi(EmberInternal) public struct ConvertedType: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let utf8 = Self(rawValue: 0), map = Self(rawValue: 1)
    @_spi(EmberInternal) public static let mapKeyValue = Self(rawValue: 2), list = Self(rawValue: 3)
    @_spi(EmberInternal) public static let enumeration = Self(rawValue: 4), decimal = Self(rawValue: 5)
    @_spi(EmberInternal) public static let date = Self(rawValue: 6), timeMillis = Self(rawValue: 7)
    @_spi(EmberInternal) public static let timeMicros = Self(rawValue: 8), timestampMillis = Self(rawValue: 9)
    @_spi(EmberInternal) public static let timestampMicros = Self(rawValue: 10)
    @_spi(EmberInternal) public static let uint8 = Self(rawValue: 11), uint16 = Self(rawValue: 12)
    @_spi(EmberInternal) public static let uint32 = Self(rawValue: 13), uint64 = Self(rawValue: 14)
    @_spi(EmberInternal) public static let int8 = Self(rawValue: 15), int16 = Self(rawValue: 16)
    @_spi(EmberInternal) public static let int32 = Self(rawValue: 17), int64 = Self(rawValue: 18)
    @_spi(EmberInternal) public static let json = Self(rawValue: 19), bson = Self(rawValue: 20)
    @_spi(EmberInternal) public static let interval = Self(rawValue: 21)
    @_spi(EmberInternal) public static let names: [Int32: String] = [
        0: "UTF8", 1: "MAP", 2: "MAP_KEY_VALUE", 3: "LIST", 4: "ENUM", 5: "DECIMAL", 6: "DATE",
        7: "TIME_MILLIS", 8: "TIME_MICROS", 9: "TIMESTAMP_MILLIS", 10: "TIMESTAMP_MICROS", 11: "UINT_8",
        12: "UINT_16", 13: "UINT_32", 14: "UINT_64", 15: "INT_8", 16: "INT_16", 17: "INT_32", 18: "INT_64",
        19: "JSON", 20: "BSON", 21: "INTERVAL",
    ]
}

/// parquet.thrift `FieldRepetitionType`.
@_spi(EmberInternal) public struct FieldRepetitionType: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let required = Self(rawValue: 0), optional = Self(rawValue: 1)
    @_spi(EmberInternal) public static let repeated = Self(rawValue: 2)
    @_spi(EmberInternal) public static let names: [Int32: String] = [0: "REQUIRED", 1: "OPTIONAL", 2: "REPEATED"]
}

/// parquet.thrift `Encoding`.
@_spi(EmberInternal) public struct Encoding: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let plain = Self(rawValue: 0), plainDictionary = Self(rawValue: 2)
    @_spi(EmberInternal) public static let rle = Self(rawValue: 3), bitPacked = Self(rawValue: 4)
    @_spi(EmberInternal) public static let deltaBinaryPacked = Self(rawValue: 5)
    @_spi(EmberInternal) public static let deltaLengthByteArray = Self(rawValue: 6)
    @_spi(EmberInternal) public static let deltaByteArray = Self(rawValue: 7)
    @_spi(EmberInternal) public static let rleDictionary = Self(rawValue: 8)
    @_spi(EmberInternal) public static let byteStreamSplit = Self(rawValue: 9)
    @_spi(EmberInternal) public static let names: [Int32: String] = [
        0: "PLAIN", 1: "GROUP_VAR_INT", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED",
        5: "DELTA_BINARY_PACKED", 6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY",
        9: "BYTE_STREAM_SPLIT", 10: "ALP",
    ]
}

/// parquet.thrift `CompressionCodec`.
@_spi(EmberInternal) public struct CompressionCodec: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let uncompressed = Self(rawValue: 0), snappy = Self(rawValue: 1)
    @_spi(EmberInternal) public static let gzip = Self(rawValue: 2), lzo = Self(rawValue: 3)
    @_spi(EmberInternal) public static let brotli = Self(rawValue: 4), lz4 = Self(rawValue: 5)
    @_spi(EmberInternal) public static let zstd = Self(rawValue: 6), lz4Raw = Self(rawValue: 7)
    @_spi(EmberInternal) public static let names: [Int32: String] = [
        0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW",
    ]
}

/// parquet.thrift `PageType`.
@_spi(EmberInternal) public struct PageType: ThriftEnum {
    @_spi(EmberInternal) public var rawValue: Int32
    @_spi(EmberInternal) public init(rawValue: Int32) { self.rawValue = rawValue }
    @_spi(EmberInternal) public static let dataPage = Self(rawValue: 0), indexPage = Self(rawValue: 1)
    @_spi(EmberInternal) public static let dictionaryPage = Self(rawValue: 2), dataPageV2 = Self(rawValue: 3)
    @_spi(EmberInternal) public static let names: [Int32: String] = [
        0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2",
    ]
}
