// ColumnChunk and ColumnMetaData: where one column of one row group lives in the file and how it
// is stored (parquet.thrift `ColumnChunk`, `ColumnMetaData`, `PageEncodingStats`). The chunk's
// pages start at `dictionaryPageOffset` when there is a dictionary, else at `dataPageOffset`, and
// span `totalCompressedSize` bytes, page headers included.

@_spi(EmberInternal) public struct PageEncodingStats: Hashable, Sendable {
    @_spi(EmberInternal) public var pageType: PageType
    @_spi(EmberInternal) public var encoding: Encoding
    @_spi(EmberInternal) public var count: Int32

    @_spi(EmberInternal) public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> PageEncodingStats {
        var pageType: PageType? = nil, encoding: Encoding? = nil, count: Int32? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): pageType = try .decode(from: &r)
            case (2, .i32): encoding = try .decode(from: &r)
            case (3, .i32): count = try r.readI32()
            default: try r.skip(f.type)
            }
        }
        guard let pageType, let encoding, let count else { throw r.missing("PageEncodingStats field") }
        return PageEncodingStats(pageType: pageType, encoding: encoding, count: count)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, pageType.rawValue)
        w.writeI32Field(2, encoding.rawValue)
        w.writeI32Field(3, count)
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct ColumnMetaData: Hashable, Sendable {
    @_spi(EmberInternal) public var type: PhysicalType
    @_spi(EmberInternal) public var encodings: [Encoding]
    @_spi(EmberInternal) public var pathInSchema: [String]
    @_spi(EmberInternal) public var codec: CompressionCodec
    /// Values in the chunk, nulls included.
    @_spi(EmberInternal) public var numValues: Int64
    @_spi(EmberInternal) public var totalUncompressedSize: Int64
    @_spi(EmberInternal) public var totalCompressedSize: Int64
    @_spi(EmberInternal) public var keyValueMetadata: [KeyValue]?
    @_spi(EmberInternal) public var dataPageOffset: Int64
    @_spi(EmberInternal) public var indexPageOffset: Int64?
    @_spi(EmberInternal) public var dictionaryPageOffset: Int64?
    @_spi(EmberInternal) public var statistics: Statistics?
    @_spi(EmberInternal) public var encodingStats: [PageEncodingStats]?
    @_spi(EmberInternal) public var bloomFilterOffset: Int64?
    @_spi(EmberInternal) public var bloomFilterLength: Int32?

    @_spi(EmberInternal) public init(
        type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: CompressionCodec,
        numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
        keyValueMetadata: [KeyValue]? = nil, dataPageOffset: Int64, indexPageOffset: Int64? = nil,
        dictionaryPageOffset: Int64? = nil, statistics: Statistics? = nil,
        encodingStats: [PageEncodingStats]? = nil, bloomFilterOffset: Int64? = nil, bloomFilterLength: Int32? = nil
    ) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomFilterOffset
        self.bloomFilterLength = bloomFilterLength
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> ColumnMetaData {
        var type: PhysicalType? = nil, encodings: [Encoding]? = nil, path: [String]? = nil
        var codec: CompressionCodec? = nil, numValues: Int64? = nil
        var uncompressed: Int64? = nil, compressed: Int64? = nil, dataPageOffset: Int64? = nil
        var keyValues: [KeyValue]? = nil, indexPageOffset: Int64? = nil, dictionaryPageOffset: Int64? = nil
        var statistics: Statistics? = nil, encodingStats: [PageEncodingStats]? = nil
        var bloomOffset: Int64? = nil, bloomLength: Int32? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): type = try .decode(from: &r)
            case (2, .list): encodings = try r.readList(of: .i32) { try Encoding.decode(from: &$0) }
            case (3, .list): path = try r.readList(of: .binary) { try $0.readString() }
            case (4, .i32): codec = try .decode(from: &r)
            case (5, .i64): numValues = try r.readI64()
            case (6, .i64): uncompressed = try r.readI64()
            case (7, .i64): compressed = try r.readI64()
            case (8, .list): keyValues = try r.readList(of: .structure) { try KeyValue.decode(from: &$0) }
            case (9, .i64): dataPageOffset = try r.readI64()
            case (10, .i64): indexPageOffset = try r.readI64()
            case (11, .i64): dictionaryPageOffset = try r.readI64()
            case (12, .structure): statistics = try .decode(from: &r)
            case (13, .list): encodingStats = try r.readList(of: .structure) { try PageEncodingStats.decode(from: &$0) }
            case (14, .i64): bloomOffset = try r.readI64()
            case (15, .i32): bloomLength = try r.readI32()
            default: try r.skip(f.type)
            }
        }
        guard let type else { throw r.missing("ColumnMetaData.type") }
        guard let encodings else { throw r.missing("ColumnMetaData.encodings") }
        guard let path else { throw r.missing("ColumnMetaData.path_in_schema") }
        guard let codec else { throw r.missing("ColumnMetaData.codec") }
        guard let numValues else { throw r.missing("ColumnMetaData.num_values") }
        guard let uncompressed else { throw r.missing("ColumnMetaData.total_uncompressed_size") }
        guard let compressed else { throw r.missing("ColumnMetaData.total_compressed_size") }
        guard let dataPageOffset else { throw r.missing("ColumnMetaData.data_page_offset") }
        return ColumnMetaData(
            type: type, encodings: encodings, pathInSchema: path, codec: codec, numValues: numValues,
            totalUncompressedSize: uncompressed, totalCompressedSize: compressed, keyValueMetadata: keyValues,
            dataPageOffset: dataPageOffset, indexPageOffset: indexPageOffset,
            dictionaryPageOffset: dictionaryPageOffset, statistics: statistics, encodingStats: encodingStats,
            bloomFilterOffset: bloomOffset, bloomFilterLength: bloomLength)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, type.rawValue)
        w.writeListField(2, .i32, encodings) { $0.writeI32($1.rawValue) }
        w.writeListField(3, .binary, pathInSchema) { $0.writeString($1) }
        w.writeI32Field(4, codec.rawValue)
        w.writeI64Field(5, numValues)
        w.writeI64Field(6, totalUncompressedSize)
        w.writeI64Field(7, totalCompressedSize)
        w.writeListField(8, .structure, keyValueMetadata) { $1.encode(to: &$0) }
        w.writeI64Field(9, dataPageOffset)
        w.writeI64Field(10, indexPageOffset)
        w.writeI64Field(11, dictionaryPageOffset)
        if let statistics {
            w.writeFieldHeader(12, .structure)
            statistics.encode(to: &w)
        }
        w.writeListField(13, .structure, encodingStats) { $1.encode(to: &$0) }
        w.writeI64Field(14, bloomFilterOffset)
        w.writeI32Field(15, bloomFilterLength)
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct ColumnChunk: Hashable, Sendable {
    /// The file holding the chunk when it is not this one (Ember reads only same-file chunks).
    @_spi(EmberInternal) public var filePath: String?
    @_spi(EmberInternal) public var fileOffset: Int64
    @_spi(EmberInternal) public var metaData: ColumnMetaData?
    @_spi(EmberInternal) public var offsetIndexOffset: Int64?
    @_spi(EmberInternal) public var offsetIndexLength: Int32?
    @_spi(EmberInternal) public var columnIndexOffset: Int64?
    @_spi(EmberInternal) public var columnIndexLength: Int32?

    @_spi(EmberInternal) public init(
        filePath: String? = nil, fileOffset: Int64, metaData: ColumnMetaData?,
        offsetIndexOffset: Int64? = nil, offsetIndexLength: Int32? = nil,
        columnIndexOffset: Int64? = nil, columnIndexLength: Int32? = nil
    ) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> ColumnChunk {
        var c = ColumnChunk(fileOffset: 0, metaData: nil)
        var sawOffset = false
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .binary): c.filePath = try r.readString()
            case (2, .i64): c.fileOffset = try r.readI64(); sawOffset = true
            case (3, .structure): c.metaData = try .decode(from: &r)
            case (4, .i64): c.offsetIndexOffset = try r.readI64()
            case (5, .i32): c.offsetIndexLength = try r.readI32()
            case (6, .i64): c.columnIndexOffset = try r.readI64()
            case (7, .i32): c.columnIndexLength = try r.readI32()
            default: try r.skip(f.type)
            }
        }
        guard sawOffset else { throw r.missing("ColumnChunk.file_offset") }
        return c
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeStringField(1, filePath)
        w.writeI64Field(2, fileOffset)
        if let metaData {
            w.writeFieldHeader(3, .structure)
            metaData.encode(to: &w)
        }
        w.writeI64Field(4, offsetIndexOffset)
        w.writeI32Field(5, offsetIndexLength)
        w.writeI64Field(6, columnIndexOffset)
        w.writeI32Field(7, columnIndexLength)
        w.exitStruct()
    }
}
