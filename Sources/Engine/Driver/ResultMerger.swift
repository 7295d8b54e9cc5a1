// ResultMerger: streaming k-way merge of result partitions that the tasks already sorted (a
// top-level orderBy). It holds one batch per partition, a binary heap of partitions ordered by
// their current row, and the output batch being gathered, so its memory does not grow with the
// result; the consumer can stop it early (a limit).
//
//   partition 0: [batch]─► cursor ┐
//   partition 1: [batch]─► cursor ├─ heap (smallest current row on top) ─► picks ─► gather ─► consumer
//   partition k: [batch]─► cursor ┘
//
// Picks refer to the partitions' current batches, so the output is gathered (one pass per column
// over all partitions' batches) and handed on before any partition moves to its next batch. Ties
// go to the lower partition index (a stable merge).

import Executor
import Planner

enum ResultMerger {
    /// One sorted input: its current batch, that batch's sort keys and the next row to take.
    private struct Run {
        var reader: TaskResultReader
        var batch: ColumnarBatch
        var keys: SortKeys
        var row = 0

        /// The first non-empty batch of a reader, or nil if it has none.
        init?(_ reader: TaskResultReader, orders: [BoundSortOrder]) throws {
            var reader = reader
            while let batch = try reader.next() {
                guard batch.numRows > 0 else { continue }
                self.reader = reader
                self.batch = batch
                keys = try SortKeys(batch, orders: orders)
                return
            }
            return nil
        }

        /// Moves to the next non-empty batch; false at the end of the input.
        mutating func advance(orders: [BoundSortOrder]) throws -> Bool {
            while let next = try reader.next() {
                guard next.numRows > 0 else { continue }
                batch = next
                keys = try SortKeys(next, orders: orders)
                row = 0
                return true
            }
            return false
        }
    }

    /// Merges sorted inputs into `consume`, in batches of up to `ColumnarBatch.defaultCapacity`
    /// rows; stops as soon as `consume` returns false.
    static func mergeSorted(_ inputs: [TaskResultReader], orders: [BoundSortOrder], schema: StructType,
                            _ consume: (ColumnarBatch) throws -> Bool) throws {
        var runs = try inputs.compactMap { try Run($0, orders: orders) }
        var heap = Array(runs.indices)
        func less(_ a: Int, _ b: Int) -> Bool {
            let c = runs[a].keys.compare(runs[a].row, runs[b].keys, runs[b].row)
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

        // Rows picked for the output batch being gathered: run k's current batch, row r.
        var pickedRuns: [Int32] = []
        var pickedRows: [Int32] = []
        pickedRuns.reserveCapacity(ColumnarBatch.defaultCapacity)
        pickedRows.reserveCapacity(ColumnarBatch.defaultCapacity)
        func flush() throws -> Bool {
            guard !pickedRows.isEmpty else { return true }
            let sources = runs.map(\.batch)
            let columns = pickedRuns.withUnsafeBufferPointer { batch in
                pickedRows.withUnsafeBufferPointer { rows in
                    schema.fields.indices.map { c in
                        ColumnVector.gather(sources.map { $0.columns[c] }, batch: batch, rows: rows, type: schema.fields[c].dataType)
                    }
                }
            }
            let output = ColumnarBatch(schema: schema, columns: columns, numRows: pickedRows.count)
            pickedRuns.removeAll(keepingCapacity: true)
            pickedRows.removeAll(keepingCapacity: true)
            return try consume(output)
        }

        while let top = heap.first {
            pickedRuns.append(Int32(top))
            pickedRows.append(Int32(runs[top].row))
            runs[top].row += 1
            if runs[top].row == runs[top].batch.numRows {
                // The picks point into this batch: hand them on before replacing it.
                guard try flush() else { return }
                if try !runs[top].advance(orders: orders) {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
            }
            if !heap.isEmpty { siftDown(0) }
            if pickedRows.count == ColumnarBatch.defaultCapacity {
                guard try flush() else { return }
            }
        }
        _ = try flush()
    }
}
