// ParquetColumnOutput: one output column of the batch being decoded, in the typed buffers a
// ColumnVector is made of. Values arrive dense (the page holds only non-null values); `spread`
// then moves them out to their rows, backwards in place, leaving zeros in the null slots that the
// definition levels name:
//
//   dense:   a b c                  levels: 1 0 1 1 0
//   spread:  a 0 b c 0              validity bits: 1 0 1 1 0
//
// A dictionary is decoded into an output too (all present), and dictionary ids gather from it.
// A string column whose every value in the batch came from one dictionary keeps the ids as
// codes (StringDictionary) beside its values, for the aggregate and filters.

@_spi(EmberInternal) import Planner

struct ParquetColumnOutput {
    let kind: ScanKind
    private let capacity: Int
    /// Whether a string column keeps dictionary ids as codes (FileScan.dictionaryColumns).
    private let keepCodes: Bool
    var longs: [Int64] = []      // bigint, timestamp
    var doubles: [Double] = []
    var bools: [Bool] = []
    var days: [Int32] = []       // date
    var strings = StringArray()
    private var validity: [UInt64] = []
    private(set) var count = 0
    private var nulls = 0
    /// Names this output when it holds a column chunk's dictionary (0 otherwise).
    var dictionaryId: UInt64 = 0
    /// String columns: the dictionary ids of the values so far (-1 for nulls), while every value
    /// came from the dictionary `codesDictionary`.
    private var codes: [Int32] = []
    private var codesDictionary: (id: UInt64, values: StringArray)? = nil
    /// Set (for a string column with `keepCodes`) until a value does not come from that dictionary.
    private var keepingCodes: Bool
    /// Dictionaries larger than this are not passed on as codes (the aggregate gains nothing).
    static let maxCodedDictionary = 1 << 16

    init(kind: ScanKind, capacity: Int, keepCodes: Bool = false) {
        self.kind = kind
        self.capacity = capacity
        self.keepCodes = keepCodes && kind == .string
        keepingCodes = self.keepCodes
        reserve()
    }

    private mutating func reserve() {
        validity.reserveCapacity((capacity + 63) >> 6)
        switch kind {
        case .long, .timestamp: longs.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .boolean: bools.reserveCapacity(capacity)
        case .date: days.reserveCapacity(capacity)
        case .string: strings.reserveCapacity(count: capacity, bytes: 1 << 16)
        }
    }

    /// Values held by the typed buffer (dense values not spread yet included).
    var valueCount: Int {
        switch kind {
        case .long, .timestamp: return longs.count
        case .double: return doubles.count
        case .boolean: return bools.count
        case .date: return days.count
        case .string: return strings.count
        }
    }

    /// Records `rows` present rows whose values were appended.
    mutating func markPresent(_ rows: Int) {
        appendValidity(rows, levels: nil)
    }

    /// Spreads the last `present` appended values over `rows` slots by `levels` (1 = present),
    /// filling the null slots with zero values, and records their validity.
    mutating func spread(present: Int, rows: Int, levels: UnsafePointer<UInt32>) {
        if present == rows { appendValidity(rows, levels: nil); return }
        let base = valueCount - present
        switch kind {
        case .long, .timestamp: Self.spread(&longs, base: base, present: present, rows: rows, levels: levels, zero: 0)
        case .double: Self.spread(&doubles, base: base, present: present, rows: rows, levels: levels, zero: 0)
        case .boolean: Self.spread(&bools, base: base, present: present, rows: rows, levels: levels, zero: false)
        case .date: Self.spread(&days, base: base, present: present, rows: rows, levels: levels, zero: 0)
        case .string:
            if keepingCodes && codes.count == base + present {
                Self.spread(&codes, base: base, present: present, rows: rows, levels: levels, zero: -1)
            } else {
                keepingCodes = false
            }
            // Offsets: slot i ends where the last present value at or before it ends.
            strings.offsets.append(contentsOf: repeatElement(0, count: rows - present))
            strings.offsets.withUnsafeMutableBufferPointer { o in
                var j = base + present      // offsets index of the end of the last dense value
                var i = base + rows
                while i > base {
                    o[i] = o[j]
                    if levels[i - base - 1] != 0 { j -= 1 }
                    i -= 1
                }
            }
        }
        appendValidity(rows, levels: levels)
    }

    private static func spread<T>(_ values: inout [T], base: Int, present: Int, rows: Int,
                                  levels: UnsafePointer<UInt32>, zero: T) {
        values.append(contentsOf: repeatElement(zero, count: rows - present))
        values.withUnsafeMutableBufferPointer { v in
            var j = base + present - 1
            var i = rows - 1
            while i >= 0 {
                if levels[i] != 0 {
                    v[base + i] = v[j]
                    j -= 1
                } else {
                    v[base + i] = zero
                }
                i -= 1
            }
        }
    }

    private mutating func appendValidity(_ rows: Int, levels: UnsafePointer<UInt32>?) {
        guard let levels else {
            let words = (count + rows + 63) >> 6
            if words > validity.count { validity.append(contentsOf: repeatElement(~0, count: words - validity.count)) }
            count += rows
            return
        }
        for i in 0..<rows {
            if count & 63 == 0 { validity.append(~0) }
            if levels[i] == 0 {
                validity[count >> 6] &= ~(1 << UInt64(count & 63))
                nulls += 1
            }
            count += 1
        }
    }

    /// Appends `rows` nulls (a column the file does not have).
    mutating func appendNulls(_ rows: Int) {
        switch kind {
        case .long, .timestamp: longs.append(contentsOf: repeatElement(0, count: rows))
        case .double: doubles.append(contentsOf: repeatElement(0, count: rows))
        case .boolean: bools.append(contentsOf: repeatElement(false, count: rows))
        case .date: days.append(contentsOf: repeatElement(0, count: rows))
        case .string:
            if keepingCodes && codes.count == strings.count { codes.append(contentsOf: repeatElement(-1, count: rows)) } else { keepingCodes = false }
            strings.offsets.append(contentsOf: repeatElement(strings.offsets[strings.offsets.count - 1], count: rows))
        }
        for _ in 0..<rows {
            if count & 63 == 0 { validity.append(~0) }
            validity[count >> 6] &= ~(1 << UInt64(count & 63))
            count += 1
        }
        nulls += rows
    }

    /// Appends the values of `dictionary` at the next `n` ids `ids` decodes (each checked against
    /// its size). Fixed-width values are gathered as the ids are unpacked; strings take the ids
    /// through `scratch`, since they may be kept as codes.
    mutating func gather(from dictionary: ParquetColumnOutput, decoding ids: inout RLEHybridDecoder, count n: Int,
                         scratch: inout [UInt32]) throws {
        guard n > 0 else { return }
        let size = dictionary.valueCount
        let maxID: UInt32
        switch kind {
        case .long, .timestamp: maxID = try Self.gather(&longs, dictionary.longs, &ids, n, zero: 0)
        case .double: maxID = try Self.gather(&doubles, dictionary.doubles, &ids, n, zero: 0)
        case .boolean: maxID = try Self.gather(&bools, dictionary.bools, &ids, n, zero: false)
        case .date: maxID = try Self.gather(&days, dictionary.days, &ids, n, zero: 0)
        case .string:
            if scratch.count < n { scratch = [UInt32](repeating: 0, count: n) }
            maxID = try scratch.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                try ids.decode(into: base, count: n)
                return try gatherStrings(from: dictionary, ids: base, count: n)
            }
        }
        if Int(maxID) >= size { throw parquetCorrupt("dictionary id \(maxID) beyond the dictionary's \(size) values") }
    }

    /// Appends the strings of `dictionary` at `ids`, unless one is out of range; returns the
    /// largest id.
    private mutating func gatherStrings(from dictionary: ParquetColumnOutput, ids: UnsafePointer<UInt32>, count n: Int) throws -> UInt32 {
        var maxID: UInt32 = 0
        for i in 0..<n { maxID = max(maxID, ids[i]) }
        guard Int(maxID) < dictionary.valueCount else { return maxID }
        recordCodes(from: dictionary, ids: ids, count: n)
        guard strings.appendGathered(from: dictionary.strings, at: UnsafeBufferPointer(start: ids, count: n)) else {
            throw parquetCorrupt("string values exceed 2 GiB in one batch")
        }
        return maxID
    }

    /// Keeps the ids as codes while every value of the batch comes from this one dictionary.
    private mutating func recordCodes(from dictionary: ParquetColumnOutput, ids: UnsafePointer<UInt32>, count n: Int) {
        guard keepingCodes else { return }
        if codesDictionary == nil && dictionary.dictionaryId != 0 && dictionary.valueCount <= Self.maxCodedDictionary {
            codesDictionary = (dictionary.dictionaryId, dictionary.strings)
        }
        guard codes.count == strings.count, let current = codesDictionary, current.id == dictionary.dictionaryId else {
            keepingCodes = false
            codes = []
            return
        }
        codes.append(contentsOf: UnsafeBufferPointer(start: ids, count: n).lazy.map { Int32(truncatingIfNeeded: $0) })
    }

    /// Appends `values[id]` for the next `n` ids of `ids` and returns the largest id; above the
    /// last index the appended values are garbage (the caller throws). Out-of-range ids are
    /// clamped while gathering, so the check costs no second pass and no branch.
    private static func gather<T>(_ out: inout [T], _ values: [T], _ ids: inout RLEHybridDecoder, _ n: Int,
                                  zero: T) throws -> UInt32 {
        guard !values.isEmpty else {   // every id is out of range: name the first
            var first: UInt32 = 0
            try ids.decode(into: &first, count: 1)
            return first
        }
        let base = out.count
        let last = UInt32(truncatingIfNeeded: min(values.count - 1, Int(UInt32.max)))
        out.append(contentsOf: repeatElement(zero, count: n))
        return try values.withUnsafeBufferPointer { d in
            try out.withUnsafeMutableBufferPointer { o in
                guard let src = d.baseAddress, let dst = o.baseAddress else { return 0 }
                return try ids.gather(n, from: src, last: last, into: dst + base)
            }
        }
    }

    /// The column built so far, and a fresh start for the next batch.
    mutating func finish() -> ColumnVector {
        if count & 63 != 0, !validity.isEmpty { validity[validity.count - 1] &= (1 << UInt64(count & 63)) &- 1 }
        let bits: Bitmap? = nulls == 0 ? nil : Bitmap(words: validity, count: count)
        let vector: ColumnVector
        switch kind {
        case .long: vector = ColumnVector(.long(longs), validity: bits)
        case .timestamp: vector = ColumnVector(.timestamp(longs), validity: bits)
        case .double: vector = ColumnVector(.double(doubles), validity: bits)
        case .boolean: vector = ColumnVector(.boolean(bools), validity: bits)
        case .date: vector = ColumnVector(.date(days), validity: bits)
        case .string:
            let coded = keepingCodes && codes.count == strings.count && count == strings.count
            vector = ColumnVector(.string(strings), validity: bits)
                .withDictionary(coded ? codesDictionary.map { StringDictionary(codes: codes, values: $0.values, id: $0.id) } : nil)
        }
        self = ParquetColumnOutput(kind: kind, capacity: capacity, keepCodes: keepCodes)
        return vector
    }
}
