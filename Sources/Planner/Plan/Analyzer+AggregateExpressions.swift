// Expressions over aggregates in agg(...): `sum(a) / sum(b)`, `round(avg(x), 2)`, `count(*) + 1`,
// or a grouping column itself. As Spark does, the aggregates inside are computed by the Aggregate
// and the expressions over them by a Project above it:
//
//   agg(k, (sum(a) / sum(b)).alias("r"), count(*))        Project(k, __agg#0 / __agg#1 AS r, __agg#2 AS count(1))
//                                                   ──►     Aggregate(k, [sum(a) AS __agg#0, sum(b) AS __agg#1, count(*) AS __agg#2])
//
// The same aggregate written twice is computed once. An item that is neither an aggregate nor built
// from aggregates and grouping columns is an error that names it, as Spark's is.

extension Analyzer {
    /// True when an agg item is not a plain (aliased) aggregate and needs a Project above the Aggregate.
    static func isExpressionOverAggregates(_ item: Expression) -> Bool {
        var e = item
        if case .alias(let inner, _) = e { e = inner }
        if case .aggregate = e { return false }
        return true
    }

    static func resolveAggregateExpressions(_ keys: [Expression], _ aggs: [Expression], _ child: LogicalPlan) throws -> (ResolvedPlan, Scope) {
        var extracted: [Expression] = []
        func name(_ i: Int) -> String { "__agg#\(i)" }
        func extract(_ e: Expression) throws -> Expression {
            switch e {
            case .aggregate:
                if let i = extracted.firstIndex(of: e) { return .column(name(i)) }
                extracted.append(e)
                return .column(name(extracted.count - 1))
            case .explode: throw EmberError(.analysis, "explode is not allowed in agg ('\(e.displayName)')", hint: "explode in a select before groupBy")
            case .star: throw EmberError(.analysis, "'*' is not allowed in agg", hint: "name the columns, or use count(col(\"*\"))")
            case .subquery: throw EmberError(.analysis, "a subquery is not allowed in agg ('\(e.displayName)')",
                                             hint: "compare or select it after the aggregate, e.g. in a filter (SQL's HAVING)")
            case .outerReference: throw Analyzer.outerReferenceOutsideSubquery(e)
            case .window, .windowFunction:
                throw EmberError(.analysis, "It is not allowed to use window functions inside agg: '\(e.displayName)'",
                                 hint: "aggregate first, then compute the window in a select over the result")
            default: return try e.mapChildren(extract)
            }
        }
        // Each item keeps the name Spark gives it: its alias, or its text.
        let outer = try aggs.map { item -> (expression: Expression, name: String) in
            if case .alias(let inner, let n) = item { return (try extract(inner), n) }
            return (try extract(item), item.displayName)
        }
        let inner = LogicalPlan.aggregate(keys: keys, aggregates: extracted.enumerated().map { .alias($1, name($0)) }, child)
        let (plan, scope) = try resolveScoped(inner)
        var bound: [BoundExpression] = []
        var fields: [StructField] = []
        var qualifiers: [[String]] = []
        for i in keys.indices {
            let f = plan.schema.fields[i]
            bound.append(.column(i, f.dataType))
            fields.append(f)
            qualifiers.append(scope.qualifiers[i])
        }
        let keyScope = Scope(StructType(Array(plan.schema.fields.prefix(keys.count))), qualifiers: Array(scope.qualifiers.prefix(keys.count)))
        for (item, (expression, outputName)) in zip(aggs, outer) {
            let b: BoundExpression
            do {
                b = try bind(expression, scope)
            } catch let error as EmberError where error.code == .analysis {
                // Name the item, and say whether a column in it is not grouped.
                let ungrouped = item.referencedColumnNames.first { (try? bind(.column($0), keyScope)) == nil && !$0.hasPrefix("__agg#") }
                throw EmberError(.analysis, ungrouped.map { "column '\($0)' in agg item '\(item.displayName)' is neither grouped nor inside an aggregate function" }
                                    ?? "cannot resolve agg item '\(item.displayName)': \(error.message)",
                                 hint: "group by the column, or aggregate it, e.g. first(col(\"\(ungrouped ?? "x")\"))")
            }
            bound.append(b)
            fields.append(StructField(outputName, b.dataType))
            qualifiers.append([])
        }
        let out = StructType(fields)
        return (.project(bound, out, plan), Scope(out, qualifiers: qualifiers))
    }
}

extension Expression {
    /// The plain column names an expression refers to (not inside aggregates).
    var referencedColumnNames: [String] {
        switch self {
        case .column(let n): return [n]
        case .qualifiedColumn(_, let n): return [n]
        case .aggregate, .star, .literal, .subquery, .outerReference, .window, .windowFunction: return []
        case .alias(let x, _), .not(let x), .negate(let x), .isNull(let x), .isNotNull(let x), .cast(let x, _), .explode(let x):
            return x.referencedColumnNames
        case .binary(_, let l, let r): return l.referencedColumnNames + r.referencedColumnNames
        case .function(_, let args): return args.flatMap(\.referencedColumnNames)
        }
    }
}
