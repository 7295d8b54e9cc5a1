// ParquetColumnWriter: what every typed column writer of the Parquet writer provides, and the loop
// they share: a batch's column is taken in segments that never cross a page boundary (the page row
// limit) and a page is closed once its values reach the page size, so pages stay near
// `parquet.page.size` and `parquet.page.row.count.limit` and are flushed as they fill.

@_spi(EmberInternal) import Planner

protocol ParquetColumnWriter: AnyObject {
    /// The column's name, for errors.
    var name: String { get }
    var options: ParquetWriteOptions { get }
    var assembler: ColumnChunkAssembler { get }
    var physicalType: PhysicalType { get }
    /// Adds the non-null values among rows `range` of `column` to the current page.
    func appendValues(_ column: ColumnVector, _ range: Range<Int>) throws
    /// Bytes the current page's values will take once encoded (an estimate), and bytes held for a
    /// dictionary page not yet written.
    var pendingValueBytes: Int { get }
    var pendingDictionaryBytes: Int { get }
    /// Encodes the current page's values and hands the page to the assembler.
    func flushPage() throws
    /// Ends the chunk: the last page, then the dictionary page (if any); returns the chunk's
    /// statistics (null count included) and resets for the next row group's chunk.
    func finishChunk() throws -> Statistics
}

extension ParquetColumnWriter {
    /// Rows handled between two page-size checks: bounds how far a page can overshoot the size.
    static var segmentRows: Int { 1024 }

    /// Appends every row of `column`.
    func write(_ column: ColumnVector) throws {
        let n = column.count
        var start = 0
        while start < n {
            let room = max(1, options.pageRowLimit - assembler.pageRows)
            let end = min(n, start + min(room, Self.segmentRows))
            try assembler.addRows(validity: column.validity, start..<end, column: name)
            try appendValues(column, start..<end)
            start = end
            if assembler.pageRows >= options.pageRowLimit || pendingValueBytes + assembler.pendingLevelBytes >= options.pageBytes {
                try flushPage()
            }
        }
    }

    /// Bytes this column holds for the row group being written (pages written, the page being
    /// filled, the dictionary).
    var bufferedBytes: Int { assembler.bufferedBytes + pendingValueBytes + assembler.pendingLevelBytes + pendingDictionaryBytes }

    /// Memory this column holds: its chunk buffers' capacity and the page being filled.
    var heldBytes: Int { assembler.heldBytes + pendingValueBytes + assembler.pendingLevelBytes + pendingDictionaryBytes }
}

/// Min and max under a column's sort order, kept as typed values while writing.
struct MinMax<T> {
    private(set) var min: T? = nil
    private(set) var max: T? = nil

    @inline(__always) mutating func add(_ v: T, less: (T, T) -> Bool) {
        guard let lo = min, let hi = max else {
            min = v
            max = v
            return
        }
        if less(v, lo) { min = v }
        if less(hi, v) { max = v }
    }

    mutating func merge(_ other: MinMax<T>, less: (T, T) -> Bool) {
        if let lo = other.min { add(lo, less: less) }
        if let hi = other.max { add(hi, less: less) }
    }

    mutating func reset() {
        min = nil
        max = nil
    }
}
