// ColumnChunkReader: one column of one row group, read page by page into output columns. The
// chunk's bytes are a sequence of pages, each a Thrift PageHeader and its body:
//
//   [dictionary page]  data page  data page  …          (index pages, if any, are skipped)
//
//   data page v1 body (compressed as a whole):  [u32 LE length, definition levels] values
//   data page v2 body:  definition levels (uncompressed, length in the header) | values (compressed
//                       when is_compressed)
//
// Columns are flat, so a column has no repetition levels, one value slot per row, and definition
// levels only when it is OPTIONAL (width 1: 1 = present, 0 = null). `read(rows:)` hands out the
// next rows of the chunk, crossing pages as needed; every error names the file, row group, column
// and page.

@_spi(EmberInternal) import Planner

struct ColumnChunkReader {
    let column: ParquetColumn
    private let codec: CompressionCodec
    private let chunk: ParquetBuffer
    private let decompressor: PageDecompressor
    private let location: [EmberError.ContextItem]
    /// Offset of the next page header in the chunk.
    private var position = 0
    /// Rows of the row group not yet in a page read.
    private var rowsNotInPages: Int64
    private var pageIndex = -1
    private var dictionary: ParquetColumnOutput? = nil
    /// Bytes of the dictionary's longest string (0 for other types).
    private var dictionaryValueBound = 0
    // The current data page.
    private var pageBuffer: ParquetBuffer? = nil
    private var pageRowsLeft = 0
    private var levels: RLEHybridDecoder? = nil
    private var values: PageValueDecoder? = nil
    private var scratch = DecodeScratch()

    init(column: ParquetColumn, codec: CompressionCodec, chunk: ParquetBuffer, rows: Int64,
         decompressor: PageDecompressor, location: [EmberError.ContextItem]) {
        self.column = column
        self.codec = codec
        self.chunk = chunk
        self.rowsNotInPages = rows
        self.decompressor = decompressor
        self.location = location
    }

    /// Adds where the error happened, unless it already says.
    private func located(_ error: Error) -> Error {
        guard let e = error as? EmberError else { return error }
        return e.withContext(location + [.init("column", column.name),
                                         .init("page", pageIndex < 0 ? "header" : String(pageIndex))])
    }

    /// Appends the next `rows` rows of the column to `out`.
    mutating func read(rows: Int, into out: inout ParquetColumnOutput) throws {
        do {
            var left = rows
            while left > 0 {
                if pageRowsLeft == 0 { try nextDataPage() }
                let n = min(left, pageRowsLeft)
                try readFromPage(n, into: &out)
                pageRowsLeft -= n
                left -= n
            }
        } catch {
            throw located(error)
        }
    }

    /// How many of the next rows (at most the rest of the current page; 0 when not even one
    /// surely fits) to read so that they add at most about `budget` bytes to a string column: the
    /// whole rest of the page when a bound of its values' bytes fits, else a share of its rows. A
    /// dictionary's or DELTA_BYTE_ARRAY's bound is for each value, so its share never passes the
    /// budget; the bytes left in a PLAIN or DELTA_LENGTH page are a total, whose share passes it
    /// only when the page's values are uneven, and then by less than the page (< 2 GiB, by its
    /// header).
    mutating func rowsWithin(stringBytes budget: Int) throws -> Int {
        try loadPage()
        guard let values else { return pageRowsLeft }
        switch values.stringBytesBound(dictionaryValueBound: dictionaryValueBound) {
        case .total(let bytes):
            if bytes <= budget { return pageRowsLeft }
            return pageRowsLeft * max(budget, 0) / bytes
        case .perValue(let bytes):
            return min(pageRowsLeft, max(budget, 0) / max(bytes, 1))
        }
    }

    /// Starts the next data page if the current one is spent (`read` does too).
    mutating func loadPage() throws {
        do {
            if pageRowsLeft == 0 { try nextDataPage() }
        } catch {
            throw located(error)
        }
    }

    private mutating func readFromPage(_ n: Int, into out: inout ParquetColumnOutput) throws {
        guard var decoder = values else { throw EmberError(.internal, "no current Parquet page") }
        defer { values = decoder }
        guard var levelDecoder = levels else {
            try decoder.decode(n, into: &out, dictionary: dictionary, scratch: &scratch)
            out.markPresent(n)
            return
        }
        defer { levels = levelDecoder }
        if scratch.levels.count < n { scratch.levels = [UInt32](repeating: 0, count: n) }
        var levelBuffer: [UInt32] = []
        swap(&levelBuffer, &scratch.levels)
        defer { swap(&levelBuffer, &scratch.levels) }
        try levelBuffer.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let present = try levelDecoder.decodeLevels(into: base, count: n, maxLevel: 1)
            try decoder.decode(present, into: &out, dictionary: dictionary, scratch: &scratch)
            out.spread(present: present, rows: n, levels: base)
        }
    }

    /// Reads page headers until a data page, which becomes the current page.
    private mutating func nextDataPage() throws {
        while true {
            guard position < chunk.count else {
                throw parquetCorrupt("the column chunk ends with \(rowsNotInPages) of its rows not read")
            }
            pageIndex += 1
            let (header, bodyStart) = try readPageHeader()
            let size = Int(header.compressedPageSize)
            guard size >= 0, size <= chunk.count - bodyStart else {
                throw parquetCorrupt("page of \(header.compressedPageSize) bytes overruns its column chunk (\(chunk.count - bodyStart) bytes left)")
            }
            let body = bodyStart..<(bodyStart + size)
            position = body.upperBound
            switch header.type {
            case .dictionaryPage:
                try readDictionary(header, body)
            case .dataPage:
                try startPageV1(header, body)
                if pageRowsLeft > 0 { return }
            case .dataPageV2:
                try startPageV2(header, body)
                if pageRowsLeft > 0 { return }
            default:
                continue   // index pages and page types from newer writers carry no rows
            }
        }
    }

    /// Decodes the page header at `position`. Headers are short, so a small window is tried first.
    private func readPageHeader() throws -> (PageHeader, Int) {
        let left = chunk.count - position
        var window = min(left, 256)
        while true {
            let bytes = Array(UnsafeRawBufferPointer(start: chunk.pointer + position, count: window))
            var reader = ThriftCompactReader(bytes)
            do {
                let header = try PageHeader.decode(from: &reader)
                return (header, position + reader.position)
            } catch {
                if window == left { throw error }
                window = min(left, window * 8)
            }
        }
    }

    private func pageBytes(_ range: Range<Int>, uncompressedSize: Int32) throws -> ParquetBuffer {
        if codec == .uncompressed {
            guard Int(uncompressedSize) == range.count else {
                throw parquetCorrupt("uncompressed page of \(range.count) bytes claims \(uncompressedSize)")
            }
        }
        // The previous page is spent when the next is read: its buffer takes the new one.
        return try decompressor.decompress(codec, UnsafeRawBufferPointer(start: chunk.pointer + range.lowerBound, count: range.count),
                                           size: Int(uncompressedSize), reusing: pageBuffer)
    }

    private mutating func readDictionary(_ header: PageHeader, _ body: Range<Int>) throws {
        guard dictionary == nil else { throw parquetCorrupt("a second dictionary page in one column chunk") }
        guard let dict = header.dictionaryPageHeader else { throw parquetCorrupt("dictionary page without its header") }
        guard dict.encoding == .plain || dict.encoding == .plainDictionary else {
            throw EmberError(.input, "dictionary pages encoded \(dict.encoding) are not supported")
        }
        guard dict.numValues >= 0 else { throw parquetCorrupt("dictionary of \(dict.numValues) values") }
        let bytes = try pageBytes(body, uncompressedSize: header.uncompressedPageSize)
        var decoder = try PageValueDecoder(encoding: .plain, column: column, values: bytes.cursor(0..<bytes.count))
        // Room for every entry the page's bytes can hold (a corrupt count cannot ask for more).
        let width = max(PageValueDecoder.fixedWidth(column), column.physicalType == .byteArray ? 4 : 1)
        let entries = min(Int(dict.numValues), bytes.count / width + 1)
        var output = ParquetColumnOutput(kind: ScanKind(column.dataType) ?? .string, capacity: column.physicalType == .byteArray ? 0 : entries)
        var left = Int(dict.numValues)
        while left > 0 {   // in steps, so a corrupt count fails on missing bytes before it allocates
            let n = min(left, 4096)
            try decoder.decode(n, into: &output, dictionary: nil, scratch: &scratch)
            left -= n
        }
        if output.kind == .string {
            let strings = output.strings
            dictionaryValueBound = (0..<strings.count).reduce(0) { max($0, strings.length(at: $1)) }
        }
        output.dictionaryId = StringDictionary.newId()
        dictionary = output
    }

    private mutating func startPageV1(_ header: PageHeader, _ body: Range<Int>) throws {
        guard let data = header.dataPageHeader else { throw parquetCorrupt("data page without its header") }
        let buffer = try pageBytes(body, uncompressedSize: header.uncompressedPageSize)
        var cursor = buffer.cursor(0..<buffer.count)
        var levelDecoder: RLEHybridDecoder? = nil
        if column.maxDefinitionLevel > 0 {
            guard data.definitionLevelEncoding == .rle else {
                throw EmberError(.input, "definition levels encoded \(data.definitionLevelEncoding) are not supported")
            }
            let length = Int(try cursor.readUInt32LE())
            levelDecoder = try RLEHybridDecoder(try cursor.split(length, "definition levels"), bitWidth: 1)
        }
        try startPage(rows: Int64(data.numValues), encoding: data.encoding, buffer: buffer, levels: levelDecoder, values: cursor)
    }

    private mutating func startPageV2(_ header: PageHeader, _ body: Range<Int>) throws {
        guard let data = header.dataPageHeaderV2 else { throw parquetCorrupt("data page v2 without its header") }
        let repetition = Int(data.repetitionLevelsByteLength), definition = Int(data.definitionLevelsByteLength)
        guard repetition >= 0, definition >= 0, repetition + definition <= body.count,
              repetition + definition <= Int(header.uncompressedPageSize) else {
            throw parquetCorrupt("level lengths \(repetition) + \(definition) exceed the page's \(body.count) bytes")
        }
        let valuesStart = body.lowerBound + repetition + definition
        let valueSize = Int(header.uncompressedPageSize) - repetition - definition
        let buffer: ParquetBuffer
        if data.isCompressed ?? true {
            buffer = try pageBytes(valuesStart..<body.upperBound, uncompressedSize: Int32(valueSize))
        } else {
            buffer = try decompressor.decompress(.uncompressed, UnsafeRawBufferPointer(start: chunk.pointer + valuesStart,
                                                                                       count: body.upperBound - valuesStart),
                                                 size: valueSize, reusing: pageBuffer)
        }
        var levelDecoder: RLEHybridDecoder? = nil
        if column.maxDefinitionLevel > 0 {
            let start = body.lowerBound + repetition
            levelDecoder = try RLEHybridDecoder(chunk.cursor(start..<(start + definition)), bitWidth: 1)
        }
        try startPage(rows: Int64(data.numValues), encoding: data.encoding, buffer: buffer, levels: levelDecoder,
                      values: buffer.cursor(0..<buffer.count))
    }

    private mutating func startPage(rows: Int64, encoding: Encoding, buffer: ParquetBuffer, levels: RLEHybridDecoder?,
                                    values: ByteCursor) throws {
        guard rows >= 0, rows <= rowsNotInPages else {
            throw parquetCorrupt("page of \(rows) values where the row group has \(rowsNotInPages) rows left")
        }
        self.values = try PageValueDecoder(encoding: encoding, column: column, values: values)
        if self.values?.isDictionaryEncoded == true && dictionary == nil {
            throw parquetCorrupt("dictionary-encoded page without a dictionary page")
        }
        self.levels = levels
        pageBuffer = buffer
        pageRowsLeft = Int(rows)
        rowsNotInPages -= rows
    }
}
