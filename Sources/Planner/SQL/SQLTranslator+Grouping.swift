// SQLTranslator+Grouping: SELECTs with GROUP BY, HAVING or aggregates. GROUP BY takes names,
// select aliases, 1-based positions and expressions (GROUP BY ALL: the items without aggregates).
// When the select list is the keys followed by aggregates, the plan is the DataFrame API's
// `groupBy(keys).agg(items)`; otherwise the Aggregate computes the keys and every aggregate the
// query reads, and the select list, HAVING (a filter, where a subquery becomes a join) and ORDER BY
// expressions are evaluated above it. A column neither grouped nor aggregated is refused where it is written, as Spark
// refuses it (MISSING_AGGREGATION).

extension SQLTranslator {
    func aggregateSelect(_ s: SQLSelect, _ items: [Expression], _ input: LogicalPlan, unfiltered: (ResolvedPlan, Scope),
                         orderBy: [SQLSortItem]) throws -> LogicalPlan {
        if items.contains(.star) { throw source.error(.analysis, "* is not allowed in a select list with GROUP BY or aggregates", at: s.position) }
        var aliases: [String: Expression] = [:]
        for item in items { if case .alias(let e, let n) = item { aliases[n.lowercased()] = e } }
        let c = ExpressionContext(scope: unfiltered.1, aliases: aliases)
        let keys = try groupingKeys(s, items, c)
        // The WHERE clause may read an enclosing query's columns: the keys' scope is taken without it.
        let keyScope = try at(s.position) { try Analyzer.resolveAggregate(keys, [], unfiltered).1 }
        for item in s.items { try checkGrouped(item.expression, keys, keyScope, c) }
        let names = items.map(outputName)
        // The DataFrame API's shape: groupBy(keys).agg(aggregates).
        let simple = items.count >= keys.count && Array(items.prefix(keys.count)) == keys && keys.allSatisfy(isColumn)
            && items.dropFirst(keys.count).allSatisfy { $0.containsAggregate && !$0.containsSubquery } && s.having == nil
        // Otherwise the Aggregate computes the grouping keys and every aggregate the query reads
        // (`__sqlagg#i`), and the select list, HAVING and ORDER BY are evaluated above it.
        var lifted: [Expression] = []
        var having: Expression?
        var projected: [Expression] = []
        if !simple {
            // An item that is one aggregate is computed under its own name, as `agg(…alias(name))` is.
            let keyNames = Set(keyScope.schema.names.map { $0.lowercased() })
            projected = zip(items, names).map { item, name in
                let e = unaliased(item)
                if case .aggregate = e, !keyNames.contains(name.lowercased()), !name.hasPrefix("__"),
                   !lifted.contains(where: { unaliased($0) == e || aliasName($0).lowercased() == name.lowercased() }) {
                    lifted.append(.alias(e, name))
                    return .alias(.column(name), name)
                }
                return .alias(liftingAggregates(e, keys, &lifted), name)
            }
            if let condition = s.having {
                having = liftingAggregates(try checkGroupedCondition(condition, keys, keyScope, c), keys, &lifted)
            }
        }
        func plan(sorting hidden: [Expression]) -> LogicalPlan {
            if simple {
                let aggregate = LogicalPlan.aggregate(keys: keys, aggregates: Array(items.dropFirst(keys.count)) + hidden, input)
                return hidden.isEmpty ? aggregate : .project(names.map { .column($0) } + hidden.map { .column(aliasName($0)) }, aggregate)
            }
            var below = LogicalPlan.aggregate(keys: keys, aggregates: lifted, input)
            if let having { below = .filter(having, below) }
            return .project(projected + hidden, below)
        }
        let unsorted = plan(sorting: [])
        guard !orderBy.isEmpty else { return s.distinct ? .distinct(unsorted) : unsorted }
        let out = try scope(of: unsorted, at: s.position)
        var sortKeys: [SortOrder] = [], hidden: [Expression] = []
        let sortContext = outputFirst(items, c)
        for item in orderBy {
            if let key = try outputKey(item, out) { sortKeys.append(key); continue }
            let e = try checkGroupedCondition(item.expression, keys, keyScope, sortContext)
            let name = "__sort#\(hidden.count)"
            hidden.append(.alias(simple ? e : liftingAggregates(e, keys, &lifted), name))
            sortKeys.append(SortOrder(.column(name), ascending: item.ascending, nullsFirst: item.nullsFirst))
        }
        if hidden.isEmpty { return .sort(sortKeys, s.distinct ? .distinct(unsorted) : unsorted) }
        if s.distinct { throw orderByNotSelected(orderBy) }
        return .project(out.schema.names.map { .column($0) }, .sort(sortKeys, plan(sorting: hidden)))
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

    /// `e` reading its aggregates (appended to `lifted` as `__sqlagg#i`, each distinct one once)
    /// and its grouping expressions from the Aggregate's output.
    func liftingAggregates(_ e: Expression, _ keys: [Expression], _ lifted: inout [Expression]) -> Expression {
        if !isColumn(e), keys.contains(e) { return .column(e.displayName) }
        switch e {
        case .aggregate:
            if let i = lifted.firstIndex(where: { unaliased($0) == e }) { return .column(aliasName(lifted[i])) }
            let name = "__sqlagg#\(lifted.count)"
            lifted.append(.alias(e, name))
            return .column(name)
        case .subquery:
            return e
        case .window(let function, var spec):
            // A window's own aggregate is computed above the Aggregate, over its rows (Spark's
            // `sum(sum(x)) OVER …`); what it reads, and its specification, are lifted.
            let f: Expression
            if case .aggregate(let fn, let arg) = function {
                f = .aggregate(fn, arg.map { liftingAggregates($0, keys, &lifted) })
            } else {
                f = function.mapChildren { liftingAggregates($0, keys, &lifted) }
            }
            spec.partitionBy = spec.partitionBy.map { liftingAggregates($0, keys, &lifted) }
            spec.orderBy = spec.orderBy.map { SortOrder(liftingAggregates($0.expression, keys, &lifted), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            return .window(f, spec)
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
