// FuzzReference: runs a FuzzPlan over a table's rows one row at a time, with Spark's semantics:
//   - filter keeps rows whose condition is true (null and false drop the row);
//   - groupBy keys compare as Spark's normalized values (-0.0 = 0.0, all NaNs one key, null one
//     key); count(*) counts rows, count(x) non-null values; sum/avg/min/max skip nulls and are
//     null when a group has no non-null value; sum(bigint) wraps, sum/avg of a string casts it to
//     double; avg = sum / count in double; min/max use Spark's order (NaN largest); a global
//     aggregate (no keys) gives one row even over no input;
//   - orderBy: ascending puts nulls first and descending last unless asked otherwise;
//   - explode(split(s, p)): Java's String.split with limit -1 (trailing empty strings kept, ""
//     gives one empty token), no rows for a null string;
//   - joins, set operations and distinct: FuzzReferenceJoins.
// A double sum or average whose exact value depends on the order of additions gets a tolerance
// (`slack`) the comparer allows. The final orderBy and limit are returned, not applied to the
// tie order: the comparer checks them.

@_spi(EmberInternal) import Planner

struct FuzzResult {
    var layout: FuzzLayout
    var rows: [[Value]]
    /// Per row and column: how far the engine's double may be from this one (0: exact).
    var slack: [[Double]]
    /// The final orderBy, if the plan ends with one (possibly followed by a limit).
    var ordering: [FuzzSortKey]? = nil
    /// The final limit, if the plan ends with one.
    var limit: Int? = nil
}

/// The plan cannot be checked deterministically (a mid-plan limit whose boundary splits rows that
/// differ); the runner generates another plan.
struct FuzzAmbiguous: Error {}

enum FuzzReference {
    /// Relative error allowed per unit of Σ|x| for double sums and averages.
    static let relativeSlack = 1e-9

    static func run(_ plan: FuzzPlan, table layout: FuzzLayout, rows: [[Value]]) throws -> FuzzResult {
        let source = FuzzResult(layout: layout, rows: rows, slack: rows.map { _ in [Double](repeating: 0, count: layout.names.count) })
        return try run(plan.steps, from: source, source: source, final: true)
    }

    /// Runs `steps` from `start`; a second input starts from `source`. Only a `final` chain may end
    /// with an orderBy and limit left to the comparer (a second input's limit must be deterministic).
    static func run(_ steps: [FuzzStep], from start: FuzzResult, source: FuzzResult, final: Bool) throws -> FuzzResult {
        var r = start
        for (i, step) in steps.enumerated() {
            let isLast = final && i == steps.count - 1
            switch step {
            case .filter(let e):
                var rows: [[Value]] = [], slack: [[Double]] = []
                let condition = FuzzEval.compile(e, r.layout)
                for (k, row) in r.rows.enumerated() where condition(row) == .boolean(true) {
                    rows.append(row)
                    slack.append(r.slack[k])
                }
                r.rows = rows
                r.slack = slack
            case .select(let items):
                r = project(r, items.map { ($0.name, $0.expr) })
            case .withColumn(let name, let e):
                var items = r.layout.names.map { ($0, FuzzExpr.column($0)) }
                if let i = r.layout.names.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                    items[i] = (name, e)
                } else {
                    items.append((name, e))
                }
                r = project(r, items)
            case .aggregate(let keys, let aggs):
                r = aggregate(r, keys: keys, aggs: aggs)
            case .orderBy(let keys):
                let order = sortedRows(r, keys)
                r.rows = order.map { r.rows[$0] }
                r.slack = order.map { r.slack[$0] }
                let lastSort = isLast || (final && i == steps.count - 2 && { if case .limit = steps[i + 1] { return true }; return false }())
                if lastSort { r.ordering = keys }
            case .limit(let n):
                if isLast { r.limit = n; continue }
                guard i > 0, case .orderBy(let keys) = steps[i - 1] else { throw FuzzAmbiguous() }
                try checkBoundary(r, keys, n)
                r.rows = Array(r.rows.prefix(n))
                r.slack = Array(r.slack.prefix(n))
                r.ordering = nil
            case .repartition, .coalesce, .cache, .sortWithinPartitions:
                break
            case .explode(let column, let pattern, let alias):
                r = explode(r, source: column, pattern: pattern, alias: alias)
            case .join(let j):
                r = try join(r, try run(j.right, from: source, source: source, final: false), j)
            case .setOperation(let operation):
                r = setOperation(r, try run(operation.right, from: source, source: source, final: false), operation)
            case .subquery(let s):
                r = s.reference(r, try run(s.inner, from: source, source: source, final: false))
            case .window(let w):
                let values = try w.reference(r)
                r.layout = FuzzLayout(names: r.layout.names + [w.alias], types: r.layout.types + [w.type(in: r.layout.typeByName)])
                for k in r.rows.indices {
                    r.rows[k].append(values[k])
                    r.slack[k].append(0)
                }
            case .distinct:
                r = distinct(r)
            case .dropDuplicates(let cols):
                r = distinct(project(r, cols.map { ($0, FuzzExpr.column($0)) }))
            }
        }
        return r
    }

    static func project(_ r: FuzzResult, _ items: [(String, FuzzExpr)]) -> FuzzResult {
        var out = FuzzResult(layout: FuzzLayout(names: items.map(\.0), types: items.map { $0.1.type(in: r.layout.typeByName) }),
                             rows: [], slack: [])
        out.rows.reserveCapacity(r.rows.count)
        let compiled = items.map { FuzzEval.compile($0.1, r.layout) }
        for (k, row) in r.rows.enumerated() {
            out.rows.append(compiled.map { $0(row) })
            out.slack.append(items.map { item in
                if case .column(let n) = item.1 { return r.slack[k][r.layout.index[n]!] }
                return 0
            })
        }
        return out
    }

    /// Row order for `keys` (a stable sort).
    static func sortedRows(_ r: FuzzResult, _ keys: [FuzzSortKey]) -> [Int] {
        let positions = keys.map { r.layout.index[$0.column]! }
        return r.rows.indices.sorted { a, b in
            let c = compareForOrder(r.rows[a], r.rows[b], keys, positions)
            return c != 0 ? c < 0 : a < b
        }
    }

    static func compareForOrder(_ a: [Value], _ b: [Value], _ keys: [FuzzSortKey], _ positions: [Int]) -> Int {
        for (k, p) in zip(keys, positions) {
            let c = FuzzEval.orderCompare(a[p], b[p], ascending: k.ascending, nullsFirst: k.nullsFirst)
            if c != 0 { return c }
        }
        return 0
    }

    /// A limit after a sort in the middle of a plan is deterministic only if the rows tied at the
    /// boundary are all alike.
    static func checkBoundary(_ r: FuzzResult, _ keys: [FuzzSortKey], _ n: Int) throws {
        guard n > 0, n < r.rows.count else { return }
        let positions = keys.map { r.layout.index[$0.column]! }
        let boundary = r.rows[n - 1]
        let tied = r.rows.filter { compareForOrder($0, boundary, keys, positions) == 0 }
        if tied.contains(where: { FuzzCell.key($0, signedZero: true) != FuzzCell.key(boundary, signedZero: true) }) { throw FuzzAmbiguous() }
    }

    // MARK: aggregation

    struct Accumulator {
        var rows: Int64 = 0
        var nonNull: Int64 = 0
        var longSum: Int64 = 0
        var doubleSum: Double = 0
        var absSum: Double = 0
        var minimum: Value = .null
        var maximum: Value = .null
        /// first/last: every value seen, nulls included; variance: the non-null values as doubles.
        var seen: [Value] = []
        var doubles: [Double] = []
        var distinct: Set<String> = []
    }

    static func aggregate(_ r: FuzzResult, keys: [FuzzKey], aggs: [FuzzAggregate]) -> FuzzResult {
        let types = r.layout.typeByName
        var index: [String: Int] = [:]
        var groups: [([Value], [Accumulator])] = []
        if keys.isEmpty { groups.append(([], aggs.map { _ in Accumulator() })); index[""] = 0 }
        let keyFunctions = keys.map { FuzzEval.compile($0.expr, r.layout) }
        let inputs = aggs.map { a in a.input.map { FuzzEval.compile($0, r.layout) } }
        for row in r.rows {
            let keyValues = keyFunctions.map { normalizeKey($0(row)) }
            let id = FuzzCell.key(keyValues, signedZero: true)
            let g: Int
            if let found = index[id] { g = found } else {
                g = groups.count
                index[id] = g
                groups.append((keyValues, aggs.map { _ in Accumulator() }))
            }
            for (j, a) in aggs.enumerated() {
                groups[g].1[j].rows += 1
                guard let input = a.input, let compiled = inputs[j] else { continue }
                var v = compiled(row)
                if a.function.isFirstOrLast { groups[g].1[j].seen.append(v); continue }
                if (a.function == .sum || a.function == .avg || a.function.isCentralMoment) && input.type(in: types) == .string {
                    v = FuzzEval.cast(v, to: .double)
                }
                if v.isNull { continue }
                if a.distinct { groups[g].1[j].distinct.insert(FuzzCell.key([normalizeKey(v)])) }
                if a.function.isCentralMoment, let x = v.doubleValue { groups[g].1[j].doubles.append(x) }
                update(&groups[g].1[j], with: v)
            }
        }
        let keyTypes = keys.map { $0.expr.type(in: types) }
        let aggTypes = aggs.map { resultType($0, types) }
        var out = FuzzResult(layout: FuzzLayout(names: keys.map(\.name) + aggs.map(\.alias), types: keyTypes + aggTypes), rows: [], slack: [])
        for (keyValues, accs) in groups {
            var row = keyValues, slack = keyValues.map { _ in 0.0 }
            for (j, a) in aggs.enumerated() {
                var (v, s) = finish(accs[j], a, aggTypes[j])
                if let plus = a.plus {
                    if case .long(let n) = v { v = .long(n + plus) }
                    if case .double(let x) = v, a.function == .avg { (v, s) = (.double(x * 2), s * 2) }
                }
                row.append(v)
                slack.append(s)
            }
            out.rows.append(row)
            out.slack.append(slack)
        }
        return out
    }

    static func update(_ acc: inout Accumulator, with v: Value) {
        acc.nonNull += 1
        switch v {
        case .long(let x):
            acc.longSum = acc.longSum &+ x
            acc.doubleSum += Double(x)
            acc.absSum += Swift.abs(Double(x))
        case .double(let x):
            acc.doubleSum += x
            if x.isFinite { acc.absSum += Swift.abs(x) }
        default: break
        }
        if acc.minimum.isNull || FuzzEval.sparkCompare(v, acc.minimum) < 0 { acc.minimum = v }
        if acc.maximum.isNull || FuzzEval.sparkCompare(v, acc.maximum) > 0 { acc.maximum = v }
    }

    static func resultType(_ a: FuzzAggregate, _ types: [String: DataType]) -> DataType {
        let input = a.input?.type(in: types)
        switch a.function {
        case .count: return .long
        case .avg, .stddevSamp, .stddevPop, .varSamp, .varPop: return .double
        case .sum: return input == .long ? .long : .double
        case .min, .max, .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return input ?? .long
        }
    }

    static func finish(_ acc: Accumulator, _ a: FuzzAggregate, _ type: DataType) -> (Value, Double) {
        switch a.function {
        case .count where a.distinct: return (.long(Int64(acc.distinct.count)), 0)
        case .count: return (.long(a.input == nil ? acc.rows : acc.nonNull), 0)
        case .first: return (acc.seen.first ?? .null, 0)
        case .last: return (acc.seen.last ?? .null, 0)
        case .firstIgnoreNulls: return (acc.seen.first { !$0.isNull } ?? .null, 0)
        case .lastIgnoreNulls: return (acc.seen.last { !$0.isNull } ?? .null, 0)
        case .stddevSamp, .stddevPop, .varSamp, .varPop: return centralMoment(acc.doubles, a.function)
        case .sum:
            if acc.nonNull == 0 { return (.null, 0) }
            return type == .long ? (.long(acc.longSum), 0) : (.double(acc.doubleSum), relativeSlack * acc.absSum)
        case .avg:
            if acc.nonNull == 0 { return (.null, 0) }
            return (.double(acc.doubleSum / Double(acc.nonNull)), relativeSlack * acc.absSum / Double(acc.nonNull))
        case .min: return (acc.minimum, 0)
        case .max: return (acc.maximum, 0)
        }
    }

    /// Two-pass variance (Spark updates a running mean instead: the slack covers the difference).
    /// Null without values, and var_samp/stddev_samp of one value are null (Spark 3's default).
    static func centralMoment(_ xs: [Double], _ f: AggregateFunction) -> (Value, Double) {
        let n = Double(xs.count)
        let sample = f == .varSamp || f == .stddevSamp
        if xs.isEmpty || (sample && xs.count == 1) { return (.null, 0) }
        let mean = xs.reduce(0, +) / n
        let m2 = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let variance = m2 / (sample ? n - 1 : n)
        let scale = xs.reduce(0) { $0 + $1 * $1 } / n
        // NaN or infinite data: the answer is NaN or infinite on both sides (compared as such), and a
        // NaN slack would poison the column's tolerance for every other row.
        let slack = scale.isFinite ? 1e-7 * scale + 1e-300 : 0
        if f == .varSamp || f == .varPop { return (.double(variance), slack) }
        return (.double(variance.squareRoot()), slack.squareRoot())
    }

    /// Spark's NormalizeFloatingNumbers for grouping keys.
    static func normalizeKey(_ v: Value) -> Value {
        if case .double(let x) = v {
            if x.isNaN { return .double(.nan) }
            if x == 0 { return .double(0) }
        }
        return v
    }

    // MARK: explode(split)

    static func explode(_ r: FuzzResult, source: String, pattern: String, alias: String) -> FuzzResult {
        var out = FuzzResult(layout: FuzzLayout(names: r.layout.names + [alias], types: r.layout.types + [.string]), rows: [], slack: [])
        let p = r.layout.index[source]!
        let splitter = FuzzSplitPattern(pattern)
        for (k, row) in r.rows.enumerated() {
            guard case .string(let s) = FuzzEval.cast(row[p], to: .string) else { continue }
            for token in splitter.split(s) {
                out.rows.append(row + [.string(token)])
                out.slack.append(r.slack[k] + [0])
            }
        }
        return out
    }
}

/// The split patterns the generator uses: one class of ASCII characters, optionally repeated
/// (`,`, `[, ]`, `[, ]+`, `\s+`), split as Java's String.split(pattern, -1) does.
struct FuzzSplitPattern {
    var members: Set<Unicode.Scalar>
    var repeated: Bool

    init(_ pattern: String) {
        var p = pattern
        repeated = p.hasSuffix("+")
        if repeated { p.removeLast() }
        if p == "\\s" {
            members = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r"]
        } else if p.hasPrefix("[") && p.hasSuffix("]") {
            members = Set(p.dropFirst().dropLast().unicodeScalars)
        } else {
            members = Set(p.unicodeScalars)
        }
    }

    func split(_ s: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var scalars = s.unicodeScalars[...]
        while let u = scalars.first {
            scalars.removeFirst()
            if members.contains(u) {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
                if repeated { while let n = scalars.first, members.contains(n) { scalars.removeFirst() } }
            } else {
                current.append(u)
            }
        }
        tokens.append(String(current))
        return tokens
    }
}
