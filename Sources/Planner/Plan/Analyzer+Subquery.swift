// Analyzer+Subquery: rewrites subqueries into joins while resolving, as Spark's optimizer does
// (RewritePredicateSubquery, RewriteCorrelatedScalarSubquery):
//   WHERE [NOT] EXISTS (q)        → left semi (anti) join with q on its correlated conditions
//   WHERE a [NOT] IN (SELECT b …) → left semi (anti) join on a = b (NOT IN null-aware:
//                                   a = b OR (a = b) IS NULL, so a null on either side excludes;
//                                   uncorrelated with one value: a hash anti join on a = b behind
//                                   a guard that q is empty, or a is not null and q has no null)
//   (SELECT agg … WHERE t.k = o.k) → left outer join with q grouped by its correlated columns; a
//                                   row with no group takes the aggregate's value over no rows
//                                   (count is 0, not null: Spark's "count bug" handling) unless
//                                   the subquery itself groups by the correlated columns (null)
//   (SELECT x …) uncorrelated     → left outer join with q's single row; more than one row fails
//                                   the query, as in Spark.
// EXISTS and IN must be conjuncts of a filter (optionally under NOT); scalar subqueries may appear
// anywhere in a filter or select list. The join keeps only the enclosing query's columns after.

import Synchronization

extension Analyzer {
    private static let subqueryNumbers = Atomic<Int>(0)

    static func nextSubqueryPrefix() -> String { "__sq\(subqueryNumbers.add(1, ordering: .relaxed).newValue)" }

    static func resolveFilterWithSubqueries(_ condition: Expression, _ child: LogicalPlan) throws -> (ResolvedPlan, Scope) {
        let input = try resolveScoped(child)
        var current = input
        var rest: [Expression] = []
        for conjunct in try condition.conjuncts.flatMap({ try oneRowSubqueryRewrite($0) }) {
            if case .subquery(let q) = conjunct, q.kind != .scalar {
                current = try semiJoin(current, q, anti: false)
            } else if case .not(.subquery(let q)) = conjunct, q.kind != .scalar {
                current = try semiJoin(current, q, anti: true)
            } else {
                rest.append(conjunct)
            }
        }
        guard let remaining = Expression.conjunction(rest) else { return current }
        return try filterResolved(remaining, current)
    }

    static func resolveProjectWithSubqueries(_ exprs: [Expression], _ child: LogicalPlan) throws -> (ResolvedPlan, Scope) {
        var current = try resolveScoped(child)
        let width = current.0.schema.count
        let replaced = try exprs.map { try replaceScalarSubqueries($0, &current) }
        if let e = replaced.first(where: \.containsSubquery) {
            throw EmberError(.analysis, "EXISTS and IN subqueries may only be filter conditions, not select items ('\(e.displayName)')",
                             hint: "filter with them, or compute the flag with a left join")
        }
        return try resolveProject(replaced, current, starColumns: width)
    }

    /// A subquery that is an aggregate without grouping keys has exactly one row, whatever its
    /// correlated condition (decorrelating it would group by the correlated columns, and lose the
    /// row for outer values with no match: Spark's count bug, SPARK-46468): EXISTS is true, NOT
    /// EXISTS false, and `a IN (q)` is `a = q` as a scalar subquery.
    static func oneRowSubqueryRewrite(_ conjunct: Expression) throws -> [Expression] {
        var negated = false
        var e = conjunct
        if case .not(let inner) = e { negated = true; e = inner }
        guard case .subquery(let q) = e, q.kind != .scalar, returnsOneRow(q.plan) else { return [conjunct] }
        switch q.kind {
        case .exists: return negated ? [.literal(.boolean(false))] : []
        case .isIn(let values):
            guard values.count == 1 else {
                throw EmberError(.analysis, "an IN subquery over an aggregate without grouping compares one value, not \(values.count)",
                                 hint: "compare each value with its own scalar subquery")
            }
            let equal = Expression.binary(.equal, values[0], .subquery(Subquery(.scalar, q.plan)))
            return [negated ? .not(equal) : equal]
        case .scalar: return [conjunct]
        }
    }

    /// A left semi (or anti) join of `input` with the subquery on its correlated conditions and,
    /// for IN, on the compared values.
    static func semiJoin(_ input: (ResolvedPlan, Scope), _ q: Subquery, anti: Bool) throws -> (ResolvedPlan, Scope) {
        var decorrelation = SubqueryDecorrelation(outer: input.1, prefix: nextSubqueryPrefix())
        var plan = try decorrelation.decorrelate(q.plan)
        // An aggregate without grouping keys has a row for an outer row without matches, which a
        // semi join cannot see (Spark handles this count bug since SPARK-46468): refuse rather
        // than drop those rows. (One directly at the top is oneRowSubqueryRewrite's.)
        if decorrelation.crossedAggregatesHaveKeys.contains(false) {
            throw EmberError(.analysis, "a correlated \(q.kind == .exists ? "EXISTS" : "IN") subquery over an aggregate without GROUP BY that filters its one row (HAVING, WHERE above it) is not supported ('\(q.plan.nodeText)')",
                             hint: "compare the aggregate as a scalar subquery, e.g. WHERE (SELECT count(*) FROM b WHERE b.k = a.k) = 0")
        }
        // Uncorrelated EXISTS needs one row of the subquery (Spark's RewriteNonCorrelatedExists).
        if q.kind == .exists, decorrelation.pulled.isEmpty { plan = .limit(1, plan) }
        // An uncorrelated single-value NOT IN is a hash anti join on a = b behind a guard (Spark
        // plans it as a null-aware anti join): the nested-loop form below is quadratic.
        var input = input
        var nullAware = anti
        if anti, case .isIn(let values) = q.kind, values.count == 1, decorrelation.pulled.isEmpty {
            input = try filterResolved(try notInGuard(values[0], q.plan), input)
            nullAware = false
        }
        let (sub, subScope) = try resolveScoped(plan)
        let (scope, valueNames) = renamed(subScope, decorrelation)
        var conditions = decorrelation.pulled
        if case .isIn(let values) = q.kind {
            guard values.count == valueNames.count else {
                throw EmberError(.analysis, "the IN subquery returns \(valueNames.count) column(s) but is compared with \(values.count) value(s)",
                                 hint: "select exactly the columns compared, e.g. col(\"id\").isin(other.select(\"id\"))")
            }
            for (value, name) in zip(values, valueNames) {
                let equal = Expression.binary(.equal, value, .column(name))
                conditions.append(nullAware ? .binary(.or, equal, .isNull(equal)) : equal)
            }
        }
        let criteria = Expression.conjunction(conditions).map(JoinCriteria.on) ?? JoinCriteria.none
        return try resolveJoin(input, (sub, scope), anti ? .leftAnti : .leftSemi, criteria)
    }

    /// What `a NOT IN (q)` needs beyond "no row of q equals a" (an anti join on a = b): q has no
    /// rows, or a is not null and q holds no null. As two uncorrelated counts over q, each a
    /// one-row side that is broadcast: `count(q) = 0 OR (a IS NOT NULL AND count(q's nulls) = 0)`.
    static func notInGuard(_ value: Expression, _ q: LogicalPlan) throws -> Expression {
        guard let name = try resolveScoped(q).0.schema.names.first else {
            throw EmberError(.analysis, "the IN subquery returns no column", hint: "select the column compared")
        }
        let countAll = Expression.alias(.aggregate(.count, nil), "count")
        let rows = Expression.subquery(Subquery(.scalar, .aggregate(keys: [], aggregates: [countAll], q)))
        let nulls = Expression.subquery(Subquery(.scalar, .aggregate(keys: [], aggregates: [countAll], .filter(.isNull(.column(name)), q))))
        let zero = Expression.literal(.long(0))
        return .binary(.or, .binary(.equal, rows, zero), .binary(.and, .isNotNull(value), .binary(.equal, nulls, zero)))
    }

    /// `input` filtered by `condition`, whose scalar subqueries become joins; keeps input's columns.
    static func filterResolved(_ condition: Expression, _ input: (ResolvedPlan, Scope)) throws -> (ResolvedPlan, Scope) {
        var current = input
        let replaced = try replaceScalarSubqueries(condition, &current)
        if replaced.containsSubquery {
            throw EmberError(.analysis, "EXISTS and IN subqueries may only be conditions of a filter joined by AND (each optionally under NOT), not part of '\(condition.displayName)'",
                             hint: "split the condition: df.where(exists).where(other), or rewrite an OR as a union of two filters")
        }
        let bound = asCondition(try bind(replaced, current.1))
        guard bound.dataType == .boolean else {
            throw EmberError(.analysis, "filter condition '\(condition.displayName)' is of type \(bound.dataType), not boolean")
        }
        let filtered = ResolvedPlan.filter(bound, current.0)
        let schema = current.0.schema
        if schema.count == input.0.schema.count { return (filtered, current.1) }
        let columns = input.0.schema.fields.indices.map { BoundExpression.column($0, schema.fields[$0].dataType) }
        return (.project(columns, input.0.schema, filtered), input.1)
    }

    /// `e` with each scalar subquery replaced by a column of a left outer join added to `current`.
    static func replaceScalarSubqueries(_ e: Expression, _ current: inout (ResolvedPlan, Scope)) throws -> Expression {
        guard e.containsSubquery else { return e }
        guard case .subquery(let q) = e, q.kind == .scalar else {
            return try e.mapChildren { try replaceScalarSubqueries($0, &current) }
        }
        let prefix = nextSubqueryPrefix()
        var decorrelation = SubqueryDecorrelation(outer: current.1, prefix: prefix)
        var plan = try decorrelation.decorrelate(q.plan)
        let correlated = !decorrelation.pulled.isEmpty
        let present = "\(prefix)_p", count = "\(prefix)_n"
        if correlated {
            if decorrelation.aggregateHasOtherKeys {
                throw EmberError(.analysis, "a correlated scalar subquery may group only by its correlated columns, so that it has one value per row ('\(q.plan.nodeText)')",
                                 hint: "aggregate over the correlated rows without other grouping columns")
            }
            if decorrelation.globalAggregateBelowOutermost {
                throw EmberError(.analysis, "a correlated scalar subquery over an aggregate without grouping keys below another aggregate is not supported ('\(q.plan.nodeText)')",
                                 hint: "aggregate the correlated rows once, or join the inner aggregate grouped by the correlated columns")
            }
            guard decorrelation.crossedAggregate else {
                throw EmberError(.analysis, "a correlated scalar subquery must be aggregated, so that it has one value per row ('\(q.plan.nodeText)')",
                                 hint: "aggregate it, e.g. other.where(col(\"k\") === col(\"k\").outer()).agg(max(\"x\")).scalar()")
            }
            plan = .project([.star, .alias(.literal(.boolean(true)), present)], plan)
        }
        let (probe, probeScope) = try resolveScoped(plan)
        let values = renamed(probeScope, decorrelation, extra: [present]).values
        guard values.count == 1, let valueIndex = probeScope.schema.names.firstIndex(where: { !isCarried($0, decorrelation, extra: [present]) }) else {
            throw EmberError(.analysis, "a scalar subquery must return one column, this one returns \(values.count): [\(probe.schema.names.joined(separator: ", "))]",
                             hint: "select the one value, e.g. other.agg(max(\"x\")).scalar()")
        }
        let valueName = probe.schema.names[valueIndex]
        var value: Expression
        var (sub, subScope) = (probe, probeScope)
        if !correlated && !returnsOneRow(q.plan) {
            plan = .aggregate(keys: [], aggregates: [.alias(.aggregate(.first, .column(valueName)), "\(prefix)_v0"),
                                                     .alias(.aggregate(.count, nil), count)], plan)
            value = .function(.assertAtMostOneRow, [.column(count), .column("\(prefix)_v0")])
            (sub, subScope) = try resolveScoped(plan)
        } else {
            value = .column("\(prefix)_v0")
        }
        let (scope, _) = renamed(subScope, decorrelation, extra: [present, count])
        // A subquery grouped by its correlated columns has no row for an outer row without
        // matches: the join's null is its value (Spark's count bug only touches global aggregates).
        if correlated && !decorrelation.aggregateHasKeys {
            let empty = try valueOverNoRows(q.plan)
            value = .function(.caseWhen(hasElse: true), [.isNull(.column(present)), empty, value])
        }
        let criteria = Expression.conjunction(decorrelation.pulled).map(JoinCriteria.on) ?? JoinCriteria.none
        let names = current.1.schema.names + scope.schema.names
        let (joined, joinedScope) = try resolveJoin(current, (sub, scope), .leftOuter, criteria)
        // The join's schema names columns as the plans do; its scope keeps the names of the scopes
        // joined (the subquery's renamed), so `value` resolves to them and nothing else does.
        let fields = zip(joinedScope.schema.fields, names).map { f, name in StructField(name, f.dataType, nullable: f.nullable) }
        current = (joined, Scope(StructType(fields), qualifiers: joinedScope.qualifiers))
        return value
    }

    /// The subquery's scope with its columns named for the join: carried columns keep their names,
    /// the others (its values) become `<prefix>_v0`, `_v1`, …; no column answers to a qualifier.
    static func renamed(_ scope: Scope, _ d: SubqueryDecorrelation, extra: [String] = []) -> (Scope, values: [String]) {
        var values: [String] = []
        let fields = scope.schema.fields.map { f -> StructField in
            if isCarried(f.name, d, extra: extra) { return f }
            values.append("\(d.prefix)_v\(values.count)")
            return StructField(values.last!, f.dataType, nullable: f.nullable)
        }
        return (Scope(StructType(fields)), values)
    }

    static func isCarried(_ name: String, _ d: SubqueryDecorrelation, extra: [String] = []) -> Bool {
        extra.contains(name) || d.carried.contains { $0.name == name }
    }

    /// True when the plan is an aggregate without grouping keys (under projections, aliases or
    /// sorts): it has exactly one row.
    static func returnsOneRow(_ plan: LogicalPlan) -> Bool {
        switch plan {
        case .aggregate(let keys, _, _): return keys.isEmpty
        case .project(let exprs, let c): return !exprs.contains(where: \.containsGenerator) && returnsOneRow(c)
        case .subqueryAlias(_, let c), .dataFrameTag(_, let c), .sort(_, let c), .sortWithinPartitions(_, let c),
             .broadcastHint(let c):
            return returnsOneRow(c)
        default: return false
        }
    }

    /// The value an aggregated subquery has over no rows: its expression with count as 0 and every
    /// other aggregate as null (a projection above the aggregate is followed through its names).
    static func valueOverNoRows(_ plan: LogicalPlan) throws -> Expression {
        func overNoRows(_ e: Expression) -> Expression {
            switch e {
            case .aggregate(.count, _): return .literal(.long(0))
            case .aggregate: return .literal(.null)
            case .alias(let inner, _): return overNoRows(inner)
            default: return e.mapChildren(overNoRows)
            }
        }
        switch plan {
        case .aggregate(_, let aggregates, _) where aggregates.count == 1:
            return overNoRows(aggregates[0])
        case .subqueryAlias(_, let c), .dataFrameTag(_, let c), .sort(_, let c), .sortWithinPartitions(_, let c), .broadcastHint(let c):
            return try valueOverNoRows(c)
        case .project(let exprs, .aggregate(_, let aggregates, _)) where exprs.count == 1:
            // Names of the aggregate's outputs → their values over no rows. Every column the
            // projection reads must be one of them: anything else would bind to the outer query.
            var byName: [String: Expression] = [:]
            for a in aggregates { byName[a.displayName.lowercased()] = overNoRows(a) }
            var unknown: String? = nil
            let value = overNoRows(exprs[0]).transformColumns { name in
                if let v = byName[name.lowercased()] { return v }
                unknown = unknown ?? name
                return nil
            }
            if let unknown {
                throw EmberError(.analysis, "a correlated scalar subquery's value reads `\(unknown)`, which is not one of its aggregates",
                                 hint: "select an expression of the aggregate's outputs only")
            }
            return value
        default:
            throw EmberError(.analysis, "a correlated scalar subquery must end in one aggregate value, e.g. agg(max(\"x\")), not '\(plan.nodeText)'",
                             hint: "aggregate the subquery's one column")
        }
    }
}

extension Expression {
    /// The expression with each column `name` (plain or qualified) replaced by `f(name)` where
    /// that is not nil.
    func transformColumns(_ f: (String) -> Expression?) -> Expression {
        switch self {
        case .column(let name), .qualifiedColumn(_, let name): return f(name) ?? self
        default: return mapChildren { $0.transformColumns(f) }
        }
    }
}
