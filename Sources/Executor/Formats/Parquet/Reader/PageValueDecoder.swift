// PageValueDecoder: the values section of one data page (or a dictionary page), in whichever
// encoding the page names, decoded n values at a time into an output column:
//
//   PLAIN                    fixed-width values back to back; BYTE_ARRAY as <u32 LE length><bytes>;
//                            BOOLEAN bit-packed, LSB first
//   RLE                      BOOLEAN only: <u32 LE length> RLE/bit-packed hybrid of width 1
//   PLAIN_/RLE_DICTIONARY    <bit width byte> RLE/bit-packed hybrid of dictionary ids
//   DELTA_BINARY_PACKED      INT32, INT64
//   DELTA_LENGTH_BYTE_ARRAY  BYTE_ARRAY
//   DELTA_BYTE_ARRAY         BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
//   BYTE_STREAM_SPLIT        FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY: byte k of value i
//                            at k·N + i, for the page's N values
//
// Only present (non-null) values are encoded; the column reader spreads them over the rows.

@_spi(EmberInternal) import Planner

/// Buffers reused across pages and batches of one column.
struct DecodeScratch {
    var levels: [UInt32] = []
    var ids: [UInt32] = []
    var longs: [Int64] = []
    var raw: [UInt8] = []
    var bytes = StringArray()
}

struct PageValueDecoder {
    private enum Source {
        case plain(ByteCursor)
        case plainBooleans(ByteCursor, bit: Int)
        case rleBooleans(RLEHybridDecoder)
        case dictionary(RLEHybridDecoder)
        case delta(DeltaBinaryPackedDecoder)
        case deltaLength(DeltaLengthByteArrayDecoder)
        case deltaByteArray(DeltaByteArrayDecoder)
        case byteStreamSplit(ByteCursor, valueCount: Int, next: Int)
    }

    private var source: Source
    private let column: ParquetColumn

    init(encoding: Encoding, column: ParquetColumn, values: ByteCursor) throws {
        self.column = column
        let physical = column.physicalType
        let unsupported = { EmberError(.input, "Parquet encoding \(encoding) is not supported for \(physical) values",
                                       hint: "rewrite the file with PLAIN or dictionary encoding") }
        switch encoding {
        case .plain:
            source = physical == .boolean ? .plainBooleans(values, bit: 0) : .plain(values)
        case .plainDictionary, .rleDictionary:
            var c = values
            let width = c.remaining == 0 ? 0 : Int(try c.readByte())
            source = .dictionary(try RLEHybridDecoder(c, bitWidth: width))
        case .rle:
            guard physical == .boolean else { throw unsupported() }
            var c = values
            let length = Int(try c.readUInt32LE())
            source = .rleBooleans(try RLEHybridDecoder(try c.split(length, "RLE boolean values"), bitWidth: 1))
        case .deltaBinaryPacked:
            guard physical == .int32 || physical == .int64 else { throw unsupported() }
            source = .delta(try DeltaBinaryPackedDecoder(values))
        case .deltaLengthByteArray:
            guard physical == .byteArray else { throw unsupported() }
            source = .deltaLength(try DeltaLengthByteArrayDecoder(values))
        case .deltaByteArray:
            guard physical == .byteArray || physical == .fixedLenByteArray else { throw unsupported() }
            source = .deltaByteArray(try DeltaByteArrayDecoder(values))
        case .byteStreamSplit:
            let width = Self.fixedWidth(column)
            guard width > 0, physical != .int96 else { throw unsupported() }
            guard values.remaining % width == 0 else {
                throw parquetCorrupt("BYTE_STREAM_SPLIT section of \(values.remaining) bytes is not a multiple of \(width)")
            }
            source = .byteStreamSplit(values, valueCount: values.remaining / width, next: 0)
        default:
            throw unsupported()
        }
    }

    /// Bytes per value of a fixed-width physical type (0 for BOOLEAN and BYTE_ARRAY).
    static func fixedWidth(_ column: ParquetColumn) -> Int {
        switch column.physicalType {
        case .int32, .float: return 4
        case .int64, .double: return 8
        case .int96, .fixedLenByteArray: return column.typeLength
        default: return 0
        }
    }

    var isDictionaryEncoded: Bool {
        if case .dictionary = source { return true }
        return false
    }

    /// A bound on the bytes the page's values not decoded yet make as strings.
    enum StringBytesBound {
        /// All of them together: the bytes left in the page.
        case total(Int)
        /// Each of them.
        case perValue(Int)
    }

    /// The bound for this page's encoding; `dictionaryValueBound`: the longest dictionary entry.
    func stringBytesBound(dictionaryValueBound: Int) -> StringBytesBound {
        switch source {
        case .dictionary: return .perValue(dictionaryValueBound)
        case .plain(let c): return .total(c.remaining)
        case .deltaLength(let decoder): return .total(decoder.remainingBytes)
        case .deltaByteArray(let decoder): return .perValue(decoder.valueLengthBound)
        case .byteStreamSplit(let c, _, _): return .total(c.remaining)
        case .plainBooleans, .rleBooleans, .delta: return .perValue(0)
        }
    }

    /// Decodes the next `n` present values and appends them to `out`.
    mutating func decode(_ n: Int, into out: inout ParquetColumnOutput, dictionary: ParquetColumnOutput?,
                         scratch: inout DecodeScratch) throws {
        guard n > 0 else { return }
        switch source {
        case .dictionary(var ids):
            guard let dictionary else { throw parquetCorrupt("dictionary-encoded page without a dictionary page") }
            defer { source = .dictionary(ids) }
            try out.gather(from: dictionary, decoding: &ids, count: n, scratch: &scratch.ids)
        case .plainBooleans(var c, let bit):
            guard n <= c.remaining * 8 - bit else { throw parquetCorrupt("\(n) booleans in \(c.remaining) bytes") }
            for i in 0..<n {
                let b = bit + i
                out.bools.append((c.current.load(fromByteOffset: b >> 3, as: UInt8.self) >> UInt8(b & 7)) & 1 == 1)
            }
            let end = bit + n
            _ = try c.take(end >> 3, "boolean values")
            source = .plainBooleans(c, bit: end & 7)
        case .rleBooleans(var rle):
            if scratch.ids.count < n { scratch.ids = [UInt32](repeating: 0, count: n) }
            try scratch.ids.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                try rle.decode(into: base, count: n)
                for i in 0..<n { out.bools.append(base[i] != 0) }
            }
            source = .rleBooleans(rle)
        case .plain(var c):
            if column.physicalType == .byteArray {
                try decodePlainByteArrays(&c, n, into: &out, scratch: &scratch)
            } else {
                let width = Self.fixedWidth(column)
                let p = try c.take(n * width, "\(n) values")
                try ParquetValueConversion.appendFixed(p, count: n, column: column, into: &out)
            }
            source = .plain(c)
        case .delta(var delta):
            try decodeDelta(&delta, n, into: &out, scratch: &scratch)
            source = .delta(delta)
        case .deltaLength(var decoder):
            try decodeByteArrays(n, into: &out, scratch: &scratch) { try decoder.decode(count: n, into: &$0, scratch: &$1) }
            source = .deltaLength(decoder)
        case .deltaByteArray(var decoder):
            try decodeByteArrays(n, into: &out, scratch: &scratch) { try decoder.decode(count: n, into: &$0, scratch: &$1) }
            source = .deltaByteArray(decoder)
        case .byteStreamSplit(let c, let count, let next):
            guard n <= count - next else { throw parquetCorrupt("BYTE_STREAM_SPLIT holds \(count - next) more values, \(n) needed") }
            let width = Self.fixedWidth(column)
            if scratch.raw.count < n * width { scratch.raw = [UInt8](repeating: 0, count: n * width) }
            try scratch.raw.withUnsafeMutableBytes { raw in
                guard let dst = raw.baseAddress else { return }
                let src = c.current
                for k in 0..<width {
                    let stream = src + k * count + next
                    for i in 0..<n { dst.storeBytes(of: stream.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i * width + k, as: UInt8.self) }
                }
                try ParquetValueConversion.appendFixed(UnsafeRawPointer(dst), count: n, column: column, into: &out)
            }
            source = .byteStreamSplit(c, valueCount: count, next: next + n)
        }
    }

    private func decodePlainByteArrays(_ c: inout ByteCursor, _ n: Int, into out: inout ParquetColumnOutput,
                                       scratch: inout DecodeScratch) throws {
        try decodeByteArrays(n, into: &out, scratch: &scratch) { strings, _ in
            for _ in 0..<n {
                let length = Int(try c.readUInt32LE())
                let p = try c.take(length, "a byte array value")
                guard strings.bytes.count + length <= Int(Int32.max) else {
                    throw parquetCorrupt("string values exceed 2 GiB in one batch")
                }
                strings.append(bytes: UnsafeRawBufferPointer(start: p, count: length))
            }
        }
    }

    /// Byte arrays go straight into a string column, or through scratch for other conversions.
    private func decodeByteArrays(_ n: Int, into out: inout ParquetColumnOutput, scratch: inout DecodeScratch,
                                  _ body: (inout StringArray, inout [Int64]) throws -> Void) throws {
        if column.conversion == .string {
            try body(&out.strings, &scratch.longs)
        } else {
            var values = StringArray()
            swap(&values, &scratch.bytes)
            values.offsets.removeAll(keepingCapacity: true)
            values.offsets.append(0)
            values.bytes.removeAll(keepingCapacity: true)
            defer { swap(&values, &scratch.bytes) }
            try body(&values, &scratch.longs)
            try ParquetValueConversion.appendByteArrays(values, column: column, into: &out, raw: &scratch.raw)
        }
    }

    private func decodeDelta(_ delta: inout DeltaBinaryPackedDecoder, _ n: Int, into out: inout ParquetColumnOutput,
                             scratch: inout DecodeScratch) throws {
        if scratch.longs.count < n { scratch.longs = [Int64](repeating: 0, count: n) }
        try scratch.longs.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try delta.decode(into: base, count: n)
            if column.physicalType == .int32 {
                // Narrow in place: the low 32 bits are the INT32 values.
                let narrow = UnsafeMutableRawPointer(base)
                for i in 0..<n { narrow.storeBytes(of: Int32(truncatingIfNeeded: base[i]), toByteOffset: 4 * i, as: Int32.self) }
            }
            try ParquetValueConversion.appendFixed(UnsafeRawPointer(base), count: n, column: column, into: &out)
        }
    }
}
