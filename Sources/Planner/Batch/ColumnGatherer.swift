// ColumnGatherer: the buffers of a fixed set of source columns (one type), looked up once, and
// gathers of their rows into new columns: row k of a result = sources[batch[k]] row rows[k].
// Gathering a batch at a time from hundreds of sources (a sort's output) would otherwise look up
// every source's buffers, with a retain and release each, for every batch.

/// Reads its sources' storage by pointer: the sources are kept alive and never change meanwhile
/// (their arrays are not mutated while shared), so the pointers stay valid for its lifetime.
@_spi(EmberInternal) public final class ColumnGatherer {
    private let sources: [ColumnVector]
    private let type: DataType
    /// Each source's validity words (empty: no nulls); nil when no source has nulls.
    private let validityWords: [UnsafeBufferPointer<UInt64>]?
    /// Each source's fixed-width values (or a string column's offsets) and element count.
    private let valueBases: [UnsafeRawPointer?]
    private let valueCounts: [Int]
    /// Each string source's bytes.
    private let byteBases: [UnsafeBufferPointer<UInt8>]

    @_spi(EmberInternal) public init(_ sources: [ColumnVector], type: DataType) {
        self.sources = sources
        self.type = type
        validityWords = sources.contains(where: { $0.hasNulls })
            ? sources.map { $0.validity?.words.withUnsafeBufferPointer { $0 } ?? UnsafeBufferPointer(start: nil, count: 0) }
            : nil
        var bases: [UnsafeRawPointer?] = [], counts: [Int] = [], bytes: [UnsafeBufferPointer<UInt8>] = []
        bases.reserveCapacity(sources.count)
        counts.reserveCapacity(sources.count)
        func add<T>(_ values: [T]) {
            values.withUnsafeBufferPointer { bases.append(UnsafeRawPointer($0.baseAddress)); counts.append($0.count) }
        }
        // A source of another type gets no storage: reading a row of it fails the range check.
        for source in sources {
            switch (type, source.values) {
            case (.long, .long(let v)), (.timestamp, .timestamp(let v)): add(v)
            case (.double, .double(let v)): add(v)
            case (.boolean, .boolean(let v)): add(v)
            case (.date, .date(let v)): add(v)
            case (.string, .string(let s)): add(s.offsets)
            default: bases.append(nil); counts.append(0)
            }
            if type == .string, case .string(let s) = source.values {
                bytes.append(s.bytes.withUnsafeBufferPointer { $0 })
            } else {
                bytes.append(UnsafeBufferPointer(start: nil, count: 0))
            }
        }
        valueBases = bases
        valueCounts = counts
        byteBases = bytes
    }

    @_spi(EmberInternal) public func gather(batch: UnsafeBufferPointer<Int32>, rows: UnsafeBufferPointer<Int32>) -> ColumnVector {
        let n = rows.count
        var validity: Bitmap? = nil
        if let words = validityWords {
            var bits = Bitmap(count: n, value: true)
            for k in 0..<n {
                let w = words[Int(batch[k])], r = Int(rows[k])
                guard !w.isEmpty else { continue }
                precondition(r >= 0 && r >> 6 < w.count, "gather: row index out of range")
                if (w[r >> 6] >> UInt64(r & 63)) & 1 == 0 { bits[k] = false }
            }
            validity = bits
        }
        switch type {
        case .long: return ColumnVector(.long(fixed(Int64.self, batch, rows)), validity: validity)
        case .timestamp: return ColumnVector(.timestamp(fixed(Int64.self, batch, rows)), validity: validity)
        case .double: return ColumnVector(.double(fixed(Double.self, batch, rows)), validity: validity)
        case .boolean: return ColumnVector(.boolean(fixed(Bool.self, batch, rows)), validity: validity)
        case .date: return ColumnVector(.date(fixed(Int32.self, batch, rows)), validity: validity)
        case .string: return ColumnVector(.string(strings(batch, rows)), validity: validity)
        case .array:
            // Rare on the shuffle path: per-source takes and a concatenation.
            var parts: [ColumnVector] = []
            var k = 0
            while k < n {
                let b = batch[k]
                var picked: [Int32] = []
                while k < n && batch[k] == b { picked.append(rows[k]); k += 1 }
                parts.append(sources[Int(b)].take(picked))
            }
            return parts.isEmpty ? .empty(type) : .concat(parts, type: type)
        }
    }

    private func fixed<T>(_: T.Type, _ batch: UnsafeBufferPointer<Int32>, _ rows: UnsafeBufferPointer<Int32>) -> [T] {
        let n = rows.count
        return valueBases.withUnsafeBufferPointer { bases in
            valueCounts.withUnsafeBufferPointer { counts in
                [T](unsafeUninitializedCapacity: n) { buffer, count in
                    for k in 0..<n {
                        let s = Int(batch[k]), r = Int(rows[k])
                        precondition(s >= 0 && s < counts.count && r >= 0 && r < counts[s], "gather: row index out of range")
                        (buffer.baseAddress! + k).initialize(to: bases[s]!.assumingMemoryBound(to: T.self)[r])
                    }
                    count = n
                }
            }
        }
    }

    private func strings(_ batch: UnsafeBufferPointer<Int32>, _ rows: UnsafeBufferPointer<Int32>) -> StringArray {
        let n = rows.count
        let offsets = valueBases.map { $0?.assumingMemoryBound(to: Int32.self) }
        var total = 0
        for k in 0..<n {
            let s = Int(batch[k]), r = Int(rows[k])
            precondition(r >= 0 && r + 1 < valueCounts[s], "gather: row index out of range")
            let o = offsets[s]!
            total += Int(o[r + 1] - o[r])
        }
        precondition(total <= Int(Int32.max), "gather: string values exceed 2 GiB in one column")
        var outOffsets = [Int32](repeating: 0, count: n + 1)
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, count in
            var at = 0
            for k in 0..<n {
                let s = Int(batch[k]), r = Int(rows[k])
                let o = offsets[s]!
                let a = Int(o[r]), b = Int(o[r + 1])
                if b > a { ShortBytes.copy(out.baseAddress! + at, byteBases[s].baseAddress! + a, b - a) }
                at += b - a
                outOffsets[k + 1] = Int32(at)
            }
            count = total
        }
        return StringArray(offsets: outOffsets, bytes: bytes)
    }
}
