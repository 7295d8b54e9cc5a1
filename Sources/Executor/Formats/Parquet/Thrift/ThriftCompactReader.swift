// ThriftCompactReader: decodes the Thrift compact protocol (Parquet's footer and page headers) from
// bytes that came from a file, so it trusts nothing: every varint, length, list size and nesting
// depth is checked against the bytes that remain, and a malformed input is an `EmberError`, never a
// trap, a hang or a huge allocation.
//
// Wire format (apache/thrift compact protocol):
//
//   field header   dddd tttt            delta 1…15 from the previous field id, type nibble
//                  0000 tttt  zigzag-varint id   (long form)
//   stop           0x00                 ends a struct
//   bool field     the value is the type nibble: 1 = true, 2 = false (no value bytes)
//   i8             one byte;  i16/i32/i64: zigzag ULEB128 varint;  double: 8 bytes LE
//   binary         ULEB128 length, bytes
//   list/set       ssss tttt (size 0…14)  |  1111 tttt  ULEB128 size;  then the elements
//   map            ULEB128 size; if size > 0: kkkk vvvv; then key/value pairs
//
// Structs are read with `enterStruct()` then `nextField()` until it returns nil (the stop byte);
// callers switch on the field id and `skip(_:)` what they do not know.

@_spi(EmberInternal) import Planner

/// The type nibble of a compact-protocol field or list element.
@_spi(EmberInternal) public enum ThriftType: UInt8, Sendable {
    case stop = 0, boolTrue = 1, boolFalse = 2, i8 = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12, uuid = 13

    /// Whether a field of this type is a boolean (its value lives in the header).
    @_spi(EmberInternal) public var isBool: Bool { self == .boolTrue || self == .boolFalse }
}

/// One field header: its id and wire type.
@_spi(EmberInternal) public struct ThriftField: Sendable {
    @_spi(EmberInternal) public var id: Int16
    @_spi(EmberInternal) public var type: ThriftType
}

/// Reads compact-protocol values from a byte array, with every length checked.
@_spi(EmberInternal) public struct ThriftCompactReader {
    /// Deepest struct/list nesting accepted; Parquet's metadata nests about six levels.
    @_spi(EmberInternal) public static let maximumDepth = 64

    @_spi(EmberInternal) public let bytes: [UInt8]
    /// The next byte to read.
    @_spi(EmberInternal) public private(set) var position: Int
    @_spi(EmberInternal) public let end: Int
    /// Last field id of each struct being read (the compact protocol's deltas are per struct).
    private var lastFieldIDs: [Int16] = []
    /// Nesting depth of structs, lists and maps, bounded by ``maximumDepth``.
    private var depth = 0
    /// The value of the boolean field whose header was just read.
    private var pendingBool: Bool? = nil

    /// Reads `bytes[start..<end]` (the whole array by default).
    @_spi(EmberInternal) public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        let end = min(max(end ?? bytes.count, 0), bytes.count)
        self.end = end
        self.position = min(max(start, 0), end)
    }

    @_spi(EmberInternal) public var remaining: Int { end - position }

    /// A corrupt-metadata error at the current position.
    @_spi(EmberInternal) public func corrupt(_ what: String) -> EmberError {
        EmberError(.input, "corrupt Parquet metadata: \(what)",
                   context: [.init("metadata offset", String(position))],
                   hint: "The file is damaged or not a Parquet file; rewrite it or leave it out of the read.")
    }

    /// A required field that the struct did not carry.
    @_spi(EmberInternal) public func missing(_ field: String) -> EmberError {
        corrupt("required field \(field) is missing")
    }

    // MARK: Primitive values

    @_spi(EmberInternal) public mutating func readByte() throws -> UInt8 {
        guard position < end else { throw corrupt("unexpected end of metadata") }
        let b = bytes[position]
        position += 1
        return b
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    @_spi(EmberInternal) public mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw corrupt("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint longer than 10 bytes") }
        }
    }

    private mutating func readZigzag() throws -> Int64 {
        let n = try readVarint()
        return Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1)))
    }

    @_spi(EmberInternal) public mutating func readI8() throws -> Int8 { Int8(bitPattern: try readByte()) }

    @_spi(EmberInternal) public mutating func readI16() throws -> Int16 {
        let v = try readZigzag()
        guard let r = Int16(exactly: v) else { throw corrupt("i16 value \(v) out of range") }
        return r
    }

    @_spi(EmberInternal) public mutating func readI32() throws -> Int32 {
        let v = try readZigzag()
        guard let r = Int32(exactly: v) else { throw corrupt("i32 value \(v) out of range") }
        return r
    }

    @_spi(EmberInternal) public mutating func readI64() throws -> Int64 { try readZigzag() }

    @_spi(EmberInternal) public mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw corrupt("unexpected end of metadata in a double") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A boolean: the value of the field header just read, or one byte inside a list (1 = true).
    @_spi(EmberInternal) public mutating func readBool() throws -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        return try readByte() == 1
    }

    /// Binary bytes, whose length must fit in what remains.
    @_spi(EmberInternal) public mutating func readBinary() throws -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw corrupt("binary length \(length) exceeds the \(remaining) bytes left")
        }
        let n = Int(length)
        let value = Array(bytes[position..<(position + n)])
        position += n
        return value
    }

    /// A string (UTF-8; invalid sequences are repaired rather than refused).
    @_spi(EmberInternal) public mutating func readString() throws -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    // MARK: Structs

    /// Starts reading a struct: field deltas restart from 0.
    @_spi(EmberInternal) public mutating func enterStruct() throws {
        try enterNesting()
        lastFieldIDs.append(0)
    }

    /// The next field header of the current struct, or nil at its stop byte (which ends the struct).
    @_spi(EmberInternal) public mutating func nextField() throws -> ThriftField? {
        guard let last = lastFieldIDs.last else { throw corrupt("field read outside a struct") }
        let header = try readByte()
        if header == 0 {
            lastFieldIDs.removeLast()
            depth -= 1
            return nil
        }
        guard let type = ThriftType(rawValue: header & 0x0F), type != .stop else {
            throw corrupt("unknown field type \(header & 0x0F)")
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            let (sum, overflow) = last.addingReportingOverflow(delta)
            guard !overflow else { throw corrupt("field id overflows") }
            id = sum
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        pendingBool = type.isBool ? (type == .boolTrue) : nil
        return ThriftField(id: id, type: type)
    }

    private mutating func enterNesting() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw corrupt("nesting deeper than \(Self.maximumDepth) levels") }
    }

    // MARK: Lists

    /// A list or set header: the element type and a count no larger than the bytes left (every
    /// element takes at least one byte, except booleans in a header, which lists never have).
    @_spi(EmberInternal) public mutating func readListHeader() throws -> (elementType: ThriftType, count: Int) {
        let header = try readByte()
        guard let type = ThriftType(rawValue: header & 0x0F), type != .stop else {
            throw corrupt("unknown list element type \(header & 0x0F)")
        }
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else {
            throw corrupt("list of \(count) elements in the \(remaining) bytes left")
        }
        return (type, Int(count))
    }

    /// Reads a list whose elements `element` decodes, checking their wire type is `expected`.
    @_spi(EmberInternal) public mutating func readList<T>(
        of expected: ThriftType, _ element: (inout ThriftCompactReader) throws -> T
    ) throws -> [T] {
        let (type, count) = try readListHeader()
        let compatible = type == expected || (expected.isBool && type.isBool)
        guard compatible else { throw corrupt("list of type \(type) where \(expected) was expected") }
        try enterNesting()
        defer { depth -= 1 }
        var values: [T] = []
        values.reserveCapacity(min(count, 1024))
        for _ in 0..<count { values.append(try element(&self)) }
        return values
    }

    // MARK: Skipping

    /// Skips a value of `type` (an unknown field), nested values included.
    @_spi(EmberInternal) public mutating func skip(_ type: ThriftType) throws {
        switch type {
        case .boolTrue, .boolFalse:
            if pendingBool != nil { pendingBool = nil } else { _ = try readByte() }
        case .i8: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try skipBytes(8)
        case .uuid: try skipBytes(16)
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw corrupt("binary length \(length) exceeds the bytes left") }
            position += Int(length)
        case .list, .set:
            let (elementType, count) = try readListHeader()
            try enterNesting()
            defer { depth -= 1 }
            for _ in 0..<count { try skip(elementType) }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw corrupt("map of \(count) entries in the bytes left") }
            if count == 0 { return }
            let types = try readByte()
            guard let keyType = ThriftType(rawValue: types >> 4), let valueType = ThriftType(rawValue: types & 0x0F),
                  keyType != .stop, valueType != .stop else { throw corrupt("unknown map types \(types)") }
            try enterNesting()
            defer { depth -= 1 }
            for _ in 0..<count {
                try skip(keyType)
                try skip(valueType)
            }
        case .structure:
            try enterStruct()
            while let field = try nextField() { try skip(field.type) }
        case .stop:
            throw corrupt("stop byte where a value was expected")
        }
    }

    private mutating func skipBytes(_ n: Int) throws {
        guard remaining >= n else { throw corrupt("unexpected end of metadata") }
        position += n
    }
}
