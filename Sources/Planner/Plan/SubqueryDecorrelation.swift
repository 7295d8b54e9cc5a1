// SubqueryDecorrelation: takes the correlated conjuncts out of a subquery's plan so the subquery
// can become one side of a join (Spark's PullUpCorrelatedPredicates). A conjunct is correlated when
// it names a column that the subquery's own inputs do not have but the enclosing query does (or
// marks one with `outer()`). It leaves its filter; the subquery's columns it reads are carried up
// to the subquery's output under unique names (`__sq3_c0`, …): added to the projections above
// them, and to the grouping keys of an aggregate above them, where the conjunct must be an
// equality (one group per outer value, as Spark requires). The conjuncts come back rewritten to
// read those names, ready to be a join condition over the enclosing query's columns and the
// subquery's output.

struct SubqueryDecorrelation {
    /// The columns of the query around the subquery.
    let outer: Scope
    /// Prefix of the names this subquery's carried columns take (`__sq3`).
    let prefix: String

    /// The subquery's expressions the pulled conjuncts read, and whether a projection or aggregate
    /// above their filter already outputs them under `name`.
    private(set) var carried: [(name: String, expression: Expression, materialized: Bool)] = []
    /// The pulled conjuncts, reading `carried` names for the subquery's columns.
    private(set) var pulled: [Expression] = []
    /// True once a pulled conjunct came up through an aggregate.
    private(set) var crossedAggregate = false
    /// True when that aggregate also groups by something other than the correlated columns (a
    /// scalar subquery would then have several rows per outer row).
    private(set) var aggregateHasOtherKeys = false
    /// Per aggregate a pulled conjunct came up through, from the innermost out: whether it has
    /// grouping keys of its own (the correlated columns). One with keys has no row for an outer
    /// value without matches; one without has a row over no input, which decorrelating loses
    /// (grouped by the correlated columns, it has no row either): only the outermost aggregate of
    /// a scalar subquery gets it back (the count bug's default).
    private(set) var crossedAggregatesHaveKeys: [Bool] = []
    /// True when the outermost aggregate crossed has grouping keys of its own.
    var aggregateHasKeys: Bool { crossedAggregatesHaveKeys.last ?? false }
    /// True when an aggregate without grouping keys was crossed below the outermost one.
    var globalAggregateBelowOutermost: Bool { crossedAggregatesHaveKeys.dropLast().contains(false) }

    init(outer: Scope, prefix: String) {
        self.outer = outer
        self.prefix = prefix
    }

    /// The subquery's plan without its correlated conjuncts, outputting the carried columns.
    mutating func decorrelate(_ plan: LogicalPlan) throws -> LogicalPlan { materialized(try pull(plan)) }

    private mutating func pull(_ plan: LogicalPlan) throws -> LogicalPlan {
        switch plan {
        case .filter(let condition, let child):
            let input = try pull(child)
            let (_, inner) = try Analyzer.resolveScoped(input)
            var kept: [Expression] = []
            for conjunct in condition.conjuncts {
                if !conjunct.containsSubquery, try isCorrelated(conjunct, inner) {
                    pulled.append(try rewrite(conjunct, inner))
                } else {
                    kept.append(conjunct)
                }
            }
            return Expression.conjunction(kept).map { .filter($0, input) } ?? input
        case .project(let exprs, let child):
            let input = try pull(child)
            return .project(exprs + carry(starCarriesMaterialized: exprs.contains(.star)), input)
        case .aggregate(let keys, let aggregates, let child):
            let before = pulled.count
            let input = try pull(child)
            if pulled.count > before {
                crossedAggregate = true
                crossedAggregatesHaveKeys.append(!keys.isEmpty)
                // A key is a correlated column however it is written (`k` or `b.k`).
                let (_, inner) = try Analyzer.resolveScoped(input)
                func sameColumn(_ key: Expression, _ e: Expression) -> Bool {
                    key == e || ((try? Analyzer.bind(key, inner)).map { b in b == (try? Analyzer.bind(e, inner)) } ?? false)
                }
                if keys.contains(where: { key in !carried.contains { sameColumn(key, $0.expression) } }) { aggregateHasOtherKeys = true }
                for conjunct in pulled[before...] where !isEqualityWithOuter(conjunct) {
                    throw EmberError(.analysis, "a correlated condition below an aggregate must be an equality between a column of the subquery and one of the outer query, not '\(conjunct.displayName)'",
                                     hint: "compare with = (Spark requires the same), or move the condition out of the aggregated subquery")
                }
            }
            return .aggregate(keys: keys + carry(starCarriesMaterialized: false), aggregates: aggregates, input)
        case .subqueryAlias(let name, let child):
            return .subqueryAlias(name, materialized(try pull(child)))
        case .dataFrameTag(let id, let child):
            return .dataFrameTag(id, try pull(child))
        case .distinct(let child):
            return .distinct(try pull(child))
        case .sort(let orders, let child):
            return .sort(orders, try pull(child))
        case .sortWithinPartitions(let orders, let child):
            return .sortWithinPartitions(orders, try pull(child))
        case .broadcastHint(let child):
            return .broadcastHint(try pull(child))
        case .limit(let n, let child):
            let before = pulled.count
            let input = try pull(child)
            guard pulled.count == before else {
                throw EmberError(.analysis, "a correlated condition is not allowed below a limit in a subquery",
                                 hint: "filter before the limit on columns of the subquery only, or aggregate instead of limiting")
            }
            return .limit(n, input)
        case .join(let l, let r, let type, let criteria):
            let before = pulled.count
            let left = try pull(l)
            let fromLeft = pulled.count
            let right = try pull(r)
            let leftAllowed = [.inner, .cross, .leftOuter, .leftSemi, .leftAnti].contains(type)
            let rightAllowed = [.inner, .cross, .rightOuter].contains(type)
            if (fromLeft > before && !leftAllowed) || (pulled.count > fromLeft && !rightAllowed) {
                throw EmberError(.analysis, "a correlated condition is not allowed on the \(fromLeft > before && !leftAllowed ? "left" : "right") side of a \(type.planName) join in a subquery",
                                 hint: "move the condition above the join, or use an inner join")
            }
            return .join(left, right, type, criteria)
        case .relation, .range, .cache, .repartition, .coalesce, .union, .intersect, .except, .dropDuplicates, .invalid:
            return plan
        }
    }

    /// The carried columns a projection or aggregate adds to its output.
    private mutating func carry(starCarriesMaterialized: Bool) -> [Expression] {
        var added: [Expression] = []
        for k in carried.indices {
            if !carried[k].materialized {
                added.append(.alias(carried[k].expression, carried[k].name))
                carried[k].materialized = true
            } else if !starCarriesMaterialized {
                added.append(.column(carried[k].name))
            }
        }
        return added
    }

    /// `plan` with a projection that outputs the carried columns no node above their filter output.
    private mutating func materialized(_ plan: LogicalPlan) -> LogicalPlan {
        guard carried.contains(where: { !$0.materialized }) else { return plan }
        return .project([.star] + carry(starCarriesMaterialized: true), plan)
    }

    /// Whether a conjunct names a column of the enclosing query.
    private func isCorrelated(_ e: Expression, _ inner: Scope) throws -> Bool {
        switch e {
        case .outerReference: return true
        case .column, .qualifiedColumn: return try side(e, inner) == .outer
        case .subquery, .star, .literal: return false
        default: return try e.children.contains { try isCorrelated($0, inner) }
        }
    }

    /// The conjunct with the subquery's columns replaced by their carried names.
    private mutating func rewrite(_ e: Expression, _ inner: Scope) throws -> Expression {
        switch e {
        case .outerReference(let x): return x
        case .column, .qualifiedColumn:
            guard try side(e, inner) == .inner else { return e }
            if let k = carried.firstIndex(where: { $0.expression == e }) { return .column(carried[k].name) }
            let name = "\(prefix)_c\(carried.count)"
            carried.append((name, e, false))
            return .column(name)
        default:
            return try e.mapChildren { try rewrite($0, inner) }
        }
    }

    enum Side { case inner, outer, neither }

    /// Where a column reference resolves: the subquery's own inputs first, then the enclosing
    /// query. `df["x"]` goes to the query tagged with that DataFrame, before any plain `x`. A name
    /// ambiguous in the subquery is an error, never taken for the enclosing query's column.
    private func side(_ e: Expression, _ inner: Scope) throws -> Side {
        func plain(_ name: String) throws -> Side {
            if try inner.find(name) != nil { return .inner }
            return try outer.find(name) != nil ? .outer : .neither
        }
        switch e {
        case .column(let name): return try plain(name)
        case .qualifiedColumn(let q, let name):
            if try inner.findQualified(q, name) != nil { return .inner }
            if try outer.findQualified(q, name) != nil { return .outer }
            // A DataFrame's own plan is untagged: `df["x"]` is then its plain `x`.
            return q.hasPrefix("#") ? try plain(name) : .neither
        default: return .neither
        }
    }

    /// `carried = outer expression` (either way round).
    private func isEqualityWithOuter(_ e: Expression) -> Bool {
        guard case .binary(.equal, let l, let r) = e else { return false }
        func isCarried(_ x: Expression) -> Bool {
            if case .column(let n) = x { return carried.contains { $0.name == n } }
            return false
        }
        func readsCarried(_ x: Expression) -> Bool { isCarried(x) || x.children.contains(where: readsCarried) }
        return (isCarried(l) && !readsCarried(r)) || (isCarried(r) && !readsCarried(l))
    }
}
