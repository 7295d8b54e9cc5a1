// FuzzSubquerySteps: the fuzzer's subquery filters. The subquery is a second input built from the
// source table (`inner`), optionally correlated by an equality with a column of the outer query
// (`col("x") === col("y").outer()`, names may be the same on both sides) and, for EXISTS, a
// non-equality beside it; the filter is [NOT] EXISTS, [NOT] IN (outer column among an inner
// column), or an outer numeric column compared with an aggregate of the inner (a scalar subquery,
// correlated or not). The reference evaluates each outer row against the inner rows with SQL's
// three-valued logic.

import Engine
@_spi(EmberInternal) import Planner

struct FuzzSubquery: Sendable {
    enum Kind: String, Sendable, CaseIterable { case exists, notExists, isIn, notIn, scalar }

    var kind: Kind
    /// The subquery's input: steps over the source table.
    var inner: [FuzzStep]
    /// inner column === outer column (correlation).
    var correlation: (inner: String, outer: String)?
    /// inner column <op> outer column, beside the correlation (EXISTS only).
    var residual: (inner: String, outer: String, op: FuzzComparison)?
    /// IN: outer value among the inner column; scalar: outer value <op> aggregate(inner column).
    var value: (outer: String, inner: String)?
    var aggregate: AggregateFunction = .count
    var comparison: FuzzComparison = .less
    /// Name the outer column as `df["y"]` (the outer DataFrame's column) instead of `col("y").outer()`.
    var outerByDataFrame = false
    /// EXISTS / IN over `count(inner value)` of the correlated rows: a one-row aggregate, which
    /// exists for every outer row (and IN compares with the count, 0 when nothing matches).
    var countAbove = false

    static func compare(_ op: FuzzComparison, _ l: Column, _ r: Column) -> Column {
        switch op {
        case .equal: return l === r
        case .notEqual: return l =!= r
        case .less: return l < r
        case .lessOrEqual: return l <= r
        case .greater: return l > r
        case .greaterOrEqual: return l >= r
        case .nullSafeEqual: return l <=> r
        }
    }

    func apply(_ df: DataFrame, source: DataFrame) throws -> DataFrame {
        var query = try inner.reduce(source) { try $1.apply($0, source: source) }
        func outerColumn(_ name: String) -> Column { outerByDataFrame ? df[name] : col(name).outer() }
        var condition: Column? = nil
        if let c = correlation { condition = col(c.inner) === outerColumn(c.outer) }
        if let r = residual {
            let extra = Self.compare(r.op, col(r.inner), outerColumn(r.outer))
            condition = condition.map { $0 && extra } ?? extra
        }
        if let condition { query = query.where(condition) }
        if countAbove, let v = value { query = query.agg(count(col(v.inner)).alias(v.inner)) }
        switch kind {
        case .exists: return df.where(query.exists())
        case .notExists: return df.where(!query.exists())
        case .isIn: return df.where(col(value!.outer).isin(query.select(value!.inner)))
        case .notIn: return df.where(!col(value!.outer).isin(query.select(value!.inner)))
        case .scalar: return df.where(Self.compare(comparison, col(value!.outer), query.agg(aggregateColumn).scalar()))
        }
    }

    var aggregateColumn: Column {
        let c = col(value!.inner)
        switch aggregate {
        case .sum: return sum(c)
        case .min: return min(c)
        case .max: return max(c)
        default: return count(c)
        }
    }

    /// The filter as Swift, the subquery's input being `name`.
    func swiftText(inner name: String) -> String {
        var query = name
        var parts: [String] = []
        func outerColumn(_ name: String) -> String { outerByDataFrame ? "df[\(quoted(name))]" : "col(\(quoted(name))).outer()" }
        if let c = correlation { parts.append("col(\(quoted(c.inner))) === \(outerColumn(c.outer))") }
        if let r = residual { parts.append("col(\(quoted(r.inner))) \(r.op.rawValue) \(outerColumn(r.outer))") }
        if !parts.isEmpty { query += ".where(\(parts.joined(separator: " && ")))" }
        if countAbove, let v = value { query += ".agg(count(col(\(quoted(v.inner)))).alias(\(quoted(v.inner))))" }
        switch kind {
        case .exists: return ".where(\(query).exists())"
        case .notExists: return ".where(!\(query).exists())"
        case .isIn: return ".where(col(\(quoted(value!.outer))).isin(\(query).select(\(quoted(value!.inner)))))"
        case .notIn: return ".where(!col(\(quoted(value!.outer))).isin(\(query).select(\(quoted(value!.inner)))))"
        case .scalar:
            return ".where(col(\(quoted(value!.outer))) \(comparison.rawValue) \(query).agg(\(aggregate.rawValue)(col(\(quoted(value!.inner))))).scalar())"
        }
    }

    /// What the reference needs of the inner rows that match one correlation value (or of all of
    /// them, uncorrelated): computed once per group, so the reference stays linear.
    struct Group {
        var rows = 0
        /// Extremes of the residual's inner column (non-null values).
        var residualMin: Value? = nil, residualMax: Value? = nil
        /// IN: the non-null values' keys, and whether a null was among them.
        var valueKeys: Set<String> = []
        var valueHasNull = false
        /// Scalar: the non-null inner values, and their aggregate.
        var values: [Value] = []
        var result: Value? = nil
    }

    /// A value's key for equality with Spark's semantics (-0.0 = 0.0, one NaN); nil for null.
    static func key(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .double(let d): return d.isNaN ? "NaN" : "F\(d == 0 ? 0.0 : d)"
        default: return "\(v)"
        }
    }

    /// The outer rows the filter keeps.
    func reference(_ outer: FuzzResult, _ innerResult: FuzzResult) -> FuzzResult {
        let o = outer.layout.index, i = innerResult.layout.index
        func holds(_ op: FuzzComparison, _ a: Value, _ b: Value) -> Bool? {
            if a.isNull || b.isNull { return op == .nullSafeEqual ? a.isNull && b.isNull : nil }
            let c = FuzzEval.sparkCompare(a, b)
            switch op {
            case .equal, .nullSafeEqual: return c == 0
            case .notEqual: return c != 0
            case .less: return c < 0
            case .lessOrEqual: return c <= 0
            case .greater: return c > 0
            case .greaterOrEqual: return c >= 0
            }
        }
        var groups: [String: Group] = [:]
        for inner in innerResult.rows {
            var groupKey = ""
            if let c = correlation {
                guard let k = Self.key(inner[i[c.inner]!]) else { continue }   // a null never equals
                groupKey = k
            }
            // In place: a copy of the group would copy its values on every row.
            func update(_ g: inout Group) {
                g.rows += 1
                if let r = residual, case let v = inner[i[r.inner]!], !v.isNull {
                    if g.residualMin.map({ FuzzEval.sparkCompare(v, $0) < 0 }) ?? true { g.residualMin = v }
                    if g.residualMax.map({ FuzzEval.sparkCompare(v, $0) > 0 }) ?? true { g.residualMax = v }
                }
                if let value {
                    let v = inner[i[value.inner]!]
                    if let k = Self.key(v) { g.valueKeys.insert(k); g.values.append(v) } else { g.valueHasNull = true }
                }
            }
            update(&groups[groupKey, default: Group()])
        }
        // The scalar subquery's value per group, once (an empty group: over no rows).
        func aggregated(_ g: Group) -> Value {
            switch aggregate {
            case .sum: return g.values.isEmpty ? .null : .long(g.values.reduce(Int64(0)) { acc, v in if case .long(let x) = v { return acc &+ x }; return acc })
            case .min: return g.values.min { FuzzEval.sparkCompare($0, $1) < 0 } ?? .null
            case .max: return g.values.max { FuzzEval.sparkCompare($0, $1) < 0 } ?? .null
            default: return .long(Int64(g.values.count))
            }
        }
        if kind == .scalar {
            for (k, g) in groups { groups[k]?.result = aggregated(g) }
        }
        var kept = outer
        kept.rows = []
        kept.slack = []
        for (k, row) in outer.rows.enumerated() {
            var group: Group? = groups[""]
            if let c = correlation { group = Self.key(row[o[c.outer]!]).flatMap { groups[$0] } }
            // With a residual, the rows that match are those of the group that also satisfy it.
            var any = (group?.rows ?? 0) > 0
            if let r = residual, any, let g = group {
                let x = row[o[r.outer]!]
                switch (g.residualMin, g.residualMax) {
                case (let lo?, let hi?) where !x.isNull:
                    switch r.op {
                    case .less: any = holds(.less, lo, x) == true
                    case .greater: any = holds(.greater, hi, x) == true
                    default: any = holds(.notEqual, lo, x) == true || holds(.notEqual, hi, x) == true
                    }
                default: any = false
                }
            }
            let keep: Bool?
            if countAbove, let value {
                // One row, the count of the matching rows' non-null values.
                let n = Value.long(Int64(group?.values.count ?? 0))
                switch kind {
                case .exists: keep = true
                case .notExists: keep = false
                case .isIn: keep = holds(.equal, row[o[value.outer]!], n)
                default: keep = holds(.equal, row[o[value.outer]!], n).map { !$0 }
                }
                if keep == true { kept.rows.append(row); kept.slack.append(outer.slack[k]) }
                continue
            }
            switch kind {
            case .exists: keep = any
            case .notExists: keep = !any
            case .isIn, .notIn:
                let g = group ?? Group()
                let v = row[o[value!.outer]!]
                let found: Bool?
                if g.rows == 0 { found = false } else if v.isNull { found = nil } else if g.valueKeys.contains(Self.key(v)!) {
                    found = true
                } else { found = g.valueHasNull ? nil : false }
                keep = kind == .isIn ? found : found.map { !$0 }
            case .scalar:
                let result = group?.result ?? aggregated(Group())
                keep = holds(comparison, row[o[value!.outer]!], result)
            }
            if keep == true {
                kept.rows.append(row)
                kept.slack.append(outer.slack[k])
            }
        }
        return kept
    }
}

extension FuzzGenerator {
    /// A filter by a subquery over a second input built from the source table.
    mutating func subqueryStep() -> [FuzzStep]? {
        let outer = usable
        let saved = columns
        let inner = secondInput()
        let innerColumns = usable
        columns = saved
        guard !outer.isEmpty, !innerColumns.isEmpty else { return nil }
        func pair(_ types: [DataType]) -> (inner: String, outer: String)? {
            let candidates = innerColumns.filter { types.contains($0.type) }.flatMap { ic in
                outer.filter { $0.type == ic.type }.map { (inner: ic.name, outer: $0.name) }
            }
            return candidates.isEmpty ? nil : pick(candidates)
        }
        var s = FuzzSubquery(kind: pick(FuzzSubquery.Kind.allCases), inner: inner)
        if chance(0.7) { s.correlation = pair([.long, .string, .date, .double]) }
        s.outerByDataFrame = chance(0.25)
        if s.kind != .scalar, s.correlation != nil, chance(0.2) {
            // EXISTS / IN over a one-row count of the correlated rows (the count bug's shape).
            let longs = outer.filter { $0.type == .long }
            guard let o = longs.randomElement(using: &rng), let ic = innerColumns.randomElement(using: &rng) else { return nil }
            s.countAbove = true
            s.value = (outer: o.name, inner: ic.name)
            return [.subquery(s)]
        }
        switch s.kind {
        case .exists, .notExists:
            if s.correlation != nil, chance(0.35), let r = pair([.long, .double]) {
                s.residual = (r.inner, r.outer, pick([FuzzComparison.notEqual, .less, .greater]))
            }
        case .isIn, .notIn:
            guard let v = pair([.long, .string, .date]) else { return nil }
            s.value = (outer: v.outer, inner: v.inner)
        case .scalar:
            let numeric = outer.filter { $0.type == .long || $0.type == .double }
            let longs = innerColumns.filter { $0.type == .long }
            guard let o = numeric.randomElement(using: &rng), let ic = longs.randomElement(using: &rng) else { return nil }
            s.value = (outer: o.name, inner: ic.name)
            s.aggregate = pick([AggregateFunction.count, .sum, .min, .max])
            s.comparison = pick([FuzzComparison.less, .greater, .equal, .greaterOrEqual])
        }
        return [.subquery(s)]
    }
}
