// WindowKeyChanges: where the rows of a sorted batch start a new run of equal keys — a new partition
// group (PARTITION BY values) or a new peer group (ORDER BY values) — one typed pass per key
// column, with no per-row dispatch or reference counting:
//
//   changes[r] = row r's keys differ from row r - 1's (row 0: from the previous batch's last row;
//                true when there is none)
//
// Equality is the sort's: nulls equal each other, doubles by Spark's order (NaN = NaN, -0.0 = 0.0),
// strings by their bytes.

@_spi(EmberInternal) import Planner

enum WindowKeyChanges {
    /// Whether each row's keys differ from the row before it. `previous`: the last row of the batch
    /// before (its key columns and row), nil for the first batch of the input.
    static func changes(_ keys: [ColumnVector], count n: Int, previous: (keys: [ColumnVector], row: Int)?) -> [Bool] {
        var out = [Bool](repeating: false, count: n)
        guard n > 0 else { return out }
        if let previous {
            out[0] = zip(keys, previous.keys).contains { !equal($0, 0, $1, previous.row) }
        } else {
            out[0] = true
        }
        for column in keys { markChanges(column, &out) }
        return out
    }

    /// Sets out[r] for rows 1..<n whose value in `column` differs from row r - 1's.
    private static func markChanges(_ column: ColumnVector, _ out: inout [Bool]) {
        let n = out.count
        guard n > 1 else { return }
        var differs = [Bool](repeating: false, count: n)
        func fixed<T: Equatable>(_ v: [T]) {
            v.withUnsafeBufferPointer { p in
                for r in 1..<n where p[r] != p[r - 1] { differs[r] = true }
            }
        }
        switch column.values {
        case .long(let v), .timestamp(let v): fixed(v)
        case .date(let v): fixed(v)
        case .boolean(let v): fixed(v)
        case .double(let v):
            v.withUnsafeBufferPointer { p in
                for r in 1..<n where doubleCompare(p[r], p[r - 1]) != 0 { differs[r] = true }
            }
        case .string(let s):
            for r in 1..<n where s.compare(r, s, r - 1) != 0 { differs[r] = true }
        case .list:
            for r in 1..<n where compareValues(column.value(at: r), column.value(at: r - 1)) != 0 { differs[r] = true }
        }
        // What null slots hold means nothing: a null and a value differ, two nulls are equal.
        if let validity = column.validity {
            for r in 1..<n {
                let present = validity[r], before = validity[r - 1]
                if present != before { differs[r] = true } else if !present { differs[r] = false }
            }
        }
        for r in 1..<n where differs[r] { out[r] = true }
    }

    /// Row i of `a` and row j of `b` hold equal keys (the sort's equality).
    static func equal(_ a: ColumnVector, _ i: Int, _ b: ColumnVector, _ j: Int) -> Bool {
        let an = a.isNull(i), bn = b.isNull(j)
        if an || bn { return an && bn }
        switch (a.values, b.values) {
        case (.long(let x), .long(let y)), (.timestamp(let x), .timestamp(let y)): return x[i] == y[j]
        case (.date(let x), .date(let y)): return x[i] == y[j]
        case (.boolean(let x), .boolean(let y)): return x[i] == y[j]
        case (.double(let x), .double(let y)): return doubleCompare(x[i], y[j]) == 0
        case (.string(let x), .string(let y)): return x.compare(i, y, j) == 0
        default: return compareValues(a.value(at: i), b.value(at: j)) == 0
        }
    }
}
