// JoinHashTable: the build side of a hash join — all its rows in one batch, and chains of row
// numbers per hash bucket of the key columns. A row whose key has a null in a `=` key position is
// never inserted (it can match nothing) but stays in the batch, so an outer join can still emit it.
//
//   heads[bucket] ─► row ─► next[row] ─► row ─► … ─► -1
//
// A single bigint, date or timestamp `=` key (the common join) uses SingleKeySlots instead of heads:
// a slot per distinct key, its chain holding only rows with that key.
//
// With no keys (a nested-loop join) every row is a candidate for every probe row.

import CPrefetch
@_spi(EmberInternal) import Planner

struct JoinHashTable {
    let rows: ColumnarBatch
    let keys: [ColumnVector]
    let nullSafe: [Bool]
    fileprivate var heads: [Int32] = []
    fileprivate var next: [Int32] = []
    fileprivate var mask: UInt64 = 0
    /// Set (and `heads` empty) for a single bigint/date/timestamp `=` key.
    fileprivate var slots: SingleKeySlots?
    static let seed: UInt64 = 0x6A09E667F3BCC909

    /// Bytes the table's own arrays take for `rows` build rows (the rows themselves are extra), in
    /// the larger of its two layouts.
    static func overheadBytes(rows: Int) -> Int { max(bucketCount(rows) * 4, SingleKeySlots.bytes(rows: rows)) + rows * 4 }

    static func bucketCount(_ rows: Int) -> Int {
        var n = 16
        while n < rows * 2 { n <<= 1 }
        return n
    }

    init(rows: ColumnarBatch, keyExpressions: [BoundExpression], nullSafe: [Bool]) throws {
        self.rows = rows
        self.keys = try keyExpressions.map { try $0.evaluate(rows) }
        self.nullSafe = nullSafe
        guard !keys.isEmpty else { return }
        let n = rows.numRows
        next = [Int32](repeating: -1, count: n)
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows(keys, numRows: n, seed: Self.seed, into: &hashes)
        if keys.count == 1, !nullSafe[0] {
            let validity = keys[0].validity
            let insert = { (row: Int) in validity?[row] ?? true }
            switch keys[0].values {
            case .long(let v), .timestamp(let v):
                slots = v.withUnsafeBufferPointer { SingleKeySlots(keys: $0, hashes: hashes, next: &next, insert: insert) }
                return
            case .date(let v):
                slots = v.withUnsafeBufferPointer { SingleKeySlots(keys: $0, hashes: hashes, next: &next, insert: insert) }
                return
            default: break
            }
        }
        let buckets = Self.bucketCount(n)
        mask = UInt64(buckets - 1)
        heads = [Int32](repeating: -1, count: buckets)
        // Insert in reverse so each chain lists rows in input order.
        for row in stride(from: n - 1, through: 0, by: -1) where !hasUnmatchableNull(keys, row) {
            let b = Int(hashes[row] & mask)
            next[row] = heads[b]
            heads[b] = Int32(row)
        }
    }

    var isNestedLoop: Bool { keys.isEmpty }

    /// True when a `=` key of row `row` of `columns` is null: such a row matches nothing.
    func hasUnmatchableNull(_ columns: [ColumnVector], _ row: Int) -> Bool { Self.hasUnmatchableNull(columns, row, nullSafe) }

    static func hasUnmatchableNull(_ columns: [ColumnVector], _ row: Int, _ nullSafe: [Bool]) -> Bool {
        for (k, c) in columns.enumerated() where !nullSafe[k] && c.isNull(row) { return true }
        return false
    }

    /// The first build row on probe row `row`'s chain (-1: none).
    @inline(__always)
    func chainStart(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ row: Int) -> Int32 {
        guard let slots else { return heads[Int(hashes[row] & mask)] }
        switch probeKeys[0].values {
        case .long(let v), .timestamp(let v): return slots.first(v[row], hash: hashes[row])
        case .date(let v): return slots.first(Int64(v[row]), hash: hashes[row])
        default: return -1   // the build key's type: probe keys have the same
        }
    }

    /// Whether some build row's key equals probe row `row` of `probeKeys` (stops at the first).
    func hasMatch(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ row: Int, _ equal: KeyEquality) -> Bool {
        if keys.isEmpty { return rows.numRows > 0 }
        if hasUnmatchableNull(probeKeys, row) { return false }
        var j = chainStart(probeKeys, hashes, row)
        while j >= 0 {
            if equal.matches(buildRow: Int(j), probeRow: row) { return true }
            j = next[Int(j)]
        }
        return false
    }

    /// Calls `body` with each build row whose key equals probe row `row` of `probeKeys`.
    @inline(__always)
    func forEachMatch(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ row: Int, _ equal: KeyEquality,
                      _ body: (Int32) throws -> Void) rethrows {
        if keys.isEmpty {
            for j in 0..<Int32(rows.numRows) { try body(j) }
            return
        }
        if hasUnmatchableNull(probeKeys, row) { return }
        var j = chainStart(probeKeys, hashes, row)
        while j >= 0 {
            if equal.matches(buildRow: Int(j), probeRow: row) { try body(j) }
            j = next[Int(j)]
        }
    }
}

extension JoinHashTable {
    /// Rows between the one probed and the one whose slot is prefetched.
    static let prefetchDistance = 8

    /// The common join on one bigint, timestamp or date key with `=`: calls `body` with every
    /// (probe row, build row) pair whose keys are equal, in the order ``forEachMatch`` gives them
    /// (probe rows in order, chains in input order), comparing the typed key arrays directly.
    /// False, calling nothing, when the keys are not of that shape.
    @inline(__always)
    func forEachSingleKeyMatch(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ body: (Int, Int32) throws -> Void) rethrows -> Bool {
        try next.withUnsafeBufferPointer { next in
            // Every row on the key's chain has the key: no comparison left to do.
            try forEachSingleKeyChain(probeKeys, hashes) { row, first in
                var j = first
                while j >= 0 {
                    try body(row, j)
                    j = next[Int(j)]
                }
            }
        }
    }

    /// For one bigint, timestamp or date `=` key: sets `matched[row]` for each probe row whose key
    /// some build row has (its chain's head decides). False, setting nothing, when the keys are
    /// not of that shape.
    func markSingleKeyMatches(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ matched: inout [Bool]) -> Bool {
        matched.withUnsafeMutableBufferPointer { m in
            forEachSingleKeyChain(probeKeys, hashes) { row, first in m[row] = first >= 0 }
        }
    }

    /// For one bigint, timestamp or date `=` key: calls `body` with each probe row whose key is not
    /// null and the first build row of its key's chain (-1: none), prefetching slots ahead. False,
    /// calling nothing, when the keys are not of that shape.
    @inline(__always)
    private func forEachSingleKeyChain(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ body: (Int, Int32) throws -> Void) rethrows -> Bool {
        guard keys.count == 1, probeKeys.count == 1, !nullSafe[0], slots != nil else { return false }
        switch (keys[0].values, probeKeys[0].values) {
        case (.long, .long(let p)), (.timestamp, .timestamp(let p)):
            try chains(p, probeKeys[0].validity, hashes, body)
        case (.date, .date(let p)):
            try chains(p, probeKeys[0].validity, hashes, body)
        default:
            return false
        }
        return true
    }

    @inline(__always)
    private func chains<T: BinaryInteger>(_ probe: [T], _ validity: Bitmap?, _ hashes: [UInt64],
                                          _ body: (Int, Int32) throws -> Void) rethrows {
        guard let slots else { return }
        try probe.withUnsafeBufferPointer { p in
            try slots.slots.withUnsafeBufferPointer { s in
                try hashes.withUnsafeBufferPointer { h in
                    let mask = slots.mask, count = p.count
                    for row in 0..<count {
                        // The slot of a row a few ahead: its cache miss overlaps this row's work.
                        if row + Self.prefetchDistance < count {
                            ember_prefetch(s.baseAddress! + Int(h[row + Self.prefetchDistance] & mask))
                        }
                        if let validity, !validity[row] { continue }   // a null key matches nothing
                        try body(row, SingleKeySlots.first(s, mask: mask, Int64(p[row]), hash: h[row]))
                    }
                }
            }
        }
    }
}

/// Compares key columns of a build row and a probe row (same types), with Spark's join equality:
/// doubles equal as `=` compares them (NaN = NaN, -0.0 = 0.0), null equals null only for `<=>`.
struct KeyEquality {
    private let comparers: [(Int, Int) -> Bool]

    init(build: [ColumnVector], probe: [ColumnVector], nullSafe: [Bool]) {
        comparers = zip(build, probe).enumerated().map { k, pair in
            let (b, p) = pair
            let values: (Int, Int) -> Bool
            switch (b.values, p.values) {
            case (.long(let x), .long(let y)), (.timestamp(let x), .timestamp(let y)): values = { x[$0] == y[$1] }
            case (.date(let x), .date(let y)): values = { x[$0] == y[$1] }
            case (.double(let x), .double(let y)): values = { doubleCompare(x[$0], y[$1]) == 0 }
            case (.boolean(let x), .boolean(let y)): values = { x[$0] == y[$1] }
            case (.string(let x), .string(let y)): values = { x.equals($0, y, $1) }
            default: values = { compareValues(b.value(at: $0), p.value(at: $1)) == 0 }
            }
            guard b.hasNulls || p.hasNulls else { return values }
            if nullSafe[k] {
                return { i, j in
                    let bn = b.isNull(i), pn = p.isNull(j)
                    return bn || pn ? bn && pn : values(i, j)
                }
            }
            return values   // rows with a null `=` key never reach the comparison
        }
    }

    @inline(__always) func matches(buildRow i: Int, probeRow j: Int) -> Bool {
        for c in comparers where !c(i, j) { return false }
        return true
    }
}
