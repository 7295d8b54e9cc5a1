// Statistics: parquet.thrift `Statistics`, the min/max/null count of a column chunk or a page.
// `min`/`max` (fields 2/1) are the deprecated signed-byte-order pair; `minValue`/`maxValue` (6/5)
// follow the column's ColumnOrder. Values are the PLAIN encoding of one value (no length prefix).

@_spi(EmberInternal) public struct Statistics: Hashable, Sendable {
    @_spi(EmberInternal) public var max: [UInt8]?
    @_spi(EmberInternal) public var min: [UInt8]?
    /// Nulls counted; nil means unknown (not zero).
    @_spi(EmberInternal) public var nullCount: Int64?
    @_spi(EmberInternal) public var distinctCount: Int64?
    @_spi(EmberInternal) public var maxValue: [UInt8]?
    @_spi(EmberInternal) public var minValue: [UInt8]?
    @_spi(EmberInternal) public var isMaxValueExact: Bool?
    @_spi(EmberInternal) public var isMinValueExact: Bool?

    @_spi(EmberInternal) public init(
        max: [UInt8]? = nil, min: [UInt8]? = nil, nullCount: Int64? = nil, distinctCount: Int64? = nil,
        maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil, isMaxValueExact: Bool? = nil,
        isMinValueExact: Bool? = nil
    ) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> Statistics {
        var s = Statistics()
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .binary): s.max = try r.readBinary()
            case (2, .binary): s.min = try r.readBinary()
            case (3, .i64): s.nullCount = try r.readI64()
            case (4, .i64): s.distinctCount = try r.readI64()
            case (5, .binary): s.maxValue = try r.readBinary()
            case (6, .binary): s.minValue = try r.readBinary()
            case (7, _) where f.type.isBool: s.isMaxValueExact = try r.readBool()
            case (8, _) where f.type.isBool: s.isMinValueExact = try r.readBool()
            default: try r.skip(f.type)
            }
        }
        return s
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeBinaryField(1, max)
        w.writeBinaryField(2, min)
        w.writeI64Field(3, nullCount)
        w.writeI64Field(4, distinctCount)
        w.writeBinaryField(5, maxValue)
        w.writeBinaryField(6, minValue)
        w.writeBoolField(7, isMaxValueExact)
        w.writeBoolField(8, isMinValueExact)
        w.exitStruct()
    }
}

/// parquet.thrift `KeyValue`: one entry of a file's or column's key/value metadata.
@_spi(EmberInternal) public struct KeyValue: Hashable, Sendable {
    @_spi(EmberInternal) public var key: String
    @_spi(EmberInternal) public var value: String?

    @_spi(EmberInternal) public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> KeyValue {
        var key: String? = nil, value: String? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .binary): key = try r.readString()
            case (2, .binary): value = try r.readString()
            default: try r.skip(f.type)
            }
        }
        guard let key else { throw r.missing("KeyValue.key") }
        return KeyValue(key: key, value: value)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeStringField(1, key)
        w.writeStringField(2, value)
        w.exitStruct()
    }
}
