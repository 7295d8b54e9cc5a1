// ResultMerger: k-way merge of result partitions that the tasks already sorted (a top-level
// orderBy), using a binary heap over the partitions' current rows.

import Executor
import Planner

enum ResultMerger {
    static func mergeSorted(_ parts: [ColumnarBatch], orders: [BoundSortOrder], schema: StructType) throws -> [ColumnarBatch] {
        let runs = parts.filter { $0.numRows > 0 }
        if runs.count <= 1 { return runs }
        let keys = try runs.map { try SortKeys($0, orders: orders) }
        var cursor = [Int](repeating: 0, count: runs.count)
        // Heap of run indices ordered by their current row (ties: lower run index first → stable).
        var heap = Array(runs.indices)
        func less(_ a: Int, _ b: Int) -> Bool {
            let c = keys[a].compare(cursor[a], keys[b], cursor[b])
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
        var picks: [(Int, Int32)] = []
        picks.reserveCapacity(runs.reduce(0) { $0 + $1.numRows })
        while let top = heap.first {
            picks.append((top, Int32(cursor[top])))
            cursor[top] += 1
            if cursor[top] == runs[top].numRows {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        // Gather in output order, one batch per chunk of picks.
        var out: [ColumnarBatch] = []
        let chunk = ColumnarBatch.defaultCapacity
        var start = 0
        while start < picks.count {
            let end = Swift.min(start + chunk, picks.count)
            var pieces: [ColumnarBatch] = []
            var k = start
            while k < end {
                let run = picks[k].0
                var rows: [Int32] = []
                while k < end && picks[k].0 == run { rows.append(picks[k].1); k += 1 }
                pieces.append(runs[run].take(rows))
            }
            out.append(ColumnarBatch.concat(pieces, schema: schema))
            start = end
        }
        return out
    }
}
