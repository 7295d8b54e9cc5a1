// ColumnAccumulator: a scan's growing output column. Typed appends straight into the buffers a
// ColumnVector is made of, a validity bitmap kept word by word, and undo of the last row.

@_spi(EmberInternal) import Planner

/// The scalar types a file scan can produce, as a plain enum for a cheap per-value switch.
enum ScanKind: UInt8, Sendable {
    case long, double, boolean, string, date, timestamp

    init?(_ type: DataType) {
        switch type {
        case .long: self = .long
        case .double: self = .double
        case .boolean: self = .boolean
        case .string: self = .string
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .array: return nil
        }
    }
}

/// One output column of a scan, built row by row.
///
/// Unlike Planner's `ColumnBuilder` it supports timestamps from raw micros, removing the last
/// value (a row dropped as malformed after some of its columns were appended), and hands its
/// buffers over without copying, then starts the next batch with the same reserved capacity.
///
/// Validity: one `UInt64` word per 64 rows, appended all-valid; a null clears its bit. Bits past
/// `count` in the last word are masked off in ``finish()``.
struct ColumnAccumulator {
    let kind: ScanKind
    private(set) var count = 0
    private var nulls = 0
    private var longs: [Int64] = []      // long, timestamp
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var days: [Int32] = []       // date
    private var strings = StringArray()
    private var words: [UInt64] = []
    private var rowsPerBatch: Int
    private var stringBytes = 1 << 16

    init(kind: ScanKind, rowsPerBatch: Int) {
        self.kind = kind
        self.rowsPerBatch = rowsPerBatch
        reserve()
    }

    private mutating func reserve() {
        words.reserveCapacity((rowsPerBatch + 63) >> 6)
        switch kind {
        case .long, .timestamp: longs.reserveCapacity(rowsPerBatch)
        case .double: doubles.reserveCapacity(rowsPerBatch)
        case .boolean: bools.reserveCapacity(rowsPerBatch)
        case .date: days.reserveCapacity(rowsPerBatch)
        case .string: strings.reserveCapacity(count: rowsPerBatch, bytes: stringBytes)
        }
    }

    @inline(__always) private mutating func valid() {
        if count & 63 == 0 { words.append(~0) }
        count += 1
    }

    @inline(__always) mutating func appendLong(_ v: Int64) { longs.append(v); valid() }
    @inline(__always) mutating func appendTimestamp(_ v: Int64) { longs.append(v); valid() }
    @inline(__always) mutating func appendDouble(_ v: Double) { doubles.append(v); valid() }
    @inline(__always) mutating func appendBool(_ v: Bool) { bools.append(v); valid() }
    @inline(__always) mutating func appendDate(_ v: Int32) { days.append(v); valid() }
    @inline(__always) mutating func appendString(_ bytes: UnsafeRawBufferPointer) { strings.append(bytes: bytes); valid() }

    mutating func appendNull() {
        switch kind {
        case .long, .timestamp: longs.append(0)
        case .double: doubles.append(0)
        case .boolean: bools.append(false)
        case .date: days.append(0)
        case .string: strings.appendEmpty()
        }
        if count & 63 == 0 { words.append(~0) }
        words[count >> 6] &= ~(1 << UInt64(count & 63))
        count += 1
        nulls += 1
    }

    /// Removes the last value (null or not).
    mutating func removeLast() {
        count -= 1
        let bit: UInt64 = 1 << UInt64(count & 63)
        if words[count >> 6] & bit == 0 { nulls -= 1 }
        if count & 63 == 0 { words.removeLast() } else { words[count >> 6] |= bit }
        switch kind {
        case .long, .timestamp: longs.removeLast()
        case .double: doubles.removeLast()
        case .boolean: bools.removeLast()
        case .date: days.removeLast()
        case .string:
            strings.offsets.removeLast()
            strings.bytes.removeLast(strings.bytes.count - Int(strings.offsets[strings.offsets.count - 1]))
        }
    }

    /// The column so far; the accumulator starts over, empty, with the same capacity reserved.
    mutating func finish() -> ColumnVector {
        var validity: Bitmap? = nil
        if nulls > 0 {
            if count & 63 != 0 { words[words.count - 1] &= (1 << UInt64(count & 63)) - 1 }
            validity = Bitmap(words: words, count: count)
        }
        let values: ColumnValues
        switch kind {
        case .long: values = .long(longs); longs = []
        case .timestamp: values = .timestamp(longs); longs = []
        case .double: values = .double(doubles); doubles = []
        case .boolean: values = .boolean(bools); bools = []
        case .date: values = .date(days); days = []
        case .string:
            stringBytes = max(stringBytes, strings.bytes.count + strings.bytes.count / 8)
            values = .string(strings)
            strings = StringArray()
        }
        words = []
        count = 0
        nulls = 0
        reserve()
        return ColumnVector(values, validity: validity)
    }
}
