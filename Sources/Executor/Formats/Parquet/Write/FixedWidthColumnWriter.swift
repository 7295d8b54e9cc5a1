// FixedWidthColumnWriter: INT32 (date), INT64 (bigint, timestamp) and DOUBLE columns. Values are
// dictionary-encoded (RLE_DICTIONARY ids, PLAIN dictionary page) until the dictionary passes
// `parquet.dictionary.page.size`, or until the first page shows that the dictionary does not pay
// (dictionary + ids ≥ PLAIN, parquet-java's check); from then on the chunk's pages are PLAIN.
// Statistics: signed order for integers, numeric order without NaN for doubles (a min of ±0 is
// written -0.0, a max of ±0 as +0.0, as the format asks).

@_spi(EmberInternal) import Planner

/// A fixed-width physical value type as the writer sees it.
protocol ParquetFixedWidthValue: Equatable {
    static var physicalType: PhysicalType { get }
    /// The column's values buffer, if it holds this type.
    static func values(of column: ColumnValues) -> [Self]?
    /// The bit pattern, the dictionary's key.
    var dictionaryKey: UInt64 { get }
    init(dictionaryKey: UInt64)
    /// Order of min/max statistics.
    static func statisticsLess(_ a: Self, _ b: Self) -> Bool
    /// Left out of min/max (NaN).
    var isUnordered: Bool { get }
    /// The min/max to write for a computed min/max (±0 adjustments for floating point).
    static func statisticsMin(_ v: Self) -> Self
    static func statisticsMax(_ v: Self) -> Self
}

extension ParquetFixedWidthValue {
    static func statisticsMin(_ v: Self) -> Self { v }
    static func statisticsMax(_ v: Self) -> Self { v }
    var isUnordered: Bool { false }
    /// The PLAIN encoding of one value (little-endian bytes).
    var plainBytes: [UInt8] { withUnsafeBytes(of: self) { Array($0) } }
}

extension Int32: ParquetFixedWidthValue {
    static var physicalType: PhysicalType { .int32 }
    static func values(of column: ColumnValues) -> [Int32]? { if case .date(let v) = column { return v } else { return nil } }
    var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
    init(dictionaryKey: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: dictionaryKey)) }
    static func statisticsLess(_ a: Int32, _ b: Int32) -> Bool { a < b }
}

extension Int64: ParquetFixedWidthValue {
    static var physicalType: PhysicalType { .int64 }
    static func values(of column: ColumnValues) -> [Int64]? {
        switch column {
        case .long(let v), .timestamp(let v): return v
        default: return nil
        }
    }
    var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
    init(dictionaryKey: UInt64) { self.init(bitPattern: dictionaryKey) }
    static func statisticsLess(_ a: Int64, _ b: Int64) -> Bool { a < b }
}

extension Double: ParquetFixedWidthValue {
    static var physicalType: PhysicalType { .double }
    static func values(of column: ColumnValues) -> [Double]? { if case .double(let v) = column { return v } else { return nil } }
    var dictionaryKey: UInt64 { bitPattern }
    init(dictionaryKey: UInt64) { self.init(bitPattern: dictionaryKey) }
    static func statisticsLess(_ a: Double, _ b: Double) -> Bool { a < b }
    var isUnordered: Bool { isNaN }
    static func statisticsMin(_ v: Double) -> Double { v == 0 ? -0.0 : v }
    static func statisticsMax(_ v: Double) -> Double { v == 0 ? 0.0 : v }
}

final class FixedWidthColumnWriter<Value: ParquetFixedWidthValue>: ParquetColumnWriter {
    let name: String
    let options: ParquetWriteOptions
    let assembler: ColumnChunkAssembler
    var physicalType: PhysicalType { Value.physicalType }
    private let values: PageValueBuffer<FixedWidthDictionary<Value>>
    private var pageStatistics = MinMax<Value>()
    private var chunkStatistics = MinMax<Value>()

    init(name: String, options: ParquetWriteOptions, assembler: ColumnChunkAssembler) {
        self.name = name
        self.options = options
        self.assembler = assembler
        self.values = PageValueBuffer(FixedWidthDictionary(), options: options)
    }

    func appendValues(_ column: ColumnVector, _ range: Range<Int>) throws {
        guard let source = Value.values(of: column.values) else {
            throw EmberError(.internal, "column '\(name)' holds \(column.dataType), not \(Value.physicalType) values")
        }
        let validity = column.validity
        source.withUnsafeBufferPointer { v in
            for i in range {
                if let validity, !validity[i] { continue }
                let value = v[i]
                if !value.isUnordered { pageStatistics.add(value, less: Value.statisticsLess) }
                if values.useDictionary {
                    values.ids.append(values.dictionary.id(of: value.dictionaryKey))
                    values.checkDictionarySize()
                } else {
                    values.plain.appendPlain(value)
                }
            }
        }
    }

    var pendingValueBytes: Int { values.pendingValueBytes }
    var pendingDictionaryBytes: Int { values.pendingDictionaryBytes }

    func flushPage() throws {
        guard assembler.pageRows > 0 else { return }
        let statistics = Self.statistics(pageStatistics)
        chunkStatistics.merge(pageStatistics, less: Value.statisticsLess)
        pageStatistics.reset()
        try values.flushPage(to: assembler, statistics: statistics)
    }

    func finishChunk() throws -> Statistics {
        try flushPage()
        try values.finishChunk(assembler)
        var result = Self.statistics(chunkStatistics)
        result.nullCount = assembler.chunkNulls
        chunkStatistics.reset()
        return result
    }

    private static func statistics(_ m: MinMax<Value>) -> Statistics {
        guard let lo = m.min, let hi = m.max else { return Statistics() }
        let minBytes = Value.statisticsMin(lo).plainBytes, maxBytes = Value.statisticsMax(hi).plainBytes
        // Signed order is these types' order, so the deprecated min/max are written as well.
        return Statistics(max: maxBytes, min: minBytes, maxValue: maxBytes, minValue: minBytes)
    }
}

extension OutputBuffer {
    /// Appends a fixed-width value's bytes (all supported platforms are little-endian).
    @inline(__always) func appendPlain<T: ParquetFixedWidthValue>(_ value: T) {
        withUnsafeBytes(of: value) { append($0) }
    }
}
