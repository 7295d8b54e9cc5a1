// SortedMerge: streaming k-way merge of sorted inputs (an external sort's runs, the driver's sorted
// result partitions). It holds one batch per input, a binary heap of inputs ordered by their
// current row, and the output batch being gathered, so its memory does not grow with the data; the
// consumer can stop it early (a limit).
//
//   input 0: [batch]─► cursor ┐
//   input 1: [batch]─► cursor ├─ heap (smallest current row on top) ─► picks ─► gather ─► consumer
//   input k: [batch]─► cursor ┘
//
// Picks refer to the inputs' current batches, so the output is gathered (one pass per column over
// all inputs' batches) and handed on before any input moves to its next batch. Ties go to the lower
// input index (a stable merge, when inputs are given in input order).

@_spi(EmberInternal) import Planner

/// A sorted stream of batches.
@_spi(EmberInternal) public protocol SortedBatchSource {
    /// The next batch, or nil at the end.
    mutating func nextBatch() throws -> ColumnarBatch?
}

@_spi(EmberInternal) public enum SortedMerge {
    /// One sorted input: its current batch and that batch's sort keys (`merge` tracks the next row).
    private struct Cursor<Source: SortedBatchSource> {
        var source: Source
        var batch: ColumnarBatch
        var keys: SortKeys

        /// The first non-empty batch of a source, or nil if it has none.
        init?(_ source: Source, orders: [BoundSortOrder]) throws {
            var source = source
            while let batch = try source.nextBatch() {
                guard batch.numRows > 0 else { continue }
                self.source = source
                self.batch = batch
                keys = try SortKeys(batch, orders: orders)
                return
            }
            return nil
        }

        /// Moves to the next non-empty batch; false at the end of the input.
        mutating func advance(orders: [BoundSortOrder]) throws -> Bool {
            while let next = try source.nextBatch() {
                guard next.numRows > 0 else { continue }
                batch = next
                keys = try SortKeys(next, orders: orders)
                return true
            }
            return false
        }
    }

    /// Merges sorted inputs into `consume`, in batches of up to `batchSize` rows; stops as soon as
    /// `consume` returns false.
    @_spi(EmberInternal) public static func merge<Source: SortedBatchSource>(_ inputs: [Source], orders: [BoundSortOrder], schema: StructType,
                                                        batchSize: Int = ColumnarBatch.defaultCapacity,
                                                        _ consume: (ColumnarBatch) throws -> Bool) throws {
        var cursors = try inputs.compactMap { try Cursor($0, orders: orders) }
        var heap = Array(cursors.indices)
        // Each cursor's keys and row, outside the generic cursors: comparing through them copied
        // each cursor (its source too) twice a comparison, a third of TPC-H q16's driver time.
        var keys = cursors.map(\.keys)
        var rows = [Int](repeating: 0, count: cursors.count)
        func less(_ a: Int, _ b: Int) -> Bool {
            let c = keys[a].compare(rows[a], keys[b], rows[b])
            return c < 0 || (c == 0 && a < b)
        }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }

        // Rows picked for the output batch being gathered: cursor k's current batch, row r.
        var pickedInputs: [Int32] = []
        var pickedRows: [Int32] = []
        pickedInputs.reserveCapacity(batchSize)
        pickedRows.reserveCapacity(batchSize)
        func flush() throws -> Bool {
            guard !pickedRows.isEmpty else { return true }
            let sources = cursors.map(\.batch)
            let columns = pickedInputs.withUnsafeBufferPointer { batch in
                pickedRows.withUnsafeBufferPointer { rows in
                    schema.fields.indices.map { c in
                        ColumnVector.gather(sources.map { $0.columns[c] }, batch: batch, rows: rows, type: schema.fields[c].dataType)
                    }
                }
            }
            let output = ColumnarBatch(schema: schema, columns: columns, numRows: pickedRows.count)
            pickedInputs.removeAll(keepingCapacity: true)
            pickedRows.removeAll(keepingCapacity: true)
            return try consume(output)
        }

        var batchRows = cursors.map(\.batch.numRows)
        while let top = heap.first {
            pickedInputs.append(Int32(top))
            pickedRows.append(Int32(rows[top]))
            rows[top] += 1
            if rows[top] == batchRows[top] {
                // The picks point into this batch: hand them on before replacing it.
                guard try flush() else { return }
                if try cursors[top].advance(orders: orders) {
                    keys[top] = cursors[top].keys
                    rows[top] = 0
                    batchRows[top] = cursors[top].batch.numRows
                } else {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
            }
            if !heap.isEmpty { siftDown(0) }
            if pickedRows.count == batchSize {
                guard try flush() else { return }
            }
        }
        _ = try flush()
    }
}
