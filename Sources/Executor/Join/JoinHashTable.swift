// JoinHashTable: the build side of a hash join — all its rows in one batch, and chains of row
// numbers per hash bucket of the key columns. A row whose key has a null in a `=` key position is
// never inserted (it can match nothing) but stays in the batch, so an outer join can still emit it.
//
//   heads[bucket] ─► row ─► next[row] ─► row ─► … ─► -1
//
// With no keys (a nested-loop join) every row is a candidate for every probe row.

@_spi(EmberInternal) import Planner

struct JoinHashTable {
    let rows: ColumnarBatch
    let keys: [ColumnVector]
    let nullSafe: [Bool]
    fileprivate var heads: [Int32] = []
    fileprivate var next: [Int32] = []
    fileprivate var mask: UInt64 = 0
    static let seed: UInt64 = 0x6A09E667F3BCC909

    /// Bytes the table's own arrays take for `rows` build rows (the rows themselves are extra).
    static func overheadBytes(rows: Int) -> Int { bucketCount(rows) * 4 + rows * 4 }

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
        let buckets = Self.bucketCount(n)
        mask = UInt64(buckets - 1)
        heads = [Int32](repeating: -1, count: buckets)
        next = [Int32](repeating: -1, count: n)
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows(keys, numRows: n, seed: Self.seed, into: &hashes)
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

    /// Whether some build row's key equals probe row `row` of `probeKeys` (stops at the first).
    func hasMatch(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ row: Int, _ equal: KeyEquality) -> Bool {
        if keys.isEmpty { return rows.numRows > 0 }
        if hasUnmatchableNull(probeKeys, row) { return false }
        var j = heads[Int(hashes[row] & mask)]
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
        var j = heads[Int(hashes[row] & mask)]
        while j >= 0 {
            if equal.matches(buildRow: Int(j), probeRow: row) { try body(j) }
            j = next[Int(j)]
        }
    }
}

extension JoinHashTable {
    /// The common join on one bigint, timestamp or date key with `=`: calls `body` with every
    /// (probe row, build row) pair whose keys are equal, in the order ``forEachMatch`` gives them
    /// (probe rows in order, chains in input order), comparing the typed key arrays directly.
    /// False, calling nothing, when the keys are not of that shape.
    @inline(__always)
    func forEachSingleKeyMatch(_ probeKeys: [ColumnVector], _ hashes: [UInt64], _ body: (Int, Int32) throws -> Void) rethrows -> Bool {
        guard keys.count == 1, probeKeys.count == 1, !nullSafe[0] else { return false }
        switch (keys[0].values, probeKeys[0].values) {
        case (.long(let b), .long(let p)), (.timestamp(let b), .timestamp(let p)):
            try probe(b, p, probeKeys[0].validity, hashes, body)
        case (.date(let b), .date(let p)):
            try probe(b, p, probeKeys[0].validity, hashes, body)
        default:
            return false
        }
        return true
    }

    @inline(__always)
    private func probe<T: Equatable>(_ build: [T], _ probe: [T], _ validity: Bitmap?, _ hashes: [UInt64],
                                     _ body: (Int, Int32) throws -> Void) rethrows {
        try build.withUnsafeBufferPointer { b in
            try probe.withUnsafeBufferPointer { p in
                try heads.withUnsafeBufferPointer { heads in
                    try next.withUnsafeBufferPointer { next in
                        try hashes.withUnsafeBufferPointer { h in
                            for row in 0..<p.count {
                                if let validity, !validity[row] { continue }   // a null key matches nothing
                                let key = p[row]
                                var j = heads[Int(h[row] & mask)]
                                while j >= 0 {
                                    if b[Int(j)] == key { try body(row, j) }
                                    j = next[Int(j)]
                                }
                            }
                        }
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
