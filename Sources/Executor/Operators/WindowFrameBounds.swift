// WindowFrameBounds: where each row's frame starts and ends within its partition group, computed
// row after row. Both ends only move forward as the current row does, so RANGE frames scan the
// group's ORDER BY keys with two forward cursors (one pass for the whole group):
//
//   ROWS   lo = i + lower offset, hi = i + upper offset (clamped to the group; UNBOUNDED: the ends)
//   RANGE  lo = first row whose key is not before key(i) + lower offset (in sort order)
//          hi = last row whose key is not after key(i) + upper offset
//          CURRENT ROW is an offset of zero: the current row's peers (equal ORDER BY values, over
//          every ORDER BY key). Offsets move against the sort direction for descending keys (as
//          Spark), and a null key's frame holds the null keys.
//
// A frame is empty when lo > hi.

@_spi(EmberInternal) import Planner

/// Where the work batches of a window operator keep what it evaluated once per row: the child's
/// columns, then the ORDER BY keys, then the functions' inputs.
struct WindowLayout {
    let childCount: Int
    let keyStart: Int
    /// The ORDER BY orders over the work batch's key columns.
    let keyOrders: [BoundSortOrder]

    func keys(_ batch: ColumnarBatch) -> SortKeys {
        SortKeys(columns: Array(batch.columns[keyStart..<keyStart + keyOrders.count]), orders: keyOrders)
    }
}

/// The output batch being filled: its rows are group rows start ..< start + batch.numRows.
struct WindowBatchContext {
    let batch: ColumnarBatch
    let start: Int
    let keys: SortKeys
}

/// A cursor with the ORDER BY keys of its batch at hand.
struct KeyedCursor {
    var cursor: GroupCursor
    let layout: WindowLayout
    /// The keys of the cursor's batch (of no batch before the first seek).
    private(set) var keys: SortKeys
    private var keysStart = -1

    init(_ cursor: GroupCursor, _ layout: WindowLayout) {
        self.cursor = cursor
        self.layout = layout
        keys = SortKeys(columns: [], orders: [])
    }

    /// Moves to group row `row` (forward only) and takes its batch's keys.
    mutating func seek(_ row: Int) throws {
        try cursor.seek(row)
        if keysStart != cursor.batchStart, let batch = cursor.batch {
            keys = layout.keys(batch)
            keysStart = cursor.batchStart
        }
    }
}

struct WindowFrameBounds {
    let frame: WindowFrame
    let count: Int
    let layout: WindowLayout
    private var lowScan: KeyedCursor
    private var highScan: KeyedCursor
    private var low = 0
    /// The first row past the frame's end.
    private var highNext = 0

    init(frame: WindowFrame, buffer: WindowGroupBuffer, layout: WindowLayout) {
        self.frame = frame
        self.count = buffer.count
        self.layout = layout
        lowScan = KeyedCursor(buffer.cursor(), layout)
        highScan = KeyedCursor(buffer.cursor(), layout)
    }

    /// The frame [lo, hi] of row `r` of the context's batch (group row ctx.start + r); rows come in order.
    mutating func bounds(_ ctx: WindowBatchContext, _ r: Int) throws -> (lo: Int, hi: Int) {
        let i = ctx.start + r
        switch frame.type {
        case .rows: return (rowsBound(frame.lower, i, isLower: true), rowsBound(frame.upper, i, isLower: false))
        case .range:
            let lo: Int, hi: Int
            if case .unboundedPreceding = frame.lower { lo = 0 } else {
                while low < count, try Self.compare(&lowScan, low, ctx, r, frame.lower) < 0 { low += 1 }
                lo = low
            }
            if case .unboundedFollowing = frame.upper { hi = count - 1 } else {
                while highNext < count, try Self.compare(&highScan, highNext, ctx, r, frame.upper) <= 0 { highNext += 1 }
                hi = highNext - 1
            }
            return (lo, hi)
        }
    }

    private func rowsBound(_ bound: WindowBound, _ i: Int, isLower: Bool) -> Int {
        switch bound {
        case .unboundedPreceding: return 0
        case .unboundedFollowing: return count - 1
        case .currentRow: return i
        case .offset(let v):
            let d = Int(clamping: v.longValue ?? 0)
            let (sum, overflow) = i.addingReportingOverflow(d)
            let row = overflow ? (d < 0 ? Int.min : Int.max) : sum
            return isLower ? Swift.min(Swift.max(row, 0), count) : Swift.max(Swift.min(row, count - 1), -1)
        }
    }

    /// Sort-order comparison of group row `j` with the current row moved by the bound's offset.
    /// Static, so that moving a scan does not copy the whole bounds.
    private static func compare(_ scan: inout KeyedCursor, _ j: Int, _ ctx: WindowBatchContext, _ r: Int, _ bound: WindowBound) throws -> Int {
        try scan.seek(j)
        let index = scan.cursor.index
        guard case .offset(let delta) = bound else {
            // CURRENT ROW: the rows are sorted, so a row before the current one sorts before it
            // unless it is a peer, and one after it sorts after it unless it is a peer.
            let i = ctx.start + r
            if j == i { return 0 }
            let peer = zip(scan.keys.columns, ctx.keys.columns).allSatisfy { WindowKeyChanges.equal($0, index, $1, r) }
            return peer ? 0 : (j < i ? -1 : 1)
        }
        let order = scan.layout.keyOrders[0]
        let target = Self.shifted(ctx.keys.columns[0].value(at: r), by: delta, ascending: order.ascending)
        return Self.orderCompare(scan.keys.columns[0].value(at: index), target, order)
    }

    /// `key` moved by `delta` in the sort direction (bigint saturates, dates clamp).
    static func shifted(_ key: Value, by delta: Value, ascending: Bool) -> Value {
        switch (key, delta) {
        case (.long(let x), .long(let d0)):
            let d = ascending ? d0 : (d0 == .min ? .max : -d0)
            let (sum, overflow) = x.addingReportingOverflow(d)
            return .long(overflow ? (d < 0 ? .min : .max) : sum)
        case (.date(let x), .long(let d0)):
            let d = ascending ? d0 : (d0 == .min ? .max : -d0)
            let (sum, overflow) = Int64(x).addingReportingOverflow(d)
            return .date(Int32(clamping: overflow ? (d < 0 ? Int64.min : Int64.max) : sum))
        case (.double(let x), _):
            let d = delta.doubleValue ?? 0
            return .double(ascending ? x + d : x - d)
        default: return key
        }
    }

    /// Compares two key values as the sort order does (nulls first or last, descending reversed).
    static func orderCompare(_ a: Value, _ b: Value, _ order: BoundSortOrder) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return order.nullsFirst ? -1 : 1
        case (false, true): return order.nullsFirst ? 1 : -1
        default:
            let c = compareValues(a, b)
            return order.ascending ? c : -c
        }
    }
}
