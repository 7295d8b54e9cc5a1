// SQLTranslator+Grouping: SELECTs with GROUP BY, HAVING or aggregates. GROUP BY takes names,
// select aliases, 1-based positions and expressions (GROUP BY ALL: the items without aggregates).
// When the select list is the keys followed by aggregates, the plan is the DataFrame API's
// `groupBy(keys).agg(items)`; otherwise every item, the HAVING condition and any ORDER BY
// expression are computed by the Aggregate under hidden names, filtered, sorted and projected to
// the select list. A column neither grouped nor aggregated is refused where it is written, as Spark
// refuses it (MISSING_AGGREGATION).

extension SQLTranslator {
    func aggregateSelect(_ s: SQLSelect, _ items: [Expression], _ input: LogicalPlan, unfiltered: LogicalPlan, _ inputScope: Scope,
                         orderBy: [SQLSortItem]) throws -> LogicalPlan {
        if items.contains(.star) { throw source.error(.analysis, "* is not allowed in a select list with GROUP BY or aggregates", at: s.position) }
        var aliases: [String: Expression] = [:]
        for item in items { if case .alias(let e, let n) = item { aliases[n.lowercased()] = e } }
        let c = ExpressionContext(scope: inputScope, aliases: aliases)
        let keys = try groupingKeys(s, items, c)
        // The WHERE clause may read an enclosing query's columns: the keys' scope is taken without it.
        let keyScope = try scope(of: .aggregate(keys: keys, aggregates: [], unfiltered), at: s.position)
        for item in s.items { try checkGrouped(item.expression, keys, keyScope, c) }
        func rewritten(_ e: Expression) -> Expression { replacingKeys(e, keys) }
        let names = items.map(outputName)
        // The DataFrame API's shape: groupBy(keys).agg(aggregates).
        let bare = items.map(unaliased)
        let simple = bare.count >= keys.count && Array(items.prefix(keys.count)) == keys && keys.allSatisfy(isColumn)
            && items.dropFirst(keys.count).allSatisfy(\.containsAggregate) && s.having == nil
        var hidden: [Expression] = []
        var aggregated: LogicalPlan
        var outputs: [Expression]
        if simple {
            aggregated = .aggregate(keys: keys, aggregates: Array(items.dropFirst(keys.count)), input)
            outputs = []
        } else {
            aggregated = .aggregate(keys: keys, aggregates: items.enumerated().map { .alias(rewritten(unaliased($1)), "__item#\($0)") }, input)
            outputs = names.enumerated().map { .alias(.column("__item#\($0)"), $1) }
        }
        if let having = s.having {
            let condition = try checkGroupedCondition(having, keys, keyScope, c)
            // The aggregates the condition reads are computed by the Aggregate; the condition itself
            // filters above it, where a subquery in it becomes a join as in a WHERE clause.
            var lifted: [Expression] = []
            let filter = liftingAggregates(condition, keys, &lifted)
            aggregated = .filter(filter, addingAggregates(lifted, to: aggregated))
        }
        func finish(_ plan: LogicalPlan, _ extra: [Expression]) -> LogicalPlan {
            outputs.isEmpty && extra.isEmpty ? plan : .project((outputs.isEmpty ? names.map { .column($0) } : outputs) + extra, plan)
        }
        var plan = finish(aggregated, [])
        guard !orderBy.isEmpty else { return s.distinct ? .distinct(plan) : plan }
        let out = try scope(of: plan, at: s.position)
        var sortKeys: [SortOrder] = []
        for item in orderBy {
            if let key = try outputKey(item, out) { sortKeys.append(key); continue }
            let e = try checkGroupedCondition(item.expression, keys, keyScope, c)
            let name = "__sort#\(hidden.count)"
            hidden.append(.alias(rewritten(e), name))
            sortKeys.append(SortOrder(.column(name), ascending: item.ascending, nullsFirst: item.nullsFirst))
        }
        if hidden.isEmpty { return .sort(sortKeys, s.distinct ? .distinct(plan) : plan) }
        if s.distinct { throw orderByNotSelected(orderBy) }
        plan = finish(addingAggregates(hidden, to: aggregated), hidden.map { .column(aliasName($0)) })
        return .project(out.schema.names.map { .column($0) }, .sort(sortKeys, plan))
    }

    /// The Aggregate (under its HAVING filter) computing `extra` items too.
    func addingAggregates(_ extra: [Expression], to plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .aggregate(let k, let a, let child): return .aggregate(keys: k, aggregates: a + extra, child)
        case .filter(let f, let child): return .filter(f, addingAggregates(extra, to: child))
        default: return plan
        }
    }

    func aliasName(_ e: Expression) -> String { if case .alias(_, let n) = e { return n } else { return e.displayName } }
    func unaliased(_ e: Expression) -> Expression { if case .alias(let inner, _) = e { return inner } else { return e } }
    func isColumn(_ e: Expression) -> Bool {
        switch e { case .column, .qualifiedColumn: return true; default: return false }
    }

    /// The output name of a select item, as Spark names it: its alias, a column's own name, or the
    /// expression's text.
    func outputName(_ e: Expression) -> String {
        switch e {
        case .alias(_, let n): return n
        case .column(let n): return n.split(separator: ".").last.map(String.init) ?? n
        default: return e.displayName
        }
    }

    func groupingKeys(_ s: SQLSelect, _ items: [Expression], _ c: ExpressionContext) throws -> [Expression] {
        guard let groupBy = s.groupBy else { return [] }
        switch groupBy.kind {
        case .all:
            return items.filter { !$0.containsAggregate }.map(unaliased)
        case .expressions(let es):
            return try es.map { e in
                if case .literal(.integer(let n, _)) = e.kind {
                    guard n >= 1, n <= Int64(items.count) else {
                        throw source.error(.analysis, "GROUP BY position \(n) is not in the select list (valid range is [1, \(items.count)])", at: e.position)
                    }
                    let item = unaliased(items[Int(n) - 1])
                    if item.containsAggregate {
                        throw source.error(.analysis, "GROUP BY \(n) refers to an expression that contains an aggregate function (\(item.displayName))",
                                           at: e.position, hint: "aggregate functions are not allowed in GROUP BY")
                    }
                    return item
                }
                let key = try expression(e, c)
                if key.containsAggregate {
                    throw source.error(.analysis, "aggregate functions are not allowed in GROUP BY, but found \(key.displayName)", at: e.position)
                }
                return key
            }
        }
    }

    /// `e` with each grouping expression that is not a plain column read from the Aggregate's output.
    func replacingKeys(_ e: Expression, _ keys: [Expression]) -> Expression {
        if !isColumn(e), keys.contains(e) { return .column(e.displayName) }
        switch e {
        case .aggregate, .subquery: return e
        default: return e.mapChildren { replacingKeys($0, keys) }
        }
    }

    /// `e` reading its aggregates (appended to `lifted` as `__having#i`) and its grouping
    /// expressions from the Aggregate's output.
    func liftingAggregates(_ e: Expression, _ keys: [Expression], _ lifted: inout [Expression]) -> Expression {
        if !isColumn(e), keys.contains(e) { return .column(e.displayName) }
        switch e {
        case .aggregate:
            let name = "__having#\(lifted.count)"
            lifted.append(.alias(e, name))
            return .column(name)
        case .subquery:
            return e
        default:
            return e.mapChildren { liftingAggregates($0, keys, &lifted) }
        }
    }

    /// The expression of a HAVING condition or ORDER BY item of an aggregate query, checked.
    func checkGroupedCondition(_ e: SQLExpression, _ keys: [Expression], _ keyScope: Scope, _ c: ExpressionContext) throws -> Expression {
        let translated = try expression(e, c)
        try checkGrouped(e, keys, keyScope, c)
        return translated
    }

    /// Throws where `e` reads a column that is neither a grouping key nor inside an aggregate.
    func checkGrouped(_ e: SQLExpression, _ keys: [Expression], _ keyScope: Scope, _ c: ExpressionContext) throws {
        switch e.kind {
        case .function(let call) where SQLFunctions.isAggregate(call.name.last):
            return
        case .exists, .scalarSubquery, .star, .literal:
            return
        case .inSubquery(let v, _, _):
            return try checkGrouped(v, keys, keyScope, c)
        default:
            break
        }
        if let translated = try? expression(e, c), keys.contains(translated) { return }
        if case .column(let name) = e.kind {
            let dotted = name.parts.suffix(2).map(\.name).joined(separator: ".")
            if (try? keyScope.find(dotted)) ?? nil != nil { return }
            if name.parts.count == 1, let alias = c.aliases[dotted.lowercased()] {
                if alias.containsAggregate || keys.contains(alias) { return }
            }
            if c.scope.map({ (try? $0.find(dotted)) ?? nil == nil }) ?? true,
               outerScopes.contains(where: { (try? $0.find(dotted)) ?? nil != nil }) { return }
            throw source.error(.analysis, "the column `\(dotted)` is neither in GROUP BY nor inside an aggregate function",
                               at: name.position, width: name.dotted.count,
                               hint: "add `\(dotted)` to GROUP BY, or aggregate it, e.g. first(\(dotted)) if any value will do")
        }
        for child in e.children { try checkGrouped(child, keys, keyScope, c) }
    }
}
