// PageHeader: the Thrift compact header before each page of a column chunk (parquet.thrift
// `PageHeader`, `DataPageHeader`, `DataPageHeaderV2`, `DictionaryPageHeader`). The page body of
// `compressedPageSize` bytes follows the header directly.

@_spi(EmberInternal) public struct DataPageHeader: Hashable, Sendable {
    /// Values in the page, nulls included.
    @_spi(EmberInternal) public var numValues: Int32
    @_spi(EmberInternal) public var encoding: Encoding
    @_spi(EmberInternal) public var definitionLevelEncoding: Encoding
    @_spi(EmberInternal) public var repetitionLevelEncoding: Encoding
    @_spi(EmberInternal) public var statistics: Statistics?

    @_spi(EmberInternal) public init(
        numValues: Int32, encoding: Encoding, definitionLevelEncoding: Encoding = .rle,
        repetitionLevelEncoding: Encoding = .rle, statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> DataPageHeader {
        var numValues: Int32? = nil, encoding: Encoding? = nil
        var definition: Encoding? = nil, repetition: Encoding? = nil, statistics: Statistics? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = try .decode(from: &r)
            case (3, .i32): definition = try .decode(from: &r)
            case (4, .i32): repetition = try .decode(from: &r)
            case (5, .structure): statistics = try .decode(from: &r)
            default: try r.skip(f.type)
            }
        }
        guard let numValues else { throw r.missing("DataPageHeader.num_values") }
        guard let encoding else { throw r.missing("DataPageHeader.encoding") }
        guard let definition else { throw r.missing("DataPageHeader.definition_level_encoding") }
        guard let repetition else { throw r.missing("DataPageHeader.repetition_level_encoding") }
        return DataPageHeader(numValues: numValues, encoding: encoding, definitionLevelEncoding: definition,
                              repetitionLevelEncoding: repetition, statistics: statistics)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, numValues)
        w.writeI32Field(2, encoding.rawValue)
        w.writeI32Field(3, definitionLevelEncoding.rawValue)
        w.writeI32Field(4, repetitionLevelEncoding.rawValue)
        if let statistics {
            w.writeFieldHeader(5, .structure)
            statistics.encode(to: &w)
        }
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct DataPageHeaderV2: Hashable, Sendable {
    @_spi(EmberInternal) public var numValues: Int32
    @_spi(EmberInternal) public var numNulls: Int32
    @_spi(EmberInternal) public var numRows: Int32
    @_spi(EmberInternal) public var encoding: Encoding
    @_spi(EmberInternal) public var definitionLevelsByteLength: Int32
    @_spi(EmberInternal) public var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed (the levels never are); absent means true.
    @_spi(EmberInternal) public var isCompressed: Bool?
    @_spi(EmberInternal) public var statistics: Statistics?

    @_spi(EmberInternal) public init(
        numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
        definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32,
        isCompressed: Bool? = nil, statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> DataPageHeaderV2 {
        var numValues: Int32? = nil, numNulls: Int32? = nil, numRows: Int32? = nil
        var encoding: Encoding? = nil, definitionLength: Int32? = nil, repetitionLength: Int32? = nil
        var isCompressed: Bool? = nil, statistics: Statistics? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): numNulls = try r.readI32()
            case (3, .i32): numRows = try r.readI32()
            case (4, .i32): encoding = try .decode(from: &r)
            case (5, .i32): definitionLength = try r.readI32()
            case (6, .i32): repetitionLength = try r.readI32()
            case (7, _) where f.type.isBool: isCompressed = try r.readBool()
            case (8, .structure): statistics = try .decode(from: &r)
            default: try r.skip(f.type)
            }
        }
        guard let numValues else { throw r.missing("DataPageHeaderV2.num_values") }
        guard let numNulls else { throw r.missing("DataPageHeaderV2.num_nulls") }
        guard let numRows else { throw r.missing("DataPageHeaderV2.num_rows") }
        guard let encoding else { throw r.missing("DataPageHeaderV2.encoding") }
        guard let definitionLength else { throw r.missing("DataPageHeaderV2.definition_levels_byte_length") }
        guard let repetitionLength else { throw r.missing("DataPageHeaderV2.repetition_levels_byte_length") }
        return DataPageHeaderV2(
            numValues: numValues, numNulls: numNulls, numRows: numRows, encoding: encoding,
            definitionLevelsByteLength: definitionLength, repetitionLevelsByteLength: repetitionLength,
            isCompressed: isCompressed, statistics: statistics)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, numValues)
        w.writeI32Field(2, numNulls)
        w.writeI32Field(3, numRows)
        w.writeI32Field(4, encoding.rawValue)
        w.writeI32Field(5, definitionLevelsByteLength)
        w.writeI32Field(6, repetitionLevelsByteLength)
        w.writeBoolField(7, isCompressed)
        if let statistics {
            w.writeFieldHeader(8, .structure)
            statistics.encode(to: &w)
        }
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct DictionaryPageHeader: Hashable, Sendable {
    @_spi(EmberInternal) public var numValues: Int32
    @_spi(EmberInternal) public var encoding: Encoding
    @_spi(EmberInternal) public var isSorted: Bool?

    @_spi(EmberInternal) public init(numValues: Int32, encoding: Encoding = .plain, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> DictionaryPageHeader {
        var numValues: Int32? = nil, encoding: Encoding? = nil, isSorted: Bool? = nil
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = try .decode(from: &r)
            case (3, _) where f.type.isBool: isSorted = try r.readBool()
            default: try r.skip(f.type)
            }
        }
        guard let numValues else { throw r.missing("DictionaryPageHeader.num_values") }
        guard let encoding else { throw r.missing("DictionaryPageHeader.encoding") }
        return DictionaryPageHeader(numValues: numValues, encoding: encoding, isSorted: isSorted)
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, numValues)
        w.writeI32Field(2, encoding.rawValue)
        w.writeBoolField(3, isSorted)
        w.exitStruct()
    }
}

@_spi(EmberInternal) public struct PageHeader: Hashable, Sendable {
    @_spi(EmberInternal) public var type: PageType
    /// Body bytes after decompression (v2: levels included).
    @_spi(EmberInternal) public var uncompressedPageSize: Int32
    /// Body bytes as stored, after this header.
    @_spi(EmberInternal) public var compressedPageSize: Int32
    @_spi(EmberInternal) public var crc: Int32?
    @_spi(EmberInternal) public var dataPageHeader: DataPageHeader?
    @_spi(EmberInternal) public var dictionaryPageHeader: DictionaryPageHeader?
    @_spi(EmberInternal) public var dataPageHeaderV2: DataPageHeaderV2?

    @_spi(EmberInternal) public init(
        type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32, crc: Int32? = nil,
        dataPageHeader: DataPageHeader? = nil, dictionaryPageHeader: DictionaryPageHeader? = nil,
        dataPageHeaderV2: DataPageHeaderV2? = nil
    ) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
        self.dataPageHeader = dataPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
        self.dataPageHeaderV2 = dataPageHeaderV2
    }

    @_spi(EmberInternal) public static func decode(from r: inout ThriftCompactReader) throws -> PageHeader {
        var type: PageType? = nil, uncompressed: Int32? = nil, compressed: Int32? = nil
        var h = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        try r.enterStruct()
        while let f = try r.nextField() {
            switch (f.id, f.type) {
            case (1, .i32): type = try .decode(from: &r)
            case (2, .i32): uncompressed = try r.readI32()
            case (3, .i32): compressed = try r.readI32()
            case (4, .i32): h.crc = try r.readI32()
            case (5, .structure): h.dataPageHeader = try .decode(from: &r)
            case (7, .structure): h.dictionaryPageHeader = try .decode(from: &r)
            case (8, .structure): h.dataPageHeaderV2 = try .decode(from: &r)
            default: try r.skip(f.type)
            }
        }
        guard let type else { throw r.missing("PageHeader.type") }
        guard let uncompressed else { throw r.missing("PageHeader.uncompressed_page_size") }
        guard let compressed else { throw r.missing("PageHeader.compressed_page_size") }
        h.type = type
        h.uncompressedPageSize = uncompressed
        h.compressedPageSize = compressed
        return h
    }

    @_spi(EmberInternal) public func encode(to w: inout ThriftCompactWriter) {
        w.enterStruct()
        w.writeI32Field(1, type.rawValue)
        w.writeI32Field(2, uncompressedPageSize)
        w.writeI32Field(3, compressedPageSize)
        w.writeI32Field(4, crc)
        if let dataPageHeader {
            w.writeFieldHeader(5, .structure)
            dataPageHeader.encode(to: &w)
        }
        if let dictionaryPageHeader {
            w.writeFieldHeader(7, .structure)
            dictionaryPageHeader.encode(to: &w)
        }
        if let dataPageHeaderV2 {
            w.writeFieldHeader(8, .structure)
            dataPageHeaderV2.encode(to: &w)
        }
        w.exitStruct()
    }
}
