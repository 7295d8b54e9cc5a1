// Gather: builds a column from rows picked out of several source columns of the same type
// (row k of the result = sources[batch[k]] row rows[k]). The shuffle writer uses it to collect a
// reduce partition's rows from all buffered batches in one pass, without concatenating them first.
// A ColumnGatherer looks the sources' buffers up once, for callers that gather from the same
// sources again and again (a sort's output, a batch at a time).

extension ColumnVector {
    @_spi(EmberInternal) public static func gather(_ sources: [ColumnVector], batch: UnsafeBufferPointer<Int32>, rows: UnsafeBufferPointer<Int32>,
                              type: DataType) -> ColumnVector {
        ColumnGatherer(sources, type: type).gather(batch: batch, rows: rows)
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
