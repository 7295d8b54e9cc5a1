// ColumnChunkAssembler: builds one column chunk of the row group being written, page by page.
// The typed column writers hand it each page's values section; it adds the definition levels,
// compresses the body, writes the page header, and keeps the chunk's bookkeeping (sizes, encodings,
// page counts, statistics) for the footer.
//
//   data page v1 (body compressed as a whole):
//   ┌─────────────┬───────────────────────────────────────┬───────────────────────────────┐
//   │ PageHeader  │ u32 LE length · definition levels     │ values (PLAIN, or bit width   │
//   │ (Thrift)    │ (RLE hybrid; only for OPTIONAL)       │ byte · RLE hybrid dict ids)   │
//   └─────────────┴───────────────────────────────────────┴───────────────────────────────┘
//
//   chunk as written: [dictionary page] data page 0 · data page 1 · …

@_spi(EmberInternal) import Planner

/// Buffers every column of one file uses in turn while writing a page (a writer is single-threaded),
/// so a wide schema does not hold a page-sized scratch per column.
final class PageScratch {
    /// The uncompressed page body; levels, then compressed bodies.
    let body = OutputBuffer(capacity: 1 << 16)
    let scratch = OutputBuffer(capacity: 1 << 16)
    let compressor: PageCompressor

    init(compressor: PageCompressor) { self.compressor = compressor }
}

final class ColumnChunkAssembler {
    let optional: Bool
    private let shared: PageScratch
    private var body: OutputBuffer { shared.body }
    private var scratch: OutputBuffer { shared.scratch }
    /// Definition levels of the current page (one per row; empty for a REQUIRED column).
    private(set) var levels: [UInt8] = []
    /// Rows and nulls of the current page.
    private(set) var pageRows = 0
    private(set) var pageNulls = 0

    /// The chunk's data pages (headers and compressed bodies), in order.
    let dataPages = OutputBuffer(capacity: ColumnChunkAssembler.initialCapacity)
    static let initialCapacity = 4 << 10
    /// The chunk's dictionary page (header and compressed body), if it has one.
    private(set) var dictionaryPage: OutputBuffer? = nil
    private(set) var chunkRows: Int64 = 0
    private(set) var chunkNulls: Int64 = 0
    /// Header plus uncompressed body bytes of every page (the stored size is what reaches the file).
    private(set) var uncompressedBytes: Int64 = 0
    /// Pages written, by (page type, encoding), in first-use order.
    private(set) var pageCounts: [(type: PageType, encoding: Encoding, count: Int32)] = []

    init(optional: Bool, scratch: PageScratch) {
        self.optional = optional
        self.shared = scratch
    }

    /// Records rows `range` of a column: their definition levels, and how many are null. A column
    /// declared non-nullable (REQUIRED) must have no nulls.
    func addRows(validity: Bitmap?, _ range: Range<Int>, column: String) throws {
        pageRows += range.count
        guard optional else {
            if let validity, range.contains(where: { !validity[$0] }) {
                throw EmberError(.output, "column '\(column)' is declared non-nullable but holds a null",
                                 context: [.init("column", column)],
                                 hint: "make the field nullable in the schema, or filter the nulls out before writing")
            }
            return
        }
        if let validity {
            for i in range {
                let present = validity[i]
                levels.append(present ? 1 : 0)
                pageNulls &+= present ? 0 : 1
            }
        } else {
            levels.append(contentsOf: repeatElement(1, count: range.count))
        }
    }

    /// Bytes the current page's levels will take, estimated (1 bit per row).
    var pendingLevelBytes: Int { levels.count >> 3 }

    /// Writes the current page: `values` is its values section (not compressed), `statistics` the
    /// page's min/max. Resets the page state.
    func writeDataPage(values: UnsafeRawBufferPointer, encoding: Encoding, statistics: Statistics) throws {
        body.removeAll()
        if optional {
            scratch.removeAll()
            if pageNulls == 0 {
                RLEHybridEncoder.encodeAllPresent(count: levels.count, into: scratch)
            } else {
                levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: scratch) }
            }
            body.appendLittleEndian(UInt32(scratch.count))
            body.append(scratch.bytes)
        }
        body.append(values)
        var stats = statistics
        stats.nullCount = Int64(pageNulls)
        let header = { (uncompressed: Int32, compressed: Int32, crc: Int32) in
            PageHeader(type: .dataPage, uncompressedPageSize: uncompressed, compressedPageSize: compressed, crc: crc,
                       dataPageHeader: DataPageHeader(numValues: Int32(self.pageRows), encoding: encoding,
                                                      definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle,
                                                      statistics: stats))
        }
        try writePage(into: dataPages, header)
        count(.dataPage, encoding)
        chunkRows += Int64(pageRows)
        chunkNulls += Int64(pageNulls)
        levels.removeAll(keepingCapacity: true)
        pageRows = 0
        pageNulls = 0
    }

    /// Writes the chunk's dictionary page: `values` are its `count` entries, PLAIN-encoded.
    func writeDictionaryPage(values: UnsafeRawBufferPointer, count entries: Int) throws {
        body.removeAll()
        body.append(values)
        let page = OutputBuffer(capacity: values.count / 2 + 64)
        try writePage(into: page) { uncompressed, compressed, crc in
            PageHeader(type: .dictionaryPage, uncompressedPageSize: uncompressed, compressedPageSize: compressed, crc: crc,
                       dictionaryPageHeader: DictionaryPageHeader(numValues: Int32(entries), encoding: .plain))
        }
        dictionaryPage = page
        count(.dictionaryPage, .plain)
    }

    /// Compresses `body` and appends header and compressed body to `out`.
    private func writePage(into out: OutputBuffer, _ header: (Int32, Int32, Int32) -> PageHeader) throws {
        scratch.removeAll()
        let stored = try shared.compressor.compress(body.bytes, into: scratch)
        guard body.count <= Int(Int32.max), stored <= Int(Int32.max) else {
            throw EmberError(.output, "a Parquet page of \(body.count) bytes is too large", hint: "use a smaller parquet.page.size")
        }
        let crc = PageCompressor.crc32(scratch.bytes)
        var writer = ThriftCompactWriter()
        header(Int32(body.count), Int32(stored), Int32(bitPattern: crc)).encode(to: &writer)
        writer.bytes.withUnsafeBytes { out.append($0) }
        out.append(scratch.bytes)
        uncompressedBytes += Int64(writer.bytes.count + body.count)
    }

    private func count(_ type: PageType, _ encoding: Encoding) {
        if let i = pageCounts.firstIndex(where: { $0.type == type && $0.encoding == encoding }) {
            pageCounts[i].count += 1
        } else {
            pageCounts.append((type, encoding, 1))
        }
    }

    /// Bytes buffered for this chunk so far (written pages, compressed).
    var bufferedBytes: Int { dataPages.count + (dictionaryPage?.count ?? 0) }

    /// Memory the chunk's buffers take (their capacity, kept for the next row group's chunk).
    var heldBytes: Int { dataPages.capacity + (dictionaryPage?.capacity ?? 0) }

    /// Forgets the chunk (after it was written to the file), ready for the next row group;
    /// `releasingMemory`: the buffers shrink back to their first size.
    func reset(releasingMemory: Bool = false) {
        if releasingMemory { dataPages.removeAll(shrinkingTo: Self.initialCapacity) }
        dataPages.removeAll()
        dictionaryPage = nil
        chunkRows = 0
        chunkNulls = 0
        uncompressedBytes = 0
        pageCounts.removeAll()
    }
}
