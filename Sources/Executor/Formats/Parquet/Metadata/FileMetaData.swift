// FileMetaData and RowGroup: a Parquet file's footer (parquet.thrift `FileMetaData`, `RowGroup`,
// `SortingColumn`), decoded from and encoded to the Thrift compact bytes that sit before the
// file's last eight bytes:
//
//   "PAR1" | column chunks of row group 0 | row group 1 | … | FileMetaData | u32 LE length | "PAR1"

@_spi(EmberInternal) public struct SortingColumn: Hashable, Sendable {
    @_spi(EmberInternal) public var columnIndex: Int32
    @_spi(EmberInternal) public var descending: Bool
    @_spi(EmberInternal) public var nullsFirst: Bool

    @_spi(EmberInternal) public init(columnIndex: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIndex = columnIndex
        self.descending = descending
        self.nullsFirst = nullsFirst
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> SortingColumn {
        var index: Int32? = nil, descending: Bool? = nil, nullsFirst: Bool? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch f.id {
            case 1 where f.type == .i32: index = try r.readI32()
            case 2 where f.type.isBool: descending = try r.readBool()
            case 3 where f.type.isBool: nullsFirst = try r.readBool()
            default: try r.skip(f.type)
            }
        }
        guard let index, let descending, let nullsFirst else { throw r.missing("SortingColumn field") }
        return SortingColumn(columnIndex: index, descending: descending, nullsFirst: nullsFirst)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, columnIndex)
        w.writeBoolField(2, descending)
        w.writeBoolField(3, nullsFirst)
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct RowGroup: Hashable, Sendable {
    /// One chunk per leaf column, in schema order.
    @_spi(EmberInternal) public var columns: [ColumnChunk]
    /// Uncompressed bytes of the row group's column data.
    @_spi(EmberInternal) public var totalByteSize: Int64
    @_spi(EmberInternal) public var numRows: Int64
    @_spi(EmberInternal) public var sortingColumns: [SortingColumn]?
    @_spi(EmberInternal) public var fileOffset: Int64?
    @_spi(EmberInternal) public var totalCompressedSize: Int64?
    @_spi(EmberInternal) public var ordinal: Int16?

    @_spi(EmberInternal) public init(
        columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64, sortingColumns: [SortingColumn]? = nil,
        fileOffset: Int64? = nil, totalCompressedSize: Int64? = nil, ordinal: Int16? = nil
    ) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> RowGroup {
        var columns: [ColumnChunk]? = nil, totalByteSize: Int64? = nil, numRows: Int64? = nil
        var g = RowGroup(columns: [], totalByteSize: 0, numRows: 0)
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .list): columns = try r.readList(of: .structure) { try ColumnChunk.decode(from: &$0) }
            case (2, .i64): totalByteSize = try r.readI64()
            case (3, .i64): numRows = try r.readI64()
            case (4, .list): g.sortingColumns = try r.readList(of: .structure) { try SortingColumn.decode(from: &$0) }
            case (5, .i64): g.fileOffset = try r.readI64()
            case (6, .i64): g.totalCompressedSize = try r.readI64()
            case (7, .i16): g.ordinal = try r.readI16()
            default: try r.skip(f.type)
            }
        }
        guard let columns else { throw r.missing("RowGroup.columns") }
        guard let totalByteSize else { throw r.missing("RowGroup.total_byte_size") }
        guard let numRows else { throw r.missing("RowGroup.num_rows") }
        g.columns = columns
        g.totalByteSize = totalByteSize
        g.numRows = numRows
        return g
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeListField(1, .structure, columns) { $1.encode(to: &$0) }
        w.writeI64Field(2, totalByteSize)
        w.writeI64Field(3, numRows)
        w.writeListField(4, .structure, sortingColumns) { $1.encode(to: &$0) }
        w.writeI64Field(5, fileOffset)
        w.writeI64Field(6, totalCompressedSize)
        w.writeI16Field(7, ordinal)
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct FileMetaData: Hashable, Sendable {
    @_spi(EmberInternal) public var version: Int32
    /// The schema tree, flattened depth-first (element 0 is the root).
    @_spi(EmberInternal) public var schema: [SchemaElement]
    @_spi(EmberInternal) public var numRows: Int64
    @_spi(EmberInternal) public var rowGroups: [RowGroup]
    @_spi(EmberInternal) public var keyValueMetadata: [KeyValue]?
    @_spi(EmberInternal) public var createdBy: String?
    /// One per leaf column when present.
    @_spi(EmberInternal) public var columnOrders: [ColumnOrder]?

    @_spi(EmberInternal) public init(
        version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup],
        keyValueMetadata: [KeyValue]? = nil, createdBy: String? = nil, columnOrders: [ColumnOrder]? = nil
    ) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> FileMetaData {
        var version: Int32? = nil, schema: [SchemaElement]? = nil, numRows: Int64? = nil
        var rowGroups: [RowGroup]? = nil
        var m = FileMetaData(version: 0, schema: [], numRows: 0, rowGroups: [])
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): version = try r.readI32()
            case (2, .list): schema = try r.readList(of: .structure) { try SchemaElement.decode(from: &$0) }
            case (3, .i64): numRows = try r.readI64()
            case (4, .list): rowGroups = try r.readList(of: .structure) { try RowGroup.decode(from: &$0) }
            case (5, .list): m.keyValueMetadata = try r.readList(of: .structure) { try KeyValue.decode(from: &$0) }
            case (6, .binary): m.createdBy = try r.readString()
            case (7, .list): m.columnOrders = try r.readList(of: .structure) { try ColumnOrder.decode(from: &$0) }
            default: try r.skip(f.type)
            }
        }
        guard let version else { throw r.missing("FileMetaData.version") }
        guard let schema else { throw r.missing("FileMetaData.schema") }
        guard let numRows else { throw r.missing("FileMetaData.num_rows") }
        guard let rowGroups else { throw r.missing("FileMetaData.row_groups") }
        m.version = version
        m.schema = schema
        m.numRows = numRows
        m.rowGroups = rowGroups
        return m
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, version)
        w.writeListField(2, .structure, schema) { $1.encode(to: &$0) }
        w.writeI64Field(3, numRows)
        w.writeListField(4, .structure, rowGroups) { $1.encode(to: &$0) }
        w.writeListField(5, .structure, keyValueMetadata) { $1.encode(to: &$0) }
        w.writeStringField(6, createdBy)
        w.writeListField(7, .structure, columnOrders) { $1.encode(to: &$0) }
        w.exitStruct()
    }

    /// Decodes a footer's FileMetaData bytes.
    @_spi(EmberInternal) public static func decode(_ bytes: [UInt8]) throws -> FileMetaData {
        var r = ThriftCompactReader(bytes)
        return try decode(from: &r)
    }

    /// The footer's FileMetaData bytes (without the length and magic that follow them).
    @_spi(EmberInternal) public func encoded() -> [UInt8] {
        var w = ThriftCompactWriter()
        encode(to: &w)
        return w.bytes
    }
}
