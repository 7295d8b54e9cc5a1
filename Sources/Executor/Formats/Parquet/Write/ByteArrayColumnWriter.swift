// ByteArrayColumnWriter: string columns as BYTE_ARRAY (UTF8 / STRING). PLAIN is a 4-byte
// little-endian length then the bytes, per value. Dictionary encoding and its fallback work as for
// fixed-width columns, the dictionary's size being its PLAIN size. Min/max compare bytes unsigned
// and lexicographically (the format's order for BYTE_ARRAY, and UTF-8 code point order); they are
// left out for a page or chunk whose min or max is longer than `maxStatisticsBytes`, as Arrow does.

@_spi(EmberInternal) import Planner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ByteArrayColumnWriter: ParquetColumnWriter {
    let name: String
    let options: ParquetWriteOptions
    let assembler: ColumnChunkAssembler
    var physicalType: PhysicalType { .byteArray }
    /// Longest min or max value written into statistics (Arrow C++'s default, 4096 bytes).
    static let maxStatisticsBytes = 4096
    private let values: PageValueBuffer<ByteArrayDictionary>
    private var pageStatistics = ByteRangeStatistics()
    private var chunkStatistics = ByteRangeStatistics()

    init(name: String, options: ParquetWriteOptions, assembler: ColumnChunkAssembler) {
        self.name = name
        self.options = options
        self.assembler = assembler
        self.values = PageValueBuffer(ByteArrayDictionary(), options: options)
    }

    func appendValues(_ column: ColumnVector, _ range: Range<Int>) throws {
        guard case .string(let strings) = column.values else {
            throw EmberError(.internal, "column '\(name)' holds \(column.dataType), not string values")
        }
        let validity = column.validity
        strings.offsets.withUnsafeBufferPointer { offsets in
            strings.bytes.withUnsafeBytes { bytes in
                for i in range {
                    if let validity, !validity[i] { continue }
                    let value = UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
                    pageStatistics.add(value)
                    if values.useDictionary {
                        values.ids.append(values.dictionary.id(of: value))
                        values.checkDictionarySize()
                    } else {
                        values.plain.appendLittleEndian(UInt32(value.count))
                        values.plain.append(value)
                    }
                }
            }
        }
    }

    var pendingValueBytes: Int { values.pendingValueBytes }
    var pendingDictionaryBytes: Int { values.pendingDictionaryBytes }

    func flushPage() throws {
        guard assembler.pageRows > 0 else { return }
        let statistics = pageStatistics.statistics
        chunkStatistics.merge(pageStatistics)
        pageStatistics.reset()
        try values.flushPage(to: assembler, statistics: statistics)
    }

    func finishChunk() throws -> Statistics {
        try flushPage()
        try values.finishChunk(assembler)
        var result = chunkStatistics.statistics
        result.nullCount = assembler.chunkNulls
        chunkStatistics.reset()
        return result
    }
}

/// Min and max of byte strings in unsigned lexicographic order, kept as copies in reused buffers
/// (no allocation per value once the buffers are large enough).
struct ByteRangeStatistics {
    private var min: [UInt8] = []
    private var max: [UInt8] = []
    private var hasValues = false

    @inline(__always) mutating func add(_ value: UnsafeRawBufferPointer) {
        if !hasValues {
            hasValues = true
            Self.assign(&min, value)
            Self.assign(&max, value)
            return
        }
        if min.withUnsafeBytes({ Self.compare(value, $0) }) < 0 { Self.assign(&min, value) }
        if max.withUnsafeBytes({ Self.compare(value, $0) }) > 0 { Self.assign(&max, value) }
    }

    mutating func merge(_ other: ByteRangeStatistics) {
        guard other.hasValues else { return }
        other.min.withUnsafeBytes { add($0) }
        other.max.withUnsafeBytes { add($0) }
    }

    mutating func reset() {
        hasValues = false
        min.removeAll(keepingCapacity: true)
        max.removeAll(keepingCapacity: true)
    }

    /// As Parquet statistics (min_value/max_value only: the deprecated fields used signed bytes).
    var statistics: Statistics {
        guard hasValues, min.count <= ByteArrayColumnWriter.maxStatisticsBytes,
              max.count <= ByteArrayColumnWriter.maxStatisticsBytes else { return Statistics() }
        return Statistics(maxValue: max, minValue: min)
    }

    @inline(__always) private static func assign(_ target: inout [UInt8], _ value: UnsafeRawBufferPointer) {
        target.removeAll(keepingCapacity: true)
        target.append(contentsOf: value)
    }

    /// Unsigned lexicographic comparison (memcmp, then length).
    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}
