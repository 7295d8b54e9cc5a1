// WindowReference: a naive window-function evaluator for the tests, straight from the definitions:
// rows are grouped by their partition values, each group sorted stably by the order keys, and each
// row's frame is the set of group positions that satisfy the frame's two conditions (checked pair
// by pair, O(n²)); aggregates are folded over the frame's values in order. Spark's semantics: nulls
// first ascending and last descending unless asked otherwise, a null key's RANGE frame holds the
// null keys, RANGE offsets move against the sort direction for descending keys.

@_spi(EmberInternal) import Planner

struct RefOrder {
    var column: Int
    var ascending = true
    var nullsFirst: Bool? = nil
    var nulls: Bool { nullsFirst ?? ascending }
}

enum RefFunction {
    case rowNumber, rank, denseRank, percentRank, cumeDist
    case ntile(Int)
    /// Value of `column` `offset` rows away (negative: before), else `fallback`.
    case offset(column: Int, offset: Int, fallback: Value, ignoreNulls: Bool)
    /// An aggregate of `column` (nil: count(*)) over the frame.
    case aggregate(AggregateFunction, column: Int?, frame: WindowFrame)
}

enum WindowReference {
    /// The function's value for each row, in the rows' input order.
    static func evaluate(_ rows: [[Value]], partitionBy: [Int], orderBy: [RefOrder], _ function: RefFunction) -> [Value] {
        var groups: [String: [Int]] = [:]
        var groupOrder: [String] = []
        for (i, row) in rows.enumerated() {
            let key = partitionBy.map { normalized(row[$0]).description + "|\(row[$0].isNull)" }.joined(separator: "\u{1}")
            if groups[key] == nil { groupOrder.append(key) }
            groups[key, default: []].append(i)
        }
        var out = [Value](repeating: .null, count: rows.count)
        for key in groupOrder {
            let members = groups[key]!.sorted { a, b in
                let c = compare(rows[a], rows[b], orderBy)
                return c != 0 ? c < 0 : a < b
            }
            let sorted = members.map { rows[$0] }
            for (p, rowIndex) in members.enumerated() {
                out[rowIndex] = value(function, at: p, sorted, orderBy)
            }
        }
        return out
    }

    static func normalized(_ v: Value) -> Value {
        if case .double(let x) = v, x == 0 { return .double(0) }
        return v
    }

    static func compare(_ a: [Value], _ b: [Value], _ orders: [RefOrder]) -> Int {
        for o in orders {
            let c = orderCompare(a[o.column], b[o.column], o)
            if c != 0 { return c }
        }
        return 0
    }

    static func orderCompare(_ a: Value, _ b: Value, _ o: RefOrder) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return o.nulls ? -1 : 1
        case (false, true): return o.nulls ? 1 : -1
        default:
            let c = compareValues(a, b)
            return o.ascending ? c : -c
        }
    }

    static func value(_ f: RefFunction, at p: Int, _ g: [[Value]], _ orders: [RefOrder]) -> Value {
        let n = g.count
        let rank = (0..<n).first { compare(g[$0], g[p], orders) == 0 }! + 1
        switch f {
        case .rowNumber: return .long(Int64(p + 1))
        case .rank: return .long(Int64(rank))
        case .denseRank:
            var dense = 1
            for j in 1..<(p + 1) where compare(g[j], g[j - 1], orders) != 0 { dense += 1 }
            return .long(Int64(dense))
        case .percentRank: return .double(n > 1 ? Double(rank - 1) / Double(n - 1) : 0)
        case .cumeDist:
            let through = (0..<n).filter { compare(g[$0], g[p], orders) <= 0 }.count
            return .double(Double(through) / Double(n))
        case .ntile(let k):
            // Deal the rows out: bucket b holds n / k rows, plus one for the first n % k buckets.
            var bucketOf: [Int] = []
            for b in 0..<k { bucketOf += Array(repeating: b + 1, count: n / k + (b < n % k ? 1 : 0)) }
            return .long(Int64(bucketOf[p]))
        case .offset(let c, let offset, let fallback, let ignoreNulls):
            if offset == 0 { return g[p][c] }
            if !ignoreNulls {
                let t = p + offset
                return t >= 0 && t < n ? g[t][c] : fallback
            }
            let candidates = offset > 0 ? Array((p + 1)..<n) : Array((0..<p).reversed())
            let nonNull = candidates.filter { !g[$0][c].isNull }
            return abs(offset) <= nonNull.count ? g[nonNull[abs(offset) - 1]][c] : fallback
        case .aggregate(let function, let c, let frame):
            let members = (0..<n).filter { j in inFrame(j, p, g, orders, frame) }
            return aggregate(function, members.map { j in c.map { g[j][$0] } ?? .long(1) })
        }
    }

    static func inFrame(_ j: Int, _ p: Int, _ g: [[Value]], _ orders: [RefOrder], _ frame: WindowFrame) -> Bool {
        func satisfies(_ bound: WindowBound, lower: Bool) -> Bool {
            switch bound {
            case .unboundedPreceding, .unboundedFollowing: return true
            default: break
            }
            let delta = bound.offsetValue!
            switch frame.type {
            case .rows:
                let t = p + Int(delta.longValue!)
                return lower ? j >= t : j <= t
            case .range:
                let c: Int
                if case .currentRow = bound { c = compare(g[j], g[p], orders) } else {
                    let o = orders[0]
                    let target = shifted(g[p][o.column], delta, o.ascending)
                    c = orderCompare(g[j][o.column], target, o)
                }
                return lower ? c >= 0 : c <= 0
            }
        }
        return satisfies(frame.lower, lower: true) && satisfies(frame.upper, lower: false)
    }

    static func shifted(_ key: Value, _ delta: Value, _ ascending: Bool) -> Value {
        switch (key, delta) {
        case (.null, _): return .null
        case (.long(let x), .long(let d)):
            // Ember saturates where Spark's bound arithmetic would wrap around.
            let (sum, overflow) = ascending ? x.addingReportingOverflow(d) : x.subtractingReportingOverflow(d)
            return .long(overflow ? ((ascending ? d : -d) < 0 ? .min : .max) : sum)
        case (.date(let x), .long(let d)): return .date(Int32(clamping: ascending ? Int64(x) + d : Int64(x) - d))
        case (.double(let x), _): return .double(ascending ? x + delta.doubleValue! : x - delta.doubleValue!)
        default: return key
        }
    }

    /// Spark's aggregates over the frame's values in order (nulls skipped but by first/last).
    static func aggregate(_ f: AggregateFunction, _ values: [Value]) -> Value {
        let present = values.filter { !$0.isNull }
        switch f {
        case .count: return .long(Int64(present.count))
        case .sum:
            if present.isEmpty { return .null }
            if case .long = present[0] { return .long(present.reduce(Int64(0)) { $0 &+ $1.longValue! }) }
            return .double(present.reduce(0.0) { $0 + $1.doubleValue! })
        case .avg: return present.isEmpty ? .null : .double(present.reduce(0.0) { $0 + $1.doubleValue! } / Double(present.count))
        case .min: return present.min { compareValues($0, $1) < 0 } ?? .null
        case .max: return present.max { compareValues($0, $1) < 0 } ?? .null
        case .first: return values.first ?? .null
        case .last: return values.last ?? .null
        case .firstIgnoreNulls: return present.first ?? .null
        case .lastIgnoreNulls: return present.last ?? .null
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            let xs = present.map { $0.doubleValue! }
            let sample = f == .varSamp || f == .stddevSamp
            if xs.isEmpty || (sample && xs.count == 1) { return .null }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sample ? xs.count - 1 : xs.count)
            return .double(f == .varSamp || f == .varPop ? variance : variance.squareRoot())
        }
    }

    /// Whether an engine value matches the reference's (doubles within a relative tolerance).
    static func matches(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            if x.isInfinite || y.isInfinite { return x == y }
            return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
        default: return a == b
        }
    }
}
