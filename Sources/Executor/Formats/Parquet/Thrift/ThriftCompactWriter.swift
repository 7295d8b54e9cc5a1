// ThriftCompactWriter: encodes the Thrift compact protocol (the format of Parquet's footer and page
// headers) into a growing byte array. The wire layout is drawn in ThriftCompactReader.swift.
//
// Structs are written as `enterStruct()`, one `write…Field(id, value)` per set field in increasing
// id order, then `exitStruct()` (the stop byte). Optional fields are passed as optionals and are
// left out when nil.

@_spi(EmberInternal) public struct ThriftCompactWriter {
    @_spi(EmberInternal) public private(set) var bytes: [UInt8] = []
    /// Last field id written in each open struct.
    private var lastFieldIDs: [Int16] = []

    @_spi(EmberInternal) public init() {}

    // MARK: Primitive values

    @_spi(EmberInternal) public mutating func writeByte(_ b: UInt8) { bytes.append(b) }

    @_spi(EmberInternal) public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func writeZigzag(_ n: Int64) {
        writeVarint(UInt64(bitPattern: (n << 1) ^ (n >> 63)))
    }

    @_spi(EmberInternal) public mutating func writeI8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    @_spi(EmberInternal) public mutating func writeI16(_ v: Int16) { writeZigzag(Int64(v)) }
    @_spi(EmberInternal) public mutating func writeI32(_ v: Int32) { writeZigzag(Int64(v)) }
    @_spi(EmberInternal) public mutating func writeI64(_ v: Int64) { writeZigzag(v) }

    @_spi(EmberInternal) public mutating func writeDouble(_ v: Double) {
        var bits = v.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    @_spi(EmberInternal) public mutating func writeBinary(_ v: [UInt8]) {
        writeVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    @_spi(EmberInternal) public mutating func writeString(_ v: String) {
        writeVarint(UInt64(v.utf8.count))
        bytes.append(contentsOf: v.utf8)
    }

    /// A boolean list element: one byte, 1 = true, 2 = false.
    @_spi(EmberInternal) public mutating func writeBoolElement(_ v: Bool) { bytes.append(v ? 1 : 2) }

    // MARK: Structs

    @_spi(EmberInternal) public mutating func enterStruct() { lastFieldIDs.append(0) }

    /// Writes the stop byte that ends the innermost open struct.
    @_spi(EmberInternal) public mutating func exitStruct() {
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    /// A field header, short form when the id follows the previous one by 1…15.
    @_spi(EmberInternal) public mutating func writeFieldHeader(_ id: Int16, _ type: ThriftType) {
        let last = lastFieldIDs.last ?? 0
        let delta = Int(id) - Int(last)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeI16(id)
        }
        if !lastFieldIDs.isEmpty { lastFieldIDs[lastFieldIDs.count - 1] = id }
    }

    /// A list header for `count` elements of `type`.
    @_spi(EmberInternal) public mutating func writeListHeader(_ type: ThriftType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    // MARK: Fields (nil optionals are left out)

    @_spi(EmberInternal) public mutating func writeBoolField(_ id: Int16, _ v: Bool?) {
        guard let v else { return }
        writeFieldHeader(id, v ? .boolTrue : .boolFalse)
    }

    @_spi(EmberInternal) public mutating func writeI8Field(_ id: Int16, _ v: Int8?) {
        guard let v else { return }
        writeFieldHeader(id, .i8)
        writeI8(v)
    }

    @_spi(EmberInternal) public mutating func writeI16Field(_ id: Int16, _ v: Int16?) {
        guard let v else { return }
        writeFieldHeader(id, .i16)
        writeI16(v)
    }

    @_spi(EmberInternal) public mutating func writeI32Field(_ id: Int16, _ v: Int32?) {
        guard let v else { return }
        writeFieldHeader(id, .i32)
        writeI32(v)
    }

    @_spi(EmberInternal) public mutating func writeI64Field(_ id: Int16, _ v: Int64?) {
        guard let v else { return }
        writeFieldHeader(id, .i64)
        writeI64(v)
    }

    @_spi(EmberInternal) public mutating func writeBinaryField(_ id: Int16, _ v: [UInt8]?) {
        guard let v else { return }
        writeFieldHeader(id, .binary)
        writeBinary(v)
    }

    @_spi(EmberInternal) public mutating func writeStringField(_ id: Int16, _ v: String?) {
        guard let v else { return }
        writeFieldHeader(id, .binary)
        writeString(v)
    }

    /// A struct field whose body `body` writes (between enterStruct and exitStruct).
    @_spi(EmberInternal) public mutating func writeStructField(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id, .structure)
        enterStruct()
        body(&self)
        exitStruct()
    }

    /// A list field of `elements`, each written by `element`.
    @_spi(EmberInternal) public mutating func writeListField<T>(
        _ id: Int16, _ type: ThriftType, _ elements: [T]?, _ element: (inout ThriftCompactWriter, T) -> Void
    ) {
        guard let elements else { return }
        writeFieldHeader(id, .list)
        writeListHeader(type, count: elements.count)
        for e in elements { element(&self, e) }
    }
}
