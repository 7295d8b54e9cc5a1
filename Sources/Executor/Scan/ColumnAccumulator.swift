// ColumnAccumulator: a scan's growing output column. Typed appends straight into malloc'd buffers
// (no copy-on-write or uniqueness checks per value), a validity bitmap kept word by word, undo of
// the last row, and a batch's column handed over as the arrays a ColumnVector is made of.

@_spi(EmberInternal) import Planner
#if canImport(Glibc)
import Glibc
#endif

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

    /// Bytes per value in the value buffer (strings: their Int32 end offsets).
    var width: Int {
        switch self {
        case .long, .double, .timestamp: return 8
        case .date, .string: return 4
        case .boolean: return 1
        }
    }
}

/// The memory behind one accumulator: freed with the last copy of the accumulator that holds it.
final class ColumnStorage {
    var values: UnsafeMutableRawPointer
    var valueCapacity: Int
    var words: UnsafeMutablePointer<UInt64>
    var wordCapacity: Int
    var bytes: UnsafeMutableRawPointer
    var byteCapacity: Int
    /// Codes of a string column while it has few distinct values.
    let dictionary: ScanDictionary?

    init(valueWidth: Int, rows: Int, bytes: Int, dictionary: Bool) {
        valueCapacity = max(rows, 64)
        values = .allocate(byteCount: valueCapacity * valueWidth, alignment: 8)
        wordCapacity = (valueCapacity + 63) >> 6
        words = .allocate(capacity: wordCapacity)
        byteCapacity = max(bytes, 64)
        self.bytes = .allocate(byteCount: byteCapacity, alignment: 8)
        self.dictionary = dictionary ? ScanDictionary(rows: valueCapacity) : nil
    }

    deinit {
        values.deallocate()
        words.deallocate()
        bytes.deallocate()
    }
}

/// One output column of a scan, built row by row.
///
/// Unlike Planner's `ColumnBuilder` it supports timestamps from raw micros, removing the last
/// value (a row dropped as malformed after some of its columns were appended), and starts the next
/// batch in the same buffers. Appends grow the buffers when a batch outgrows them (doubling).
///
/// Validity: one `UInt64` word per 64 rows, appended all-valid; a null clears its bit. Bits past
/// `count` in the last word are masked off in ``finish()``.
///
/// Copies share one storage: use one copy (the scanners keep theirs in a buffer of accumulators).
struct ColumnAccumulator {
    let kind: ScanKind
    private(set) var count = 0
    private var nulls = 0
    /// String bytes appended so far (strings only).
    private var byteCount = 0
    private let storage: ColumnStorage

    /// `dictionary`: a string column also records codes while it has few distinct values.
    init(kind: ScanKind, rowsPerBatch: Int, dictionary: Bool = false) {
        self.kind = kind
        storage = ColumnStorage(valueWidth: kind.width, rows: rowsPerBatch, bytes: kind == .string ? 1 << 16 : 0,
                                dictionary: dictionary && kind == .string)
    }

    @inline(__always) private mutating func valid() {
        if count & 63 == 0 { storage.words[count >> 6] = ~0 }
        count += 1
    }

    /// Room for one more value (and its validity word).
    @inline(__always) private func makeRoom() {
        if count == storage.valueCapacity { grow() }
    }

    private func grow() {
        let capacity = storage.valueCapacity * 2
        let values = UnsafeMutableRawPointer.allocate(byteCount: capacity * kind.width, alignment: 8)
        values.copyMemory(from: storage.values, byteCount: count * kind.width)
        storage.values.deallocate()
        storage.values = values
        storage.valueCapacity = capacity
        let wordCapacity = (capacity + 63) >> 6
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCapacity)
        words.update(from: storage.words, count: (count + 63) >> 6)
        storage.words.deallocate()
        storage.words = words
        storage.wordCapacity = wordCapacity
        storage.dictionary?.reserveRows(capacity)
    }

    @inline(__always) private mutating func store<T>(_ v: T) {
        makeRoom()
        put(v)
    }

    /// Stores a value where ``makeRoom()`` made room.
    @inline(__always) private mutating func put<T>(_ v: T) {
        storage.values.storeBytes(of: v, toByteOffset: count * MemoryLayout<T>.stride, as: T.self)
        valid()
    }

    @inline(__always) mutating func appendLong(_ v: Int64) { store(v) }
    @inline(__always) mutating func appendTimestamp(_ v: Int64) { store(v) }
    @inline(__always) mutating func appendDouble(_ v: Double) { store(v) }
    @inline(__always) mutating func appendBool(_ v: Bool) { store(v) }
    @inline(__always) mutating func appendDate(_ v: Int32) { store(v) }

    @inline(__always) mutating func appendString(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        makeRoom()
        if let dictionary = storage.dictionary, dictionary.enabled { dictionary.record(row: count, bytes: bytes) }
        if byteCount + n > storage.byteCapacity { growBytes(byteCount + n) }
        if n > 0, let source = bytes.baseAddress { (storage.bytes + byteCount).copyMemory(from: source, byteCount: n) }
        byteCount += n
        put(Int32(truncatingIfNeeded: byteCount))
    }

    /// Appends a string of at most 8 bytes with one 8-byte store (the bytes after it are
    /// overwritten by the next string or never read).
    @inline(__always) mutating func appendString(_ short: ShortFieldWord) {
        makeRoom()
        if let dictionary = storage.dictionary, dictionary.enabled { dictionary.record(row: count, word: short.word, count: short.count) }
        if byteCount + 8 > storage.byteCapacity { growBytes(byteCount + 8) }
        short.store(to: storage.bytes + byteCount)
        byteCount += short.count
        put(Int32(truncatingIfNeeded: byteCount))
    }

    private func growBytes(_ needed: Int) {
        var capacity = storage.byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        bytes.copyMemory(from: storage.bytes, byteCount: byteCount)
        storage.bytes.deallocate()
        storage.bytes = bytes
        storage.byteCapacity = capacity
    }

    mutating func appendNull() {
        switch kind {
        case .long, .timestamp: store(Int64(0))
        case .double: store(Double(0))
        case .boolean: store(false)
        case .date: store(Int32(0))
        case .string:
            store(Int32(truncatingIfNeeded: byteCount))
            storage.dictionary?.setNull(row: count - 1)
        }
        storage.words[(count - 1) >> 6] &= ~(1 << UInt64((count - 1) & 63))
        nulls += 1
    }

    /// Removes the last value (null or not).
    mutating func removeLast() {
        count -= 1
        let bit: UInt64 = 1 << UInt64(count & 63)
        if storage.words[count >> 6] & bit == 0 { nulls -= 1 }
        storage.words[count >> 6] |= bit
        if kind == .string {
            byteCount = count == 0 ? 0 : Int(storage.values.load(fromByteOffset: (count - 1) * 4, as: Int32.self))
        }
    }

    /// The column so far; the accumulator starts over, empty, in the same buffers.
    mutating func finish() -> ColumnVector {
        var validity: Bitmap? = nil
        let wordCount = (count + 63) >> 6
        if nulls > 0 {
            if count & 63 != 0 { storage.words[wordCount - 1] &= (1 << UInt64(count & 63)) - 1 }
            validity = Bitmap(words: Array(UnsafeBufferPointer(start: storage.words, count: wordCount)), count: count)
        }
        let values: ColumnValues
        switch kind {
        case .long: values = .long(array(Int64.self))
        case .timestamp: values = .timestamp(array(Int64.self))
        case .double: values = .double(array(Double.self))
        case .boolean: values = .boolean(array(Bool.self))
        case .date: values = .date(array(Int32.self))
        case .string:
            var offsets = [Int32](repeating: 0, count: count + 1)
            offsets.withUnsafeMutableBytes { target in
                guard let base = target.baseAddress else { return }
                (base + 4).copyMemory(from: storage.values, byteCount: count * 4)
            }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: storage.bytes, count: byteCount))
            values = .string(StringArray(offsets: offsets, bytes: bytes))
        }
        let dictionary = storage.dictionary?.finish(rows: count)
        count = 0
        nulls = 0
        byteCount = 0
        return ColumnVector(values, validity: validity).withDictionary(dictionary)
    }

    private func array<T>(_ type: T.Type) -> [T] {
        Array(UnsafeBufferPointer(start: storage.values.assumingMemoryBound(to: T.self), count: count))
    }
}
