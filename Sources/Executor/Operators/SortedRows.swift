// SortedRows: the stable order of the rows of several batches by their sort keys, as (batch, row)
// pairs, and the gathering of those rows into output batches without concatenating the inputs.
//
//   batches b0 b1 …  ──SortKeys + SortPrefix per batch──► entries (prefix, b << 32 | row)
//        sort: prefix (and the second key's, when the first key's prefix is the key), then the keys
//        (SortKeyPointers) on equal prefixes, then input position (stable);
//        a radix sort of (prefix, position) when the prefix is the whole key (SortPrefix.isExact)
//   ──► order[k] = (batch, row) ──ColumnVector.gather, a batch at a time──► sorted batches

@_spi(EmberInternal) import Planner

struct SortedRows {
    /// Batch index and row of each output row, in sorted order.
    let batchOf: [Int32]
    let rowOf: [Int32]
    let sources: [ColumnarBatch]
    let schema: StructType

    var count: Int { rowOf.count }

    /// Sorts the rows of `batches` (all of `schema`) by `orders`, stably.
    init(_ batches: [ColumnarBatch], orders: [BoundSortOrder], schema: StructType) throws {
        let sources = batches.filter { $0.numRows > 0 }
        let keys = try sources.map { try SortKeys($0, orders: orders) }
        let total = sources.reduce(0) { $0 + $1.numRows }
        if total >= RadixSort.minimumCount && SortPrefix.isExact(keys) {
            // The prefix is the key: a radix sort of (prefix, position), stable by position. Its
            // arrays hold about 32 bytes a row at the peak, within ExternalSorter.perRowOverhead.
            var order: [UInt64] = []
            var positions: [Int64] = []
            order.reserveCapacity(total)
            positions.reserveCapacity(total)
            for (b, batch) in sources.enumerated() {
                order += SortPrefix.compute(keys[b], count: batch.numRows) ?? []
                for r in 0..<batch.numRows { positions.append(Int64(b) << 32 | Int64(r)) }
            }
            RadixSort.sort(&order, &positions)
            order = []
            var batchOf = [Int32](repeating: 0, count: total), rowOf = [Int32](repeating: 0, count: total)
            for (k, p) in positions.enumerated() {
                batchOf[k] = Int32(truncatingIfNeeded: p >> 32)
                rowOf[k] = Int32(truncatingIfNeeded: p & 0xFFFF_FFFF)
            }
            self.batchOf = batchOf
            self.rowOf = rowOf
            self.sources = sources
            self.schema = schema
            return
        }
        // The second key's prefix orders rows whose first keys are equal (only when equal first
        // prefixes mean that); 0 for all rows otherwise, which decides nothing. At the peak (the
        // entries and the stable sort's buffer of half as many) about 36 bytes a row, within
        // ExternalSorter.perRowOverhead.
        let second = (keys.first?.columns.count ?? 0) >= 2 && SortPrefix.firstKeyIsExact(keys)
        var entries: [(prefix: UInt64, second: UInt64, position: Int64)] = []
        entries.reserveCapacity(total)
        for (b, batch) in sources.enumerated() {
            let p = SortPrefix.compute(keys[b], count: batch.numRows)
            let q = second ? SortPrefix.compute(keys[b], count: batch.numRows, key: 1) : nil
            for r in 0..<batch.numRows { entries.append((p?[r] ?? 0, q?[r] ?? 0, Int64(b) << 32 | Int64(r))) }
        }
        let pointers = SortKeyPointers(keys)
        entries.sort { x, y in
            if x.prefix != y.prefix { return x.prefix < y.prefix }
            if x.second != y.second { return x.second < y.second }
            let c = pointers.compare(Int(x.position >> 32), Int(x.position & 0xFFFF_FFFF), Int(y.position >> 32), Int(y.position & 0xFFFF_FFFF))
            return c < 0 || (c == 0 && x.position < y.position)
        }
        withExtendedLifetime(pointers) {}
        batchOf = entries.map { Int32(truncatingIfNeeded: $0.position >> 32) }
        rowOf = entries.map { Int32(truncatingIfNeeded: $0.position & 0xFFFF_FFFF) }
        self.sources = sources
        self.schema = schema
    }

    /// One gatherer per column, over all the sources: built once for a whole pass of batches.
    func gatherers() -> [ColumnGatherer] {
        schema.fields.indices.map { c in ColumnGatherer(sources.map { $0.columns[c] }, type: schema.fields[c].dataType) }
    }

    /// Sorted rows `range` as one batch.
    func batch(_ range: Range<Int>, gatherers: [ColumnGatherer]? = nil) -> ColumnarBatch {
        let gatherers = gatherers ?? self.gatherers()
        let columns = batchOf[range].withUnsafeBufferPointer { b in
            rowOf[range].withUnsafeBufferPointer { r in gatherers.map { $0.gather(batch: b, rows: r) } }
        }
        return ColumnarBatch(schema: schema, columns: columns, numRows: range.count)
    }

    /// The sorted rows in batches of at most `size` rows.
    func forEachBatch(size: Int = ColumnarBatch.defaultCapacity, _ body: (ColumnarBatch) throws -> Void) throws {
        let gatherers = gatherers()
        var start = 0
        while start < count {
            let end = min(start + size, count)
            try body(batch(start..<end, gatherers: gatherers))
            start = end
        }
    }
}
