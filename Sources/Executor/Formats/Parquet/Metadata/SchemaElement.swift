// SchemaElement: one node of a Parquet file's schema tree (parquet.thrift `SchemaElement`). The
// tree is flattened depth-first in FileMetaData.schema: element 0 is the root group, a group is
// followed by its `numChildren` descendants, and the leaves in order are the column chunks.

@_spi(EmberInternal) public struct SchemaElement: Hashable, Sendable {
    /// The physical type; nil for a group.
    @_spi(EmberInternal) public var type: PhysicalType?
    /// Width of a FIXED_LEN_BYTE_ARRAY, in bytes.
    @_spi(EmberInternal) public var typeLength: Int32?
    @_spi(EmberInternal) public var repetitionType: FieldRepetitionType?
    @_spi(EmberInternal) public var name: String
    /// Number of children of a group; nil for a leaf.
    @_spi(EmberInternal) public var numChildren: Int32?
    @_spi(EmberInternal) public var convertedType: ConvertedType?
    @_spi(EmberInternal) public var scale: Int32?
    @_spi(EmberInternal) public var precision: Int32?
    @_spi(EmberInternal) public var fieldID: Int32?
    @_spi(EmberInternal) public var logicalType: LogicalType?

    @_spi(EmberInternal) public init(
        name: String, type: PhysicalType? = nil, typeLength: Int32? = nil,
        repetitionType: FieldRepetitionType? = nil, numChildren: Int32? = nil,
        convertedType: ConvertedType? = nil, scale: Int32? = nil, precision: Int32? = nil,
        fieldID: Int32? = nil, logicalType: LogicalType? = nil
    ) {
        self.name = name
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> SchemaElement {
        var e = SchemaElement(name: "")
        var sawName = false
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): e.type = try .decode(from: &r)
            case (2, .i32): e.typeLength = try r.readI32()
            case (3, .i32): e.repetitionType = try .decode(from: &r)
            case (4, .binary): e.name = try r.readString(); sawName = true
            case (5, .i32): e.numChildren = try r.readI32()
            case (6, .i32): e.convertedType = try .decode(from: &r)
            case (7, .i32): e.scale = try r.readI32()
            case (8, .i32): e.precision = try r.readI32()
            case (9, .i32): e.fieldID = try r.readI32()
            case (10, .structure): e.logicalType = try .decode(from: &r)
            default: try r.skip(f.type)
            }
        }
        guard sawName else { throw r.missing("SchemaElement.name") }
        return e
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, type?.rawValue)
        w.writeI32Field(2, typeLength)
        w.writeI32Field(3, repetitionType?.rawValue)
        w.writeStringField(4, name)
        w.writeI32Field(5, numChildren)
        w.writeI32Field(6, convertedType?.rawValue)
        w.writeI32Field(7, scale)
        w.writeI32Field(8, precision)
        w.writeI32Field(9, fieldID)
        if let logicalType {
            w.writeFieldHeader(10, .structure)
            logicalType.encode(to: &w)
        }
        w.exitStruct()
    }
}
