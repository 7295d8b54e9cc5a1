// FuzzReferenceJoins: the reference evaluator's joins and set operations, row at a time, with
// Spark's semantics:
//   - a join pairs every left row with every right row for which the whole condition is true
//     (keys `===`: null never matches; `<=>`: null matches null; numbers compare as Spark does,
//     bigint against double as doubles, NaN = NaN, -0.0 = 0.0); left/right/full outer joins add the
//     unmatched rows of their side with nulls for the other; semi keeps left rows with a match,
//     anti those without; `using` joins output each key once (the left's value, the right's for a
//     right outer join, the first non-null for a full outer one), then the other columns;
//   - union concatenates (by position, or by name with missing columns as nulls), widening bigint
//     and double to double; distinct, intersect and subtract compare whole rows with nulls equal
//     and give each distinct row once.
// Candidate pairs are found through buckets of equal keys (an index, not a shortcut: every pair in
// a bucket is still checked against the whole condition). A join whose answer or work would be too
// large to check is rejected as FuzzAmbiguous, so the runner generates another plan.

@_spi(EmberInternal) import Planner

extension FuzzReference {
    static let maxJoinRows = 250_000
    static let maxJoinPairs = 3_000_000

    static func join(_ l: FuzzResult, _ r: FuzzResult, _ j: FuzzJoin) throws -> FuzzResult {
        let lc = l.layout.names.count, rc = r.layout.names.count
        let (lq, rq) = j.qualifier == .alias ? ("\(FuzzJoin.aliases.0).", "\(FuzzJoin.aliases.1).") : ("", "")
        let both = FuzzLayout(names: l.layout.names.map { lq + $0 } + r.layout.names.map { rq + $0 },
                              types: l.layout.types + r.layout.types)
        let keys = j.keys.map { k in (l.layout.index[k.left]!, r.layout.index[k.right]!, k.nullSafe) }
        let residual = j.residual.map { FuzzEval.compile($0, both) }

        func bucket(_ row: [Value], _ side: KeyPath<(Int, Int, Bool), Int>) -> String? {
            var parts: [Value] = []
            for k in keys {
                let v = row[k[keyPath: side]]
                if v.isNull && !k.2 { return nil }
                // bigint against double compares as doubles
                parts.append(normalizeKey(v.isNull ? v : (l.layout.types[k.0] == r.layout.types[k.1] ? v : FuzzEval.cast(v, to: .double))))
            }
            return FuzzCell.key(parts, signedZero: true)
        }
        func matches(_ a: [Value], _ b: [Value]) -> Bool {
            for (li, ri, nullSafe) in keys {
                let x = a[li], y = b[ri]
                if x.isNull || y.isNull {
                    if nullSafe && x.isNull && y.isNull { continue }
                    return false
                }
                if FuzzEval.sparkCompare(x, y) != 0 { return false }
            }
            return residual.map { $0(a + b) == .boolean(true) } ?? true
        }

        var buckets: [String: [Int]] = [:]
        for (i, row) in r.rows.enumerated() {
            if let key = bucket(row, \.1) { buckets[key, default: []].append(i) }
        }
        var pairs = 0
        var matched: [(Int, Int)] = []
        var leftMatched = [Bool](repeating: false, count: l.rows.count)
        var rightMatched = [Bool](repeating: false, count: r.rows.count)
        for (i, row) in l.rows.enumerated() {
            guard let key = bucket(row, \.0), let candidates = buckets[key] else { continue }
            pairs += candidates.count
            if pairs > maxJoinPairs { throw FuzzAmbiguous() }
            for k in candidates where matches(row, r.rows[k]) {
                matched.append((i, k))
                leftMatched[i] = true
                rightMatched[k] = true
                if matched.count > maxJoinRows { throw FuzzAmbiguous() }
            }
        }

        let nullLeft = [Value](repeating: .null, count: lc), nullRight = [Value](repeating: .null, count: rc)
        let zeroLeft = [Double](repeating: 0, count: lc), zeroRight = [Double](repeating: 0, count: rc)
        var out = FuzzResult(layout: both, rows: [], slack: [])
        func emit(_ li: Int?, _ ri: Int?) {
            out.rows.append((li.map { l.rows[$0] } ?? nullLeft) + (ri.map { r.rows[$0] } ?? nullRight))
            out.slack.append((li.map { l.slack[$0] } ?? zeroLeft) + (ri.map { r.slack[$0] } ?? zeroRight))
        }
        switch j.type {
        case .leftSemi, .leftAnti:
            out.layout = FuzzLayout(names: Array(both.names.prefix(lc)), types: l.layout.types)
            for i in l.rows.indices where leftMatched[i] == (j.type == .leftSemi) {
                out.rows.append(l.rows[i])
                out.slack.append(l.slack[i])
            }
        default:
            for (i, k) in matched { emit(i, k) }
            if j.type.keepsUnmatchedLeft { for i in l.rows.indices where !leftMatched[i] { emit(i, nil) } }
            if j.type.keepsUnmatchedRight { for k in r.rows.indices where !rightMatched[k] { emit(nil, k) } }
        }
        if out.rows.count > maxJoinRows { throw FuzzAmbiguous() }

        if j.using { return usingOutput(out, j, keys.map { ($0.0, lc + $0.1) }, leftCount: lc) }
        if let output = j.output { return project(out, output.map { ($0.name, $0.expr) }) }
        if j.qualifier == .alias {
            out.layout = FuzzLayout(names: l.layout.names + (j.type.outputsRightColumns ? r.layout.names : []), types: out.layout.types)
        }
        return out
    }

    /// A `using` join's columns: each key once, then the left's other columns, then the right's.
    static func usingOutput(_ joined: FuzzResult, _ j: FuzzJoin, _ keys: [(Int, Int)], leftCount: Int) -> FuzzResult {
        let names = joined.layout.names, types = joined.layout.types
        let rightColumns = j.type.outputsRightColumns
        let keyPositions = Set(keys.map(\.0) + keys.map(\.1))
        let others = names.indices.filter { !keyPositions.contains($0) && ($0 < leftCount || rightColumns) }
        var out = FuzzResult(layout: FuzzLayout(names: keys.map { names[$0.0] } + others.map { names[$0] },
                                                types: keys.map { types[$0.0] } + others.map { types[$0] }),
                             rows: [], slack: [])
        for (row, slack) in zip(joined.rows, joined.slack) {
            var values: [Value] = [], s: [Double] = []
            for (li, ri) in keys {
                let pick: Int
                switch j.type {
                case .rightOuter: pick = ri
                case .fullOuter: pick = row[li].isNull ? ri : li
                default: pick = li
                }
                values.append(row[pick])
                s.append(slack[pick])
            }
            out.rows.append(values + others.map { row[$0] })
            out.slack.append(s + others.map { slack[$0] })
        }
        return out
    }

    // MARK: set operations

    static func setOperation(_ l: FuzzResult, _ r: FuzzResult, _ operation: FuzzSetOperation) -> FuzzResult {
        var (left, right) = (l, r)
        if operation.kind == .unionByName { (left, right) = alignByName(l, r, allowMissing: operation.allowMissingColumns) }
        let types = zip(left.layout.types, right.layout.types).map(widerType)
        left = widened(left, to: types)
        right = widened(right, to: types)
        if operation.kind.isUnion {
            left.rows += right.rows
            left.slack += right.slack
            return left
        }
        let present = Set(right.rows.map(rowKey))
        let keep = operation.kind == .intersect
        return distinct(FuzzResult(layout: left.layout, rows: left.rows.filter { present.contains(rowKey($0)) == keep },
                                   slack: left.rows.map { _ in types.map { _ in 0 } }))
    }

    /// unionByName: the right's columns in the left's order; a column only one side has is null
    /// on the other (the right's extra columns last).
    static func alignByName(_ l: FuzzResult, _ r: FuzzResult, allowMissing: Bool) -> (FuzzResult, FuzzResult) {
        let extra = r.layout.names.indices.filter { l.layout.index[r.layout.names[$0]] == nil }
        let names = l.layout.names + extra.map { r.layout.names[$0] }
        let types = l.layout.types + extra.map { r.layout.types[$0] }
        let layout = FuzzLayout(names: names, types: types)
        func aligned(_ x: FuzzResult) -> FuzzResult {
            let positions = names.map { x.layout.index[$0] }
            return FuzzResult(layout: FuzzLayout(names: names, types: names.indices.map { positions[$0].map { x.layout.types[$0] } ?? types[$0] }),
                              rows: x.rows.map { row in positions.map { $0.map { row[$0] } ?? .null } },
                              slack: x.slack.map { s in positions.map { $0.map { s[$0] } ?? 0 } })
        }
        var left = aligned(l)
        left.layout = layout
        return (left, aligned(r))
    }

    /// Spark's common type of a set operation's column: bigint and double widen to double; a
    /// string with anything else to string.
    static func widerType(_ a: DataType, _ b: DataType) -> DataType {
        if a == b { return a }
        return a == .string || b == .string ? .string : .double
    }

    static func widened(_ x: FuzzResult, to types: [DataType]) -> FuzzResult {
        var out = x
        out.layout = FuzzLayout(names: x.layout.names, types: types)
        let casts = types.indices.filter { x.layout.types[$0] != types[$0] }
        guard !casts.isEmpty else { return out }
        for i in out.rows.indices {
            for c in casts { out.rows[i][c] = FuzzEval.cast(out.rows[i][c], to: types[c]) }
        }
        return out
    }

    /// Spark's grouping of whole rows: nulls equal, NaN = NaN, -0.0 = 0.0.
    static func rowKey(_ row: [Value]) -> String { FuzzCell.key(row.map(normalizeKey), signedZero: true) }

    static func distinct(_ x: FuzzResult) -> FuzzResult {
        var seen = Set<String>()
        var out = FuzzResult(layout: x.layout, rows: [], slack: [])
        for (row, slack) in zip(x.rows, x.slack) where seen.insert(rowKey(row)).inserted {
            out.rows.append(row.map(normalizeKey))
            out.slack.append(slack)
        }
        return out
    }
}
