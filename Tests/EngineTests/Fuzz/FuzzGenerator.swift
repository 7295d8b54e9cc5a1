// FuzzGenerator: random plans over a table: chains of filters (comparisons, AND/OR/NOT, isNull,
// null literals), projections (arithmetic, negation, lower/upper/trim/length, casts, coalesce),
// groupBy on columns, computed and multi-column keys (or none: a global aggregate) with count(*),
// count, sum, avg, min and max, repartition (round robin or by columns) and coalesce, cache,
// explode(split(...)) (sometimes in the exact word-count shape the engine fuses), global sorts,
// sortWithinPartitions and sort-then-limit (top-K) in the middle, joins, set operations and
// distinct (FuzzGenerator+Joins), window functions (FuzzWindow), and a final orderBy and/or limit.
//
// It tracks for each column its type and a bound on its numbers (NumericBound), so that it knows
// which double sums and averages are exact whatever the order of additions. A sum that is not
// exact is compared with a tolerance and never computed on again (no filter, key or sort on it),
// so rounding can never turn into a different set of rows.

@_spi(EmberInternal) import Planner

/// log2 of a bound on |finite values| and the number of fraction bits of a numeric column
/// (64: unknown). A double sum of up to 2^21 such values is exact when magnitude + fraction + 21
/// ≤ 52: every partial sum is then representable.
struct NumericBound: Sendable {
    var magnitude: Int
    var fraction: Int
    static let unknown = NumericBound(magnitude: 64, fraction: 64)
    var summableExactly: Bool { magnitude + fraction + 21 <= 52 }

    static func of(_ e: FuzzExpr, _ bounds: [String: NumericBound]) -> NumericBound {
        func capped(_ m: Int, _ f: Int) -> NumericBound { NumericBound(magnitude: Swift.min(m, 64), fraction: Swift.min(f, 64)) }
        switch e {
        case .column(let n): return bounds[n] ?? .unknown
        case .literal(let v, _):
            switch v {
            case .long(let x): return capped(64 - x.magnitude.leadingZeroBitCount, 0)
            case .double(let x):
                guard x.isFinite else { return NumericBound(magnitude: 0, fraction: 0) }
                let f = (0...10).first { (x * Double(1 << $0)).rounded() == x * Double(1 << $0) } ?? 64
                return capped(64 - UInt64(Swift.abs(x).rounded(.up)).leadingZeroBitCount, f)
            default: return NumericBound(magnitude: 0, fraction: 0)
            }
        case .arithmetic(let op, let l, let r):
            let a = of(l, bounds), b = of(r, bounds)
            switch op {
            case .add, .subtract: return capped(Swift.max(a.magnitude, b.magnitude) + 1, Swift.max(a.fraction, b.fraction))
            case .multiply: return capped(a.magnitude + b.magnitude, a.fraction + b.fraction)
            case .remainder: return capped(Swift.min(a.magnitude, b.magnitude), Swift.max(a.fraction, b.fraction))
            case .divide:
                if case .literal(.double(let d), _) = r, d == 2 || d == 4 { return capped(a.magnitude, a.fraction + (d == 2 ? 1 : 2)) }
                return .unknown
            }
        case .negate(let x): return of(x, bounds)
        case .compare, .and, .or, .not, .isNull, .isNotNull: return NumericBound(magnitude: 1, fraction: 0)
        case .string(let f, let x): return f == .length ? NumericBound(magnitude: 7, fraction: 0) : of(x, bounds)
        case .coalesce(let es):
            let all = es.map { of($0, bounds) }
            return capped(all.map(\.magnitude).max() ?? 0, all.map(\.fraction).max() ?? 0)
        case .cast(let x, let t):
            let b = of(x, bounds)
            return t == .long ? capped(b.magnitude, 0) : b
        case .call(let f, let args): return f.bound(args, bounds)
        }
    }
}

/// What the generator knows about a column.
struct FuzzColumn: Sendable {
    var name: String
    var type: DataType
    var bound: NumericBound
    /// False for a double sum or average that depends on the order of additions.
    var exact: Bool
    /// Nearly one row per value (few nulls, no hot value): keys on it make the Partial aggregate back off.
    var unique = false
}

struct FuzzGenerator {
    var rng: SeededRandom
    var columns: [FuzzColumn]
    var rows: Int
    var counter = 0
    /// The source table's columns, where a join's or set operation's second input starts.
    let tableColumns: [FuzzColumn]
    /// Joins and set operations so far (a plan has at most two).
    var binarySteps = 0

    init(seed: UInt64, table: FuzzTable) {
        rng = SeededRandom(seed: seed)
        columns = table.columns
        tableColumns = table.columns
        rows = table.rows.count
    }

    var usable: [FuzzColumn] { columns.filter(\.exact) }
    var typeByName: [String: DataType] { Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.type) }) }
    var bounds: [String: NumericBound] { Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.bound) }) }

    mutating func chance(_ p: Double) -> Bool { rng.unit() < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[rng.below(xs.count)] }
    mutating func fresh(_ prefix: String) -> String { counter += 1; return "\(prefix)\(counter)" }

    mutating func plan() -> FuzzPlan {
        var steps: [FuzzStep] = []
        if chance(0.06), let s = usable.first(where: { $0.type == .string }) { steps += wordCount(s.name) }
        if rows > 100_000, chance(0.6), let key = backOffKey() { steps += aggregate(first: key) ?? [] }
        for _ in 0..<(1 + rng.below(5)) {
            if let step = middleStep() { steps += step }
        }
        if chance(0.4), let keys = sortKeys() {
            steps.append(.orderBy(keys))
            if chance(0.55) { steps.append(.limit(limitCount())) }
        } else if chance(0.12) {
            steps.append(.limit(limitCount()))
        }
        return FuzzPlan(steps: steps)
    }

    mutating func limitCount() -> Int { pick([0, 1, 2, 3, 5, 10, 50, 1000]) }

    mutating func middleStep() -> [FuzzStep]? {
        if binarySteps < 2 && chance(0.3) {
            binarySteps += 1
            if chance(0.25) { return subqueryStep() }
            return chance(0.6) ? joinStep() : setOperationStep()
        }
        if chance(0.04) { return distinctStep() }
        if chance(0.15), let window = windowStep() { return window }
        let r = rng.below(100)
        switch r {
        case 0..<22: return [.filter(expr(.boolean, 0))]
        case 22..<34: return withColumn()
        case 34..<44: return select()
        case 44..<70: return aggregate()
        case 70..<78:
            guard !usable.isEmpty else { return nil }
            let keys = (0..<rng.below(3)).map { _ in pick(usable).name }
            let n = 1 + rng.below(12)
            // Without keys, an odd n merges partitions instead (drawn without another random number,
            // so the seeds' other plans stay as they were).
            if keys.isEmpty && n % 2 == 1 { return [.coalesce(n)] }
            return [.repartition(n, Array(Set(keys)).sorted())]
        case 78..<82: return [.cache]
        case 82..<88:
            guard rows < 30_000, let s = usable.filter({ $0.type == .string }).randomElement(using: &rng) else { return nil }
            let alias = fresh("t")
            let pattern = pick([",", " ", "[, ]", "[, ]+", "\\s+"])
            columns.append(FuzzColumn(name: alias, type: .string, bound: FuzzData.stringBound, exact: true))
            return [.explode(source: s.name, pattern: pattern, alias: alias)]
        case 88..<94:
            // sort by every column, then limit: deterministic unless the boundary splits unlike rows
            guard columns.allSatisfy(\.exact), !columns.isEmpty else { return nil }
            let keys = columns.map { FuzzSortKey(column: $0.name, ascending: chance(0.5), flipNulls: chance(0.25)) }
            return [.orderBy(keys.shuffled(using: &rng)), .limit(limitCount())]
        case 94..<97:
            return sortKeys().map { [.sortWithinPartitions($0)] }
        default:
            return sortKeys().map { [.orderBy($0)] }
        }
    }

    mutating func sortKeys() -> [FuzzSortKey]? {
        guard !usable.isEmpty else { return nil }
        let names = (0..<(1 + rng.below(3))).map { _ in pick(usable).name }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }.map { FuzzSortKey(column: $0, ascending: chance(0.5), flipNulls: chance(0.25)) }
    }

    /// explode(split(s)) → [filter token != ""] → [lower] → groupBy(token).count(): what the engine fuses.
    mutating func wordCount(_ source: String) -> [FuzzStep] {
        let token = fresh("w")
        var steps: [FuzzStep] = [.explode(source: source, pattern: pick([",", " ", "[, ]+", "\\s+"]), alias: token)]
        if chance(0.5) { steps.append(.filter(.compare(.notEqual, .column(token), .literal(.string(""), .string)))) }
        if chance(0.5) { steps.append(.select([FuzzKey(expr: .string(.lower, .column(token)), alias: token)])) }
        let count = fresh("n")
        steps.append(.aggregate(keys: [FuzzKey(expr: .column(token), alias: nil)],
                                aggs: [FuzzAggregate(function: .count, input: nil, alias: count)]))
        columns = [FuzzColumn(name: token, type: .string, bound: FuzzData.stringBound, exact: true),
                   FuzzColumn(name: count, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true)]
        return steps
    }

    mutating func withColumn() -> [FuzzStep]? {
        let type = pick([DataType.long, .long, .double, .double, .string, .boolean, .date])
        let e = expr(type, 0)
        let replace = chance(0.2) ? usable.randomElement(using: &rng)?.name : nil
        let name = replace ?? fresh("c")
        let column = FuzzColumn(name: name, type: e.type(in: typeByName), bound: NumericBound.of(e, bounds), exact: true)
        if let i = columns.firstIndex(where: { $0.name == name }) { columns[i] = column } else { columns.append(column) }
        return [.withColumn(name, e)]
    }

    mutating func select() -> [FuzzStep]? {
        var items: [FuzzKey] = []
        var next: [FuzzColumn] = []
        for c in columns.shuffled(using: &rng) where chance(0.6) {
            items.append(FuzzKey(expr: .column(c.name), alias: nil))
            next.append(c)
        }
        for _ in 0..<rng.below(3) {
            let e = expr(pick([.long, .double, .string, .boolean]), 0)
            let name = fresh("c")
            items.append(FuzzKey(expr: e, alias: name))
            next.append(FuzzColumn(name: name, type: e.type(in: typeByName), bound: NumericBound.of(e, bounds), exact: true))
        }
        guard !items.isEmpty else { return nil }
        columns = next
        return [.select(items)]
    }

    /// A key with nearly one row per value and a few nulls, computed from a unique column and another
    /// one (`u + v`): over >100k rows in a task, the Partial aggregate backs off and ships raw keys.
    mutating func backOffKey() -> FuzzKey? {
        guard let u = usable.filter({ $0.unique && $0.type == .long }).randomElement(using: &rng) else { return nil }
        let others = usable.filter { $0.name != u.name && ($0.type == .long || $0.type == .double) }
            .sorted { $0.name < $1.name }
        let v: FuzzExpr = (chance(0.7) ? others.first : others.randomElement(using: &rng)).map { .column($0.name) } ?? .literal(.null, .long)
        let sum = FuzzExpr.arithmetic(pick([.add, .subtract, .multiply]), .column(u.name), v)
        let e = pick([sum, sum, .cast(sum, .string), .column(u.name)])
        if case .column = e { return FuzzKey(expr: e, alias: nil) }
        return FuzzKey(expr: e, alias: fresh("k"))
    }

    mutating func aggregate(first: FuzzKey? = nil) -> [FuzzStep]? {
        var keys: [FuzzKey] = []
        var out: [FuzzColumn] = []
        if let first {
            keys.append(first)
            out.append(FuzzColumn(name: first.name, type: first.expr.type(in: typeByName), bound: NumericBound.of(first.expr, bounds), exact: true))
        }
        let keyCount = first != nil ? rng.below(2) : chance(0.15) ? 0 : 1 + rng.below(3)
        for _ in 0..<keyCount {
            if chance(0.55), let c = usable.randomElement(using: &rng) {
                guard !keys.contains(where: { $0.name == c.name }) else { continue }
                keys.append(FuzzKey(expr: .column(c.name), alias: nil))
                out.append(c)
            } else {
                let e = expr(pick([.long, .long, .double, .string, .boolean]), 1)
                let name = fresh("k")
                keys.append(FuzzKey(expr: e, alias: name))
                out.append(FuzzColumn(name: name, type: e.type(in: typeByName), bound: NumericBound.of(e, bounds), exact: true))
            }
        }
        var aggs: [FuzzAggregate] = []
        for _ in 0..<(1 + rng.below(4)) {
            let name = fresh("a")
            if chance(0.25), let extra = newAggregate(name, keys: keys, keyColumns: out) {
                aggs.append(extra.0)
                out.append(extra.1)
                continue
            }
            let function = pick([AggregateFunction.count, .count, .sum, .sum, .avg, .min, .max])
            if function == .count && chance(0.4) {
                aggs.append(FuzzAggregate(function: .count, input: nil, alias: name))
                out.append(FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true))
                continue
            }
            let types: [DataType]
            switch function {
            case .count: types = [.long, .double, .string, .boolean]
            case .sum, .avg: types = [.long, .double, .double, chance(0.1) ? .string : .long]
            default: types = [.long, .double, .string]
            }
            let type = pick(types)
            let input = chance(0.7) ? (usable.filter { $0.type == type }.randomElement(using: &rng).map { FuzzExpr.column($0.name) } ?? expr(type, 1)) : expr(type, 1)
            let b = NumericBound.of(input, bounds)
            let column: FuzzColumn
            switch function {
            case .count: column = FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true)
            case .sum where type == .long:
                column = FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: Swift.min(64, b.magnitude + 21), fraction: 0), exact: true)
            case .sum:
                column = FuzzColumn(name: name, type: .double, bound: NumericBound(magnitude: Swift.min(64, b.magnitude + 21), fraction: b.fraction),
                                    exact: b.summableExactly)
            case .avg:
                column = FuzzColumn(name: name, type: .double, bound: NumericBound(magnitude: b.magnitude, fraction: 64),
                                    exact: NumericBound(magnitude: b.magnitude, fraction: type == .long ? 0 : b.fraction).summableExactly)
            default: column = FuzzColumn(name: name, type: type, bound: b, exact: true)
            }
            aggs.append(FuzzAggregate(function: function, input: input, alias: name))
            out.append(column)
        }
        // Some counts and averages become expressions over the aggregate: count(…) + k, avg(…) * 2.
        for i in aggs.indices where (aggs[i].function == .count || aggs[i].function == .avg) && chance(0.2) {
            aggs[i].plus = aggs[i].function == .avg ? 0 : Int64(1 + rng.below(9))
            out[keys.count + i].bound.magnitude = Swift.min(64, out[keys.count + i].bound.magnitude + 1)
        }
        columns = out
        return [.aggregate(keys: keys, aggs: aggs)]
    }

    /// countDistinct, a standard deviation or variance, or first/last of a grouping key (the only
    /// first/last whose answer does not depend on row order).
    mutating func newAggregate(_ name: String, keys: [FuzzKey], keyColumns: [FuzzColumn]) -> (FuzzAggregate, FuzzColumn)? {
        switch rng.below(3) {
        case 0:
            let type = pick([DataType.long, .double, .string, .date])
            let input = usable.filter { $0.type == type }.randomElement(using: &rng).map { FuzzExpr.column($0.name) } ?? expr(type, 1)
            return (FuzzAggregate(function: .count, input: input, alias: name, distinct: true),
                    FuzzColumn(name: name, type: .long, bound: NumericBound(magnitude: 21, fraction: 0), exact: true))
        case 1:
            // Bounded inputs, so that no square overflows: the reference's slack is relative to Σx²/n.
            let candidates = usable.filter { ($0.type == .long || $0.type == .double) && $0.bound.magnitude <= 40 }
            guard let c = candidates.randomElement(using: &rng) else { return nil }
            let function = pick([AggregateFunction.stddevSamp, .stddevPop, .varSamp, .varPop])
            return (FuzzAggregate(function: function, input: .column(c.name), alias: name),
                    FuzzColumn(name: name, type: .double, bound: .unknown, exact: false))
        default:
            guard let k = keys.indices.filter({ if case .column = keys[$0].expr { return true } else { return false } }).randomElement(using: &rng) else { return nil }
            let function = pick([AggregateFunction.first, .last, .firstIgnoreNulls, .lastIgnoreNulls])
            var column = keyColumns[k]
            column.name = name
            column.unique = false
            return (FuzzAggregate(function: function, input: keys[k].expr, alias: name), column)
        }
    }

    // MARK: expressions

    /// A date between 1918 and 2082: a literal moved by a bounded number of days.
    mutating func dateExpr(_ depth: Int) -> FuzzExpr {
        let base = FuzzExpr.literal(.date(pick([10_957, 11_016, 11_382, 0, 8_400, 19_000])), .date)   // 2000-01-01, 2000-02-29, …
        if depth >= 2 || chance(0.3) { return base }
        let offset = FuzzExpr.arithmetic(.remainder, expr(.long, depth + 1), .literal(.long(30_000), .long))
        switch rng.below(4) {
        case 0: return .call(.dateSub, [base, offset])
        case 1:
            let months = FuzzExpr.arithmetic(.remainder, expr(.long, depth + 1), .literal(.long(1_000), .long))
            return .call(.addMonths, [pick([base, .call(.dateAdd, [base, offset])]), months])
        case 2: return .call(.toDate(pick([nil, "yyyy-MM-dd"])), [.cast(.call(.dateAdd, [base, offset]), .string)])
        default: return .call(.dateAdd, [base, offset])
        }
    }

    /// One of the functions of FuzzFunctions with result type `t`, or nil.
    mutating func callExpr(_ t: DataType, _ d: Int) -> FuzzExpr? {
        switch t {
        case .long, .double:
            switch rng.below(5) {
            case 0: return .call(.round(pick([-2, -1, 0, 1, 2, 3])), [expr(t, d)])
            case 1: return .call(.abs, [expr(t, d)])
            case 2:
                let other: DataType = t == .double ? pick([.long, .double]) : .long
                let branches = 1 + rng.below(2)
                var args: [FuzzExpr] = []
                for k in 0..<branches { args += [expr(.boolean, d), k == 0 ? expr(t, d) : expr(other, d)] }
                let hasElse = chance(0.6)
                if hasElse { args.append(chance(0.2) ? .literal(.null, t) : expr(t, d)) }
                return .call(.caseWhen(hasElse: hasElse), args)
            default:
                guard t == .long else { return nil }
                let date = usable.filter { $0.type == .date }.randomElement(using: &rng).map { FuzzExpr.column($0.name) } ?? dateExpr(d)
                let f = pick([FuzzCall.year, .month, .dayOfMonth, .dateDiff])
                return .call(f, f == .dateDiff ? [date, dateExpr(d)] : [date])
            }
        case .string:
            switch rng.below(3) {
            case 0: return .call(.substring(pick([-5, -2, -1, 0, 1, 2, 3, 10]), pick([-1, 0, 1, 2, 3, 100])), [expr(.string, d)])
            case 1: return .call(.concat, (0..<(1 + rng.below(3))).map { _ in expr(pick([.string, .string, .long]), d) })
            default:
                var args = [expr(.boolean, d), expr(.string, d)]
                if chance(0.5) { args.append(literal(.string)) }
                return .call(.caseWhen(hasElse: args.count == 3), args)
            }
        case .boolean:
            switch rng.below(4) {
            case 0:
                let kind = pick([DataType.long, .string, .double])
                let items = (0..<rng.below(4)).map { _ in chance(0.1) ? FuzzExpr.literal(.null, kind) : literal(kind) }
                return .call(.isin, [expr(kind, d)] + items)
            case 1:
                let kind = pick([DataType.long, .double])
                return .call(.between, [expr(kind, d), literal(kind), literal(kind)])
            case 2:
                let pattern = pick(["a%", "%b", "%a%", "_", "__", "a_%", "%", "", "%\\%", "\\_%", "%é%", "日_", "%,%", " %"])
                return .call(.like(pattern), [expr(.string, d)])
            default:
                return .call(pick([.startsWith, .endsWith, .contains]), [expr(.string, d), chance(0.7) ? literal(.string) : expr(.string, d)])
            }
        default: return nil
        }
    }

    mutating func literal(_ t: DataType) -> FuzzExpr {
        switch t {
        case .long: return .literal(.long(pick([-3, -1, 0, 1, 2, 3, 5, 7, 10, 100, 1_000_000_007])), .long)
        case .double: return .literal(.double(pick([-2.5, -1.0, -0.0, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 7.75, 100.0])), .double)
        case .string: return .literal(.string(pick(FuzzData.words + FuzzData.numericStrings + [""])), .string)
        case .date: return dateExpr(3)
        default: return .literal(.boolean(chance(0.5)), .boolean)
        }
    }

    /// A leaf: a usable column of type `t`, or a literal.
    mutating func leaf(_ t: DataType) -> FuzzExpr {
        let candidates = usable.filter { $0.type == t }
        if !candidates.isEmpty && chance(0.8) { return .column(pick(candidates).name) }
        if t == .date { return dateExpr(1) }
        // No column of this type: make one from another column, so expressions read data.
        if chance(0.7), let other = usable.filter({ $0.type != .boolean }).randomElement(using: &rng) {
            let c = FuzzExpr.column(other.name)
            switch t {
            case .boolean: return .compare(pick(FuzzComparison.allCases), c, literal(other.type))
            case .string: return .cast(c, .string)
            case .long: return other.type == .string ? .string(.length, c) : .cast(c, .long)
            default: return .cast(c, .double)
            }
        }
        return literal(t)
    }

    mutating func expr(_ t: DataType, _ depth: Int) -> FuzzExpr {
        if depth >= 3 || chance(0.3 + 0.15 * Double(depth)) { return leaf(t) }
        let d = depth + 1
        if t == .date { return dateExpr(depth) }
        if chance(0.15), let call = callExpr(t, d) { return call }
        switch t {
        case .long:
            switch rng.below(8) {
            case 0, 1: return .arithmetic(pick([.add, .subtract, .multiply]), expr(.long, d), expr(.long, d))
            case 2: return .arithmetic(.remainder, expr(.long, d), chance(0.5) ? literal(.long) : expr(.long, d))
            case 3: return .negate(expr(.long, d))
            case 4: return .string(.length, expr(pick([.string, .string, .long]), d))
            case 5: return .cast(expr(pick([.double, .string, .boolean]), d), .long)
            case 6: return .coalesce([expr(.long, d), chance(0.5) ? literal(.long) : expr(.long, d)])
            default: return .arithmetic(pick([.add, .subtract]), expr(.long, d), .literal(.null, .long))
            }
        case .double:
            switch rng.below(7) {
            case 0, 1: return .arithmetic(pick(FuzzArithmetic.allCases), expr(.double, d), expr(pick([.long, .double]), d))
            case 2: return .arithmetic(.divide, expr(.long, d), expr(pick([.long, .double]), d))
            case 3: return .negate(expr(.double, d))
            case 4: return .cast(expr(pick([.long, .string]), d), .double)
            case 5: return .coalesce([expr(.double, d), chance(0.5) ? literal(.double) : expr(.long, d)])
            default: return .arithmetic(.multiply, expr(.double, d), literal(.double))
            }
        case .string:
            switch rng.below(5) {
            case 0: return .string(pick([.lower, .upper, .trim]), expr(.string, d))
            case 1: return .cast(expr(pick([.long, .double, .boolean]), d), .string)
            case 2: return .coalesce([expr(.string, d), chance(0.6) ? literal(.string) : expr(.string, d)])
            case 3: return .string(pick([.lower, .upper]), expr(pick([.long, .double]), d))
            default: return leaf(.string)
            }
        default:
            switch rng.below(9) {
            case 0, 1, 2:
                let kind = pick([DataType.long, .double, .string, .long, .double, .boolean])
                let other = kind == .string || kind == .boolean ? kind : pick([DataType.long, .double])
                let right = chance(0.08) ? FuzzExpr.literal(.null, other) : expr(other, d)
                return .compare(pick(FuzzComparison.allCases), expr(kind, d), right)
            case 3: return .and(expr(.boolean, d), expr(.boolean, d))
            case 4: return .or(expr(.boolean, d), expr(.boolean, d))
            case 5: return .not(expr(.boolean, d))
            case 6: return .isNull(expr(pick([.long, .double, .string]), d))
            case 7: return .isNotNull(expr(pick([.long, .double, .string]), d))
            default: return leaf(.boolean)
            }
        }
    }
}

