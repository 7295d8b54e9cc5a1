// Gather: builds a column from rows picked out of several source columns of the same type
// (row k of the result = sources[batch[k]] row rows[k]). The shuffle writer uses it to collect a
// reduce partition's rows from all buffered batches in one pass, without concatenating them first.

extension ColumnVector {
    @_spi(EmberInternal) public static func gather(_ sources: [ColumnVector], batch: UnsafeBufferPointer<Int32>, rows: UnsafeBufferPointer<Int32>,
                              type: DataType) -> ColumnVector {
        let n = rows.count
        var validity: Bitmap? = nil
        if sources.contains(where: { $0.hasNulls }) {
            // Each source's validity words by pointer (nil: no nulls), not a column copy per row.
            let bitmaps = sources.map { $0.validity?.words ?? [] }
            var bits = Bitmap(count: n, value: true)
            withExtendedLifetime(bitmaps) {
                let words = bitmaps.map { $0.withUnsafeBufferPointer { $0 } }
                for k in 0..<n {
                    let w = words[Int(batch[k])], r = Int(rows[k])
                    if !w.isEmpty && (w[r >> 6] >> UInt64(r & 63)) & 1 == 0 { bits[k] = false }
                }
            }
            validity = bits
        }
        func fixed<T>(_ extract: (ColumnValues) -> [T]?, _ wrap: ([T]) -> ColumnValues) -> ColumnVector {
            let arrays = sources.map { extract($0.values) ?? [] }
            // Each source's storage by pointer (the arrays stay alive and unchanged meanwhile):
            // indexing an array of arrays per row would retain and release the inner one each time.
            let out = withExtendedLifetime(arrays) { () -> [T] in
                let bases = arrays.map { $0.withUnsafeBufferPointer { $0 } }
                return bases.withUnsafeBufferPointer { bases in
                    [T](unsafeUninitializedCapacity: n) { buffer, count in
                        for k in 0..<n {
                            let source = bases[Int(batch[k])], r = Int(rows[k])
                            precondition(r >= 0 && r < source.count, "gather: row index out of range")
                            (buffer.baseAddress! + k).initialize(to: source[r])
                        }
                        count = n
                    }
                }
            }
            return ColumnVector(wrap(out), validity: validity)
        }
        switch type {
        case .long: return fixed({ if case .long(let v) = $0 { return v } else { return nil } }, { .long($0) })
        case .double: return fixed({ if case .double(let v) = $0 { return v } else { return nil } }, { .double($0) })
        case .boolean: return fixed({ if case .boolean(let v) = $0 { return v } else { return nil } }, { .boolean($0) })
        case .date: return fixed({ if case .date(let v) = $0 { return v } else { return nil } }, { .date($0) })
        case .timestamp: return fixed({ if case .timestamp(let v) = $0 { return v } else { return nil } }, { .timestamp($0) })
        case .string:
            let arrays: [StringArray] = sources.map { if case .string(let s) = $0.values { return s } else { return StringArray() } }
            // By pointer, as for fixed-width values: no retain and release of a source per row.
            return withExtendedLifetime(arrays) { () -> ColumnVector in
                let offsetBases = arrays.map { $0.offsets.withUnsafeBufferPointer { $0 } }
                let byteBases = arrays.map { $0.bytes.withUnsafeBufferPointer { $0 } }
                var total = 0
                for k in 0..<n {
                    let o = offsetBases[Int(batch[k])], r = Int(rows[k])
                    precondition(r >= 0 && r + 1 < o.count, "gather: row index out of range")
                    total += Int(o[r + 1] - o[r])
                }
                precondition(total <= Int(Int32.max), "gather: string values exceed 2 GiB in one column")
                var offsets = [Int32](repeating: 0, count: n + 1)
                let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, count in
                    var at = 0
                    for k in 0..<n {
                        let source = Int(batch[k]), r = Int(rows[k])
                        let o = offsetBases[source]
                        let a = Int(o[r]), b = Int(o[r + 1])
                        if b > a { (out.baseAddress! + at).update(from: byteBases[source].baseAddress! + a, count: b - a) }
                        at += b - a
                        offsets[k + 1] = Int32(at)
                    }
                    count = total
                }
                return ColumnVector(.string(StringArray(offsets: offsets, bytes: bytes)), validity: validity)
            }
        case .array:
            // Rare on the shuffle path: fall back to per-source takes and a concatenation.
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

    /// Approximate bytes held by the column's buffers (for memory accounting).
    @_spi(EmberInternal) public var memoryBytes: Int {
        let bits = (validity.map { $0.words.count * 8 } ?? 0)
            + (dictionary.map { $0.codes.count * 4 + $0.values.offsets.count * 4 + $0.values.bytes.count } ?? 0)
        switch values {
        case .long(let v), .timestamp(let v): return v.count * 8 + bits
        case .double(let v): return v.count * 8 + bits
        case .boolean(let v): return v.count + bits
        case .date(let v): return v.count * 4 + bits
        case .string(let s): return s.offsets.count * 4 + s.bytes.count + bits
        case .list(let o, let child): return o.count * 4 + child.memoryBytes + bits
        }
    }
}

extension ColumnarBatch {
    /// Approximate bytes held by the batch's buffers.
    @_spi(EmberInternal) public var memoryBytes: Int { columns.reduce(0) { $0 + $1.memoryBytes } }
}
