// BatchCodec: the wire format of one ColumnarBatch inside shuffle (and, later, spill) files.
// Raw little-endian column buffers copied in bulk; decoding checks every count, length and offset
// against the buffer and the expected schema, and throws on garbage instead of trapping.

@_spi(EmberInternal) import Planner

#if !_endian(little)
#error("BatchCodec copies column buffers as raw little-endian bytes; add byte swapping for big-endian hosts")
#endif

/// Encodes and decodes ``ColumnarBatch`` values as self-delimiting byte records.
///
/// One encoded batch (all integers little-endian):
///
/// ```
///  0        4          8          12                20
///  ┌────────┬──────────┬──────────┬─────────────────┬──────────┬──────────┬─────┐
///  │ magic  │ numRows  │ numCols  │ bodyLength      │ column 0 │ column 1 │ …   │
///  │ u32    │ u32      │ u32      │ u64 (bytes from │          │          │     │
///  │ "EBT1" │          │          │ offset 20 on)   │          │          │     │
///  └────────┴──────────┴──────────┴─────────────────┴──────────┴──────────┴─────┘
/// ```
///
/// One column (a list column nests its child column recursively):
///
/// ```
///  ┌──────┬───────┬───────────┬──────────────────────────┬──────────────────────────┐
///  │ tag  │ flags │ count u32 │ validity, if flags bit 0 │ values (layout by tag)   │
///  │ u8   │ u8    │ (values)  │ ⌈count/64⌉ × u64 words,  │                          │
///  │      │       │           │ bit set = not null       │                          │
///  └──────┴───────┴───────────┴──────────────────────────┴──────────────────────────┘
///
///  tag 1 long, 6 timestamp   count × i64
///  tag 2 double              count × f64 (IEEE-754 bit patterns)
///  tag 3 boolean             count × u8, each 0 or 1
///  tag 5 date                count × i32
///  tag 4 string              (count + 1) × i32 offsets (0, …, n) │ n UTF-8 bytes
///  tag 7 list                (count + 1) × i32 offsets (0, …, n) │ child column with count n
///  tag 8 packed integers     a bigint, timestamp or date column as base + narrow offsets, and
///  tag 9 packed decimals     a double column as scaled integers (ColumnPacking: its header, then
///                            count × width bytes); a reader takes them where it expects the type
/// ```
///
/// A batch whose magic is "EBR1" instead holds a Partial aggregate's raw rows (its keys and its
/// aggregates' inputs, not the shuffle's schema); only a reader told their schema decodes them.
///
/// Offsets always start at 0 and never decrease; bits of the last validity word past `count` are 0.
/// A top-level column's count equals `numRows`. `bodyLength` lets a reader skip a batch (to count
/// rows) without decoding it. The codec carries no schema: the reader supplies the expected one and
/// every column tag must match it.
@_spi(EmberInternal) public enum BatchCodec {
    /// "EBT1" as a little-endian u32: the first four bytes of every encoded batch.
    @_spi(EmberInternal) public static let magic: UInt32 = 0x3154_4245
    /// "EBR1": the first four bytes of a batch of raw rows that a Partial aggregate passed through
    /// (keys ++ its aggregates' inputs, RawRowsLayout), which the reducer turns into one-row
    /// partial buffers as it reads them. Laid out as any batch; only the magic and schema differ.
    @_spi(EmberInternal) public static let rawRowsMagic: UInt32 = 0x3152_4245
    /// Bytes before the first column.
    @_spi(EmberInternal) public static let headerSize = 20

    enum Tag: UInt8 {
        case long = 1, double = 2, boolean = 3, string = 4, date = 5, timestamp = 6, list = 7
        case packedIntegers = 8, packedDecimals = 9

        init(_ type: DataType) {
            switch type {
            case .long: self = .long
            case .double: self = .double
            case .boolean: self = .boolean
            case .string: self = .string
            case .date: self = .date
            case .timestamp: self = .timestamp
            case .array: self = .list
            }
        }
    }

    static let hasValidityFlag: UInt8 = 1

    // MARK: - Encoding

    /// Appends one encoded batch to `out`. Every column must hold `batch.numRows` values, and counts
    /// must fit in a u32 (they do for Int32-offset columns); violating that is a caller bug.
    @_spi(EmberInternal) public static func encode(_ batch: ColumnarBatch, into out: inout [UInt8]) {
        precondition(batch.numRows >= 0 && batch.numRows <= Int(UInt32.max), "batch too large to encode")
        let start = out.count
        appendLE(magic, to: &out)
        appendLE(UInt32(batch.numRows), to: &out)
        appendLE(UInt32(batch.columns.count), to: &out)
        appendLE(UInt64(0), to: &out)  // bodyLength, patched below
        for column in batch.columns {
            precondition(column.count == batch.numRows, "column length differs from the batch's row count")
            encodeColumn(column, into: &out)
        }
        let bodyLength = UInt64(out.count - start - headerSize)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: bodyLength.littleEndian, toByteOffset: start + 12, as: UInt64.self)
        }
    }

    static func encodeColumn(_ column: ColumnVector, into out: inout [UInt8]) {
        let n = column.count
        let tag = Tag(column.dataType)
        let packing = packingPlan(column.values)
        out.append(packing == nil ? tag.rawValue : (packing!.scale == nil ? Tag.packedIntegers : Tag.packedDecimals).rawValue)
        out.append(column.validity == nil ? 0 : hasValidityFlag)
        appendLE(UInt32(n), to: &out)
        if let validity = column.validity { appendValidity(validity, count: n, to: &out) }
        if let plan = packing {
            appendPacked(column, plan: plan, logicalTag: tag.rawValue, to: &out)
            return
        }
        switch column.values {
        case .long(let v), .timestamp(let v): appendRaw(v, to: &out)
        case .double(let v): appendRaw(v, to: &out)
        case .date(let v): appendRaw(v, to: &out)
        case .boolean(let v): appendRaw(v, to: &out)  // a Bool is stored as one byte, 0 or 1
        case .string(let s):
            let first = Int(s.offsets[0]), last = Int(s.offsets[n])
            appendOffsets(s.offsets, count: n, to: &out)
            s.bytes.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[first..<last])) }
        case .list(let offsets, let child):
            let first = Int(offsets[0]), last = Int(offsets[n])
            appendOffsets(offsets, count: n, to: &out)
            // Children outside [first, last) are not referenced: encode only the referenced slice.
            if first == 0 && last == child.count {
                encodeColumn(child, into: &out)
            } else {
                encodeColumn(child.slice(first..<last), into: &out)
            }
        }
    }

    /// How a fixed-width column packs (ColumnPacking), or nil to write it raw.
    static func packingPlan(_ values: ColumnValues) -> ColumnPacking.Plan? {
        let column = ColumnVector(values)
        guard column.count >= ColumnPacking.minimumCount else { return nil }
        return withRawValues(values) { ColumnPacking.plan(column.dataType, $0.baseAddress!, count: column.count) }
    }

    /// The raw bytes of a fixed-width column's values (nil for strings and lists).
    static func withRawValues<R>(_ values: ColumnValues, _ body: (UnsafeRawBufferPointer) -> R?) -> R? {
        switch values {
        case .long(let v), .timestamp(let v): return v.withUnsafeBytes(body)
        case .date(let v): return v.withUnsafeBytes(body)
        case .double(let v): return v.withUnsafeBytes(body)
        default: return nil
        }
    }

    static func appendPacked(_ column: ColumnVector, plan: ColumnPacking.Plan, logicalTag: UInt8, to out: inout [UInt8]) {
        let count = column.count
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: ColumnPacking.headerSize + count * plan.width))
        _ = withRawValues(column.values) { raw -> Void? in
            out.withUnsafeMutableBytes { o in
                ColumnPacking.writeHeader(plan, logicalTag: logicalTag, to: o.baseAddress! + start)
                _ = ColumnPacking.pack(raw.baseAddress!, count: count, stride: raw.count / count, plan: plan,
                                       into: o.baseAddress! + start + ColumnPacking.headerSize)
            }
        }
    }

    @inline(__always)
    static func appendLE<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Bulk copy of a buffer of plain values (memcpy).
    @inline(__always)
    static func appendRaw<T: BitwiseCopyable>(_ values: [T], to out: inout [UInt8]) {
        values.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// Offsets rebased to start at 0 (bulk copy when they already do).
    static func appendOffsets(_ offsets: [Int32], count n: Int, to out: inout [UInt8]) {
        let base = offsets[0]
        if base == 0 {
            offsets.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<((n + 1) * 4)])) }
        } else {
            for i in 0...n { appendLE(offsets[i] &- base, to: &out) }
        }
    }

    /// ⌈count/64⌉ words with the bits past `count` cleared (missing words read as "not null").
    static func appendValidity(_ bits: Bitmap, count n: Int, to out: inout [UInt8]) {
        let wordCount = (n + 63) >> 6
        guard wordCount > 0 else { return }
        let tailBits = n & 63
        if bits.words.count >= wordCount && (tailBits == 0 || bits.words[wordCount - 1] >> UInt64(tailBits) == 0) {
            bits.words.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<(wordCount * 8)])) }
            return
        }
        for w in 0..<wordCount {
            var word: UInt64 = w < bits.words.count ? bits.words[w] : ~0
            if w == wordCount - 1 && tailBits != 0 { word &= (1 << UInt64(tailBits)) &- 1 }
            appendLE(word, to: &out)
        }
    }

    // MARK: - Decoding

    /// Decodes the batch that starts at `offset` and advances `offset` past it. The batch gets
    /// `schema`; its column count and every column's type must match it. Throws an
    /// ``EmberError`` (code `.execution`, message starting "corrupt batch") on malformed input,
    /// including a batch whose magic is not `magic` (raw rows are decoded only where asked for).
    @_spi(EmberInternal) public static func decode(_ bytes: UnsafeRawBufferPointer, offset: inout Int, schema: StructType, magic expected: UInt32 = magic) throws -> ColumnarBatch {
        var cursor = try ByteCursor(bytes, at: offset)
        let (numRows, numCols, end) = try readHeader(&cursor, accepting: expected)
        guard numCols == schema.count else {
            throw corrupt("batch has \(numCols) columns, the schema \(schema.count)", at: offset)
        }
        cursor.end = end
        var columns: [ColumnVector] = []
        columns.reserveCapacity(numCols)
        for field in schema.fields {
            columns.append(try decodeColumn(&cursor, type: field.dataType, count: numRows))
        }
        guard cursor.pos == end else {
            throw corrupt("batch body has \(end - cursor.pos) unread bytes", at: cursor.pos)
        }
        offset = end
        return ColumnarBatch(schema: schema, columns: columns, numRows: numRows)
    }

    /// Whether the batch at `offset` holds raw rows (its magic is ``rawRowsMagic``); its header is
    /// checked when it is decoded.
    @_spi(EmberInternal) public static func holdsRawRows(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, bytes.count - offset >= 4 else { return false }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) == rawRowsMagic
    }

    /// Reads the header of the batch at `offset`, checks that its body lies inside `bytes`, and
    /// advances `offset` past the batch without decoding it. Returns its row count.
    @_spi(EmberInternal) public static func skip(_ bytes: UnsafeRawBufferPointer, offset: inout Int) throws -> Int {
        var cursor = try ByteCursor(bytes, at: offset)
        let (numRows, _, end) = try readHeader(&cursor, accepting: rawRowsMagic)
        offset = end
        return numRows
    }

    /// Checks the header (the magic is ``magic`` or `also`) and returns where the body ends.
    static func readHeader(_ cursor: inout ByteCursor, accepting also: UInt32) throws -> (rows: Int, cols: Int, end: Int) {
        let at = cursor.pos
        guard cursor.remaining >= headerSize else { throw corrupt("truncated batch header", at: at) }
        let m = try cursor.u32()
        guard m == magic || m == also else { throw corrupt("bad batch magic 0x\(String(m, radix: 16))", at: at) }
        let rows = Int(try cursor.u32())
        let cols = Int(try cursor.u32())
        let bodyLength = try cursor.u64()
        guard bodyLength <= UInt64(cursor.remaining) else {
            throw corrupt("batch body of \(bodyLength) bytes overruns the buffer (\(cursor.remaining) left)", at: at)
        }
        return (rows, cols, cursor.pos + Int(bodyLength))
    }

    static func decodeColumn(_ cursor: inout ByteCursor, type: DataType, count expected: Int) throws -> ColumnVector {
        let at = cursor.pos
        let tagByte = try cursor.u8()
        let flags = try cursor.u8()
        let count = Int(try cursor.u32())
        let packed = tagByte == Tag.packedIntegers.rawValue || tagByte == Tag.packedDecimals.rawValue
        guard tagByte == Tag(type).rawValue || packed else {
            throw corrupt("column tag \(tagByte) does not match the expected type \(type)", at: at)
        }
        guard flags & ~hasValidityFlag == 0 else { throw corrupt("unknown column flags \(flags)", at: at) }
        guard count == expected else { throw corrupt("column holds \(count) values, expected \(expected)", at: at) }

        var validity: Bitmap? = nil
        if flags & hasValidityFlag != 0 {
            let words: [UInt64] = try cursor.array(count: (count + 63) >> 6)
            if count & 63 != 0, words[words.count - 1] >> UInt64(count & 63) != 0 {
                throw corrupt("validity bits set past the column's end", at: at)
            }
            validity = Bitmap(words: words, count: count)
        }

        if packed {
            return ColumnVector(try decodePacked(&cursor, tag: tagByte, type: type, count: count), validity: validity)
        }
        let values: ColumnValues
        switch type {
        case .long: values = .long(try cursor.array(count: count))
        case .timestamp: values = .timestamp(try cursor.array(count: count))
        case .double: values = .double(try cursor.array(count: count))
        case .date: values = .date(try cursor.array(count: count))
        case .boolean:
            let raw = try cursor.take(count)
            var ored: UInt8 = 0
            for b in raw { ored |= b }
            guard ored <= 1 else { throw corrupt("boolean byte other than 0 or 1", at: at) }
            // Every byte is 0 or 1, the representation of Bool: copy them in bulk.
            values = .boolean([Bool](unsafeUninitializedCapacity: count) { buf, initialized in
                if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: count) }
                initialized = count
            })
        case .string:
            let offsets = try readOffsets(&cursor, count: count)
            let bytes: [UInt8] = try cursor.array(count: Int(offsets[count]))
            values = .string(StringArray(offsets: offsets, bytes: bytes))
        case .array(let element):
            let offsets = try readOffsets(&cursor, count: count)
            let child = try decodeColumn(&cursor, type: element, count: Int(offsets[count]))
            values = .list(offsets: offsets, child: child)
        }
        return ColumnVector(values, validity: validity)
    }

    /// The values of a packed column (tag 8 or 9), checked against the type the reader expects.
    static func decodePacked(_ cursor: inout ByteCursor, tag: UInt8, type: DataType, count: Int) throws -> ColumnValues {
        let at = cursor.pos
        let header = try cursor.take(ColumnPacking.headerSize)
        let first = header[0], width = Int(header[1])
        let base = Int64(littleEndian: header.loadUnaligned(fromByteOffset: 2, as: Int64.self))
        guard width == 1 || width == 2 || width == 4 else { throw corrupt("packed column of width \(width)", at: at) }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw corrupt("length overflow", at: at) }
        let packed = try cursor.take(byteCount)
        let bytes = packed.baseAddress ?? header.baseAddress!
        if tag == Tag.packedDecimals.rawValue {
            guard case .double = type, Int(first) < ColumnPacking.powersOfTen.count else {
                throw corrupt("packed decimals of scale \(first) where \(type) is expected", at: at)
            }
            return .double(ColumnPacking.unpackDecimals(bytes, count: count, width: width, base: base, scale: Int(first)))
        }
        guard first == Tag(type).rawValue else {
            throw corrupt("packed integers of tag \(first) where \(type) is expected", at: at)
        }
        switch type {
        case .long: return .long(ColumnPacking.unpackIntegers(bytes, count: count, width: width, base: base))
        case .timestamp: return .timestamp(ColumnPacking.unpackIntegers(bytes, count: count, width: width, base: base))
        case .date: return .date(ColumnPacking.unpackDates(bytes, count: count, width: width, base: base))
        default: throw corrupt("packed integers where \(type) is expected", at: at)
        }
    }

    /// count + 1 offsets, first 0, non-decreasing (so all of them are in 0...last).
    static func readOffsets(_ cursor: inout ByteCursor, count: Int) throws -> [Int32] {
        let at = cursor.pos
        let offsets: [Int32] = try cursor.array(count: count + 1)
        var decreasing = false
        offsets.withUnsafeBufferPointer { o in
            for i in 0..<count where o[i + 1] < o[i] { decreasing = true }
        }
        guard offsets[0] == 0, !decreasing else { throw corrupt("offsets do not start at 0 or decrease", at: at) }
        return offsets
    }

    static func corrupt(_ message: String, at offset: Int) -> EmberError {
        EmberError(.execution, "corrupt batch: \(message)", context: [.init("offset", String(offset))],
                   hint: "the encoded bytes were damaged or written with another schema")
    }
}

/// A bounds-checked read position in a byte buffer: every read is checked against `end` first.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var pos: Int
    var end: Int

    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard offset >= 0 && offset <= bytes.count else {
            throw BatchCodec.corrupt("offset outside the buffer of \(bytes.count) bytes", at: offset)
        }
        self.bytes = bytes
        pos = offset
        end = bytes.count
    }

    var remaining: Int { end - pos }

    mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0 && n <= end - pos else {
            throw BatchCodec.corrupt("needs \(n) bytes, \(end - pos) left", at: pos)
        }
        defer { pos += n }
        return UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + n)])
    }

    mutating func u8() throws -> UInt8 { try take(1)[0] }
    mutating func u32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func u64() throws -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }

    /// `count` plain values copied in bulk (memcpy) into a new array. The length is checked
    /// against the buffer before anything is allocated.
    mutating func array<T: BitwiseCopyable>(count: Int) throws -> [T] {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw BatchCodec.corrupt("length overflow", at: pos) }
        let raw = try take(byteCount)
        return [T](unsafeUninitializedCapacity: count) { buf, initialized in
            if byteCount > 0 {
                UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: byteCount)
            }
            initialized = count
        }
    }
}
