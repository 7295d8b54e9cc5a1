// FuzzWindow: the differential fuzzer's window step, `withColumn(alias, f.over(spec))`, with the
// spec and function drawn at random, and its reference (WindowReference over the step's rows).
//
// Only plans whose answer does not depend on the order of tied rows are drawn: rank, dense_rank,
// percent_rank, cume_dist and aggregates other than first/last over RANGE frames (or the whole
// partition) with any ORDER BY; row_number, ntile, lag, lead, first, last and ROWS frames only
// with an ORDER BY over every column of the input (rows tied on all of them are alike, so which
// comes first changes no row of the result). Sums and averages only over inputs whose double
// sums are exact in any order. The reference is quadratic in a partition's rows: a window step
// over more than 4,000 rows makes the plan ambiguous, and the runner draws another.

import Engine
@_spi(EmberInternal) import Planner

enum FuzzWindowFunction: Sendable {
    case rowNumber, rank, denseRank, percentRank, cumeDist
    case ntile(Int)
    case lag(String, Int, FuzzExpr?)
    case lead(String, Int, FuzzExpr?)
    /// An aggregate of a column (nil: count(*)).
    case aggregate(AggregateFunction, String?)
}

struct FuzzWindow: Sendable {
    var partitionBy: [String]
    var orderBy: [FuzzSortKey]
    /// (RANGE or ROWS, lower, upper) as rowsBetween/rangeBetween take them; nil: the default frame.
    var frame: (type: WindowFrameType, lower: Int64, upper: Int64)?
    var function: FuzzWindowFunction
    var alias: String

    static let maxRows = 4_000

    var spec: WindowSpec {
        var w = Window.partitionBy(partitionBy.map { col($0) })
        if !orderBy.isEmpty { w = w.orderBy(orderBy.map(\.sortColumn)) }
        guard let frame else { return w }
        return frame.type == .rows ? w.rowsBetween(frame.lower, frame.upper) : w.rangeBetween(frame.lower, frame.upper)
    }

    var functionColumn: Engine.Column {
        switch function {
        case .rowNumber: return row_number()
        case .rank: return rank()
        case .denseRank: return dense_rank()
        case .percentRank: return percent_rank()
        case .cumeDist: return cume_dist()
        case .ntile(let n): return ntile(n)
        case .lag(let c, let n, let d): return lag(col(c), n, d?.column)
        case .lead(let c, let n, let d): return lead(col(c), n, d?.column)
        case .aggregate(let f, let c):
            let input = c.map { col($0) } ?? col("*")
            switch f {
            case .count: return count(input)
            case .sum: return sum(input)
            case .avg: return avg(input)
            case .min: return min(input)
            case .max: return max(input)
            case .first, .firstIgnoreNulls: return first(input, ignoreNulls: f == .firstIgnoreNulls)
            default: return last(input, ignoreNulls: f == .lastIgnoreNulls)
            }
        }
    }

    var column: Engine.Column { functionColumn.over(spec) }

    /// The function's name and frame kind, for the run's summary ("window sum rows", "window rank").
    var functionName: String {
        let name: String
        switch function {
        case .rowNumber: name = "row_number"
        case .rank: name = "rank"
        case .denseRank: name = "dense_rank"
        case .percentRank: name = "percent_rank"
        case .cumeDist: name = "cume_dist"
        case .ntile: name = "ntile"
        case .lag: name = "lag"
        case .lead: name = "lead"
        case .aggregate(let f, _): name = f.rawValue
        }
        return name + (frame.map { " " + $0.type.rawValue.lowercased() } ?? "")
    }

    var swiftText: String {
        let f: String
        switch function {
        case .rowNumber: f = "row_number()"
        case .rank: f = "rank()"
        case .denseRank: f = "dense_rank()"
        case .percentRank: f = "percent_rank()"
        case .cumeDist: f = "cume_dist()"
        case .ntile(let n): f = "ntile(\(n))"
        case .lag(let c, let n, let d): f = "lag(col(\(quoted(c))), \(n), \(d?.swiftText ?? "nil"))"
        case .lead(let c, let n, let d): f = "lead(col(\(quoted(c))), \(n), \(d?.swiftText ?? "nil"))"
        case .aggregate(let fn, let c):
            let input = c.map { "col(\(quoted($0)))" } ?? "col(\"*\")"
            switch fn {
            case .firstIgnoreNulls: f = "first(\(input), ignoreNulls: true)"
            case .lastIgnoreNulls: f = "last(\(input), ignoreNulls: true)"
            default: f = "\(fn.rawValue)(\(input))"
            }
        }
        var spec = "Window.partitionBy(\(partitionBy.map { "col(\(quoted($0)))" }.joined(separator: ", ")))"
        if !orderBy.isEmpty { spec += ".orderBy(\(orderBy.map(\.swiftText).joined(separator: ", ")))" }
        if let frame {
            func bound(_ b: Int64) -> String {
                b == .min ? "Window.unboundedPreceding" : b == .max ? "Window.unboundedFollowing" : "\(b)"
            }
            spec += ".\(frame.type == .rows ? "rowsBetween" : "rangeBetween")(\(bound(frame.lower)), \(bound(frame.upper)))"
        }
        return ".withColumn(\(quoted(alias)), \(f).over(\(spec)))"
    }

    /// The result type, as Spark's (bigint where Spark has int).
    func type(in types: [String: DataType]) -> DataType {
        switch function {
        case .rowNumber, .rank, .denseRank, .ntile: return .long
        case .percentRank, .cumeDist: return .double
        case .lag(let c, _, _), .lead(let c, _, _): return types[c] ?? .string
        case .aggregate(let f, let c):
            switch f {
            case .count: return .long
            case .avg: return .double
            case .sum: return types[c ?? ""] == .double ? .double : .long
            default: return types[c ?? ""] ?? .long
            }
        }
    }

    /// The reference's values for the rows of `r` (ambiguous over more than maxRows rows).
    func reference(_ r: FuzzResult) throws -> [Value] {
        guard r.rows.count <= Self.maxRows else { throw FuzzAmbiguous() }
        let index = r.layout.index
        let orders = orderBy.map { RefOrder(column: index[$0.column]!, ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        let ref: RefFunction
        switch function {
        case .rowNumber: ref = .rowNumber
        case .rank: ref = .rank
        case .denseRank: ref = .denseRank
        case .percentRank: ref = .percentRank
        case .cumeDist: ref = .cumeDist
        case .ntile(let n): ref = .ntile(n)
        case .lag(let c, let n, let d), .lead(let c, let n, let d):
            var fallback = Value.null
            if case .literal(let v, _)? = d { fallback = v }
            if case .lag = function { ref = .offset(column: index[c]!, offset: -n, fallback: fallback, ignoreNulls: false) }
            else { ref = .offset(column: index[c]!, offset: n, fallback: fallback, ignoreNulls: false) }
        case .aggregate(let f, let c):
            let resolved = frame.map { WindowFrame($0.type, .fromLong($0.lower), .fromLong($0.upper)) }
                ?? (orderBy.isEmpty ? .wholePartition : .rangeToCurrentRow)
            ref = .aggregate(f, column: c.map { index[$0]! }, frame: resolved)
        }
        return WindowReference.evaluate(r.rows, partitionBy: partitionBy.map { index[$0]! }, orderBy: orders, ref)
    }
}

extension FuzzGenerator {
    /// A window step over the current columns, or nil when none fits them.
    mutating func windowStep() -> [FuzzStep]? {
        guard !usable.isEmpty else { return nil }
        let alias = fresh("w")
        var partitionBy: [String] = []
        for _ in 0..<rng.below(3) {
            let c = pick(usable).name
            if !partitionBy.contains(c) { partitionBy.append(c) }
        }
        let totalOrder = columns.allSatisfy(\.exact) && !columns.isEmpty
        var window = FuzzWindow(partitionBy: partitionBy, orderBy: [], frame: nil, function: .rank, alias: alias)
        var output = FuzzColumn(name: alias, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true)
        let orderedByAll = { (g: inout FuzzGenerator) -> [FuzzSortKey] in
            g.columns.map { FuzzSortKey(column: $0.name, ascending: g.chance(0.5), flipNulls: g.chance(0.25)) }.shuffled(using: &g.rng)
        }
        switch rng.below(totalOrder ? 10 : 5) {
        case 0, 1:
            // Ranking over any order: ties share their rank.
            guard let keys = sortKeys() else { return nil }
            window.orderBy = keys
            window.function = pick([.rank, .denseRank, .percentRank, .cumeDist])
            if case .percentRank = window.function { output.type = .double; output.bound = .unknown }
            if case .cumeDist = window.function { output.type = .double; output.bound = .unknown }
        case 2, 3, 4:
            // An aggregate over the default frame, the whole partition, or a RANGE frame.
            guard let (f, input, column) = windowAggregate(allowFirstLast: false) else { return nil }
            window.function = .aggregate(f, input)
            output = column
            switch rng.below(3) {
            case 0: break   // whole partition
            case 1: window.orderBy = sortKeys() ?? []
            default:
                let keys = usable.filter { $0.type == .long || $0.type == .date || ($0.type == .double && $0.bound.magnitude < 40) }
                guard let key = keys.randomElement(using: &rng) else { return nil }
                window.orderBy = [FuzzSortKey(column: key.name, ascending: chance(0.5), flipNulls: chance(0.25))]
                window.frame = (.range, frameBound(lower: true), frameBound(lower: false))
            }
        case 5, 6:
            window.orderBy = orderedByAll(&self)
            window.function = pick([.rowNumber, .ntile(1 + rng.below(5))])
        case 7:
            window.orderBy = orderedByAll(&self)
            let c = pick(usable.filter { $0.type != .boolean }.isEmpty ? usable : usable.filter { $0.type != .boolean })
            let offset = 1 + rng.below(3)
            let fallback: FuzzExpr? = chance(0.5) && c.type != .date ? literal(c.type) : nil
            window.function = chance(0.5) ? .lag(c.name, offset, fallback) : .lead(c.name, offset, fallback)
            output = FuzzColumn(name: alias, type: c.type, bound: c.bound, exact: true)
        default:
            window.orderBy = orderedByAll(&self)
            guard let (f, input, column) = windowAggregate(allowFirstLast: true) else { return nil }
            window.function = .aggregate(f, input)
            output = column
            if chance(0.7) { window.frame = (.rows, frameBound(lower: true), frameBound(lower: false)) }
        }
        columns.append(output)
        return [.window(window)]
    }

    /// lower ≤ upper, from small offsets and the unbounded ends.
    mutating func frameBound(lower: Bool) -> Int64 {
        let offsets: [Int64] = [-3, -2, -1, 0, 0, 1, 2, 3]
        if chance(0.3) { return lower ? Window.unboundedPreceding : Window.unboundedFollowing }
        let o = pick(offsets)
        return lower ? Swift.min(o, 0) : Swift.max(o, 0)
    }

    /// An aggregate over a usable column with its output column (sums only when exact in any order).
    mutating func windowAggregate(allowFirstLast: Bool) -> (AggregateFunction, String?, FuzzColumn)? {
        var functions: [AggregateFunction] = [.count, .count, .sum, .avg, .min, .max]
        if allowFirstLast { functions += [.first, .last, .firstIgnoreNulls, .lastIgnoreNulls] }
        let f = pick(functions)
        let name = "w\(counter)"
        if f == .count && chance(0.3) {
            return (.count, nil, FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true))
        }
        let candidates = usable.filter { c in
            switch f {
            case .sum, .avg: return (c.type == .long || c.type == .double) && c.bound.summableExactly
            case .min, .max: return c.type != .boolean
            default: return true
            }
        }
        guard let c = candidates.randomElement(using: &rng) else { return nil }
        switch f {
        case .count: return (f, c.name, FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true))
        case .sum:
            return (f, c.name, FuzzColumn(name: name, type: c.type, bound: NumericBound(magnitude: Swift.min(64, c.bound.magnitude + 21), fraction: c.bound.fraction), exact: true))
        case .avg: return (f, c.name, FuzzColumn(name: name, type: .double, bound: NumericBound(magnitude: c.bound.magnitude, fraction: 64), exact: true))
        default: return (f, c.name, FuzzColumn(name: name, type: c.type, bound: c.bound, exact: true))
        }
    }
}
