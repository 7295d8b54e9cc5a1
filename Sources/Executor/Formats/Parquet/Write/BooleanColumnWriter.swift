// BooleanColumnWriter: BOOLEAN columns, always PLAIN (one bit per value, LSB first, as
// parquet-java's v1 writer does; dictionaries do not pay for two values). Statistics order:
// false < true.

@_spi(EmberInternal) import Planner

final class BooleanColumnWriter: ParquetColumnWriter {
    let name: String
    let options: ParquetWriteOptions
    let assembler: ColumnChunkAssembler
    var physicalType: PhysicalType { .boolean }
    /// The current page's packed bytes, and the bits not yet making a whole byte.
    private let packed = OutputBuffer(capacity: 1 << 10)
    private var pendingBits: UInt8 = 0
    private var pendingBitCount = 0
    /// Which values the current page and the chunk have seen.
    private var page: (sawFalse: Bool, sawTrue: Bool) = (false, false)
    private var chunk: (sawFalse: Bool, sawTrue: Bool) = (false, false)

    init(name: String, options: ParquetWriteOptions, assembler: ColumnChunkAssembler) {
        self.name = name
        self.options = options
        self.assembler = assembler
    }

    func appendValues(_ column: ColumnVector, _ range: Range<Int>) throws {
        guard case .boolean(let source) = column.values else {
            throw EmberError(.internal, "column '\(name)' holds \(column.dataType), not boolean values")
        }
        let validity = column.validity
        source.withUnsafeBufferPointer { v in
            for i in range {
                if let validity, !validity[i] { continue }
                let bit = v[i]
                if bit { page.sawTrue = true } else { page.sawFalse = true }
                pendingBits |= (bit ? 1 : 0) << UInt8(pendingBitCount)
                pendingBitCount += 1
                if pendingBitCount == 8 {
                    packed.append(pendingBits)
                    pendingBits = 0
                    pendingBitCount = 0
                }
            }
        }
    }

    var pendingValueBytes: Int { packed.count }
    var pendingDictionaryBytes: Int { 0 }

    func flushPage() throws {
        guard assembler.pageRows > 0 else { return }
        if pendingBitCount > 0 { packed.append(pendingBits) }
        pendingBits = 0
        pendingBitCount = 0
        let statistics = Self.statistics(page)
        chunk.sawFalse = chunk.sawFalse || page.sawFalse
        chunk.sawTrue = chunk.sawTrue || page.sawTrue
        page = (false, false)
        try assembler.writeDataPage(values: packed.bytes, encoding: .plain, statistics: statistics)
        packed.removeAll()
    }

    func finishChunk() throws -> Statistics {
        try flushPage()
        var result = Self.statistics(chunk)
        result.nullCount = assembler.chunkNulls
        chunk = (false, false)
        return result
    }

    private static func statistics(_ seen: (sawFalse: Bool, sawTrue: Bool)) -> Statistics {
        guard seen.sawFalse || seen.sawTrue else { return Statistics() }
        let minBytes: [UInt8] = [seen.sawFalse ? 0 : 1], maxBytes: [UInt8] = [seen.sawTrue ? 1 : 0]
        return Statistics(max: maxBytes, min: minBytes, maxValue: maxBytes, minValue: minBytes)
    }
}
