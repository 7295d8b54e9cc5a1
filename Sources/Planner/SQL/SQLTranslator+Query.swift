// SQLTranslator+Query: queries to plans. WITH binds CTEs (each sees the ones before it); a SELECT
// is FROM → WHERE (filter) → select list (project), or → Aggregate for GROUP BY / aggregates
// (SQLTranslator+Grouping); ORDER BY sorts the output, reading select aliases and positions first
// and the input's columns otherwise (computed as hidden columns, dropped after the sort); LIMIT;
// UNION [ALL], INTERSECT and EXCEPT become the DataFrame API's set operations.

extension SQLTranslator {
    func query(_ q: SQLQuery) throws -> LogicalPlan {
        var t = self
        for cte in q.ctes {
            var plan = try t.query(cte.query)
            if !cte.columns.isEmpty { plan = try t.renamed(plan, to: cte.columns, at: cte.name.position) }
            t.ctes[cte.name.name.lowercased()] = .subqueryAlias(cte.name.name, plan)
        }
        var plan: LogicalPlan
        if !q.orderBy.isEmpty, case .select(let s) = q.body {
            plan = try t.select(s, orderBy: q.orderBy)
        } else {
            plan = try t.body(q.body)
            if !q.orderBy.isEmpty {
                let out = try t.scope(of: plan, at: q.position)
                let keys = try q.orderBy.map { item -> SortOrder in
                    if let key = try t.outputKey(item, out) { return key }
                    return SortOrder(try t.expression(item.expression, ExpressionContext(scope: out)), ascending: item.ascending, nullsFirst: item.nullsFirst)
                }
                plan = .sort(keys, plan)
            }
        }
        if !q.sortBy.isEmpty {
            let out = try t.scope(of: plan, at: q.position)
            plan = .sortWithinPartitions(try q.sortBy.map {
                SortOrder(try t.expression($0.expression, ExpressionContext(scope: out)), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
            }, plan)
        }
        if let first = q.distributeBy.first { throw unsupported("DISTRIBUTE BY", at: first.position) }
        if let offset = q.offset { throw unsupported("OFFSET", at: offset.position) }
        if let limit = q.limit {
            guard case .literal(.integer(let n, _)) = limit.kind, n >= 0, n <= Int64(Int32.max) else {
                throw source.error(.analysis, "LIMIT takes a non-negative integer literal", at: limit.position)
            }
            plan = .limit(Int(n), plan)
        }
        return plan
    }

    func body(_ b: SQLQueryBody) throws -> LogicalPlan {
        switch b {
        case .select(let s):
            return try select(s, orderBy: [])
        case .setOperation(let op, let all, let l, let r, let position):
            let left = try body(l), right = try body(r)
            switch op {
            case .union:
                let union = LogicalPlan.union(left, right, byName: false, allowMissingColumns: false)
                return all ? union : .distinct(union)
            case .intersect:
                if all { throw unsupported("INTERSECT ALL", at: position) }
                return .intersect(left, right)
            case .except:
                if all { throw unsupported("EXCEPT ALL", at: position) }
                return .except(left, right)
            }
        case .nested(let q):
            return try query(q)
        case .values(let rows, let position):
            return try values(rows, at: position)
        case .table(let name):
            return try table(name)
        }
    }

    /// The select list's expressions: `*` stays a star (as `select("*")`), `t.*` lists t's columns.
    /// A name that is no input column may be an earlier item's alias (Spark's lateral column
    /// alias, `SELECT x + 1 AS y, y * 2`): it stands for that item's expression.
    func selectItems(_ s: SQLSelect, _ context: ExpressionContext) throws -> [Expression] {
        var items: [Expression] = []
        var c = context
        for item in s.items {
            switch item.expression.kind {
            case .star(nil):
                items.append(.star)
            case .star(let qualifier?):
                let q = qualifier.last.lowercased()
                let scope = c.scope ?? Scope(StructType([]))
                let columns = scope.schema.fields.indices.filter { i in scope.qualifiers[i].contains { $0.lowercased() == q } }
                guard !columns.isEmpty else {
                    let names = Set(scope.qualifiers.flatMap { $0 }.filter { !$0.hasPrefix("#") })
                    var hint = "tables in FROM: \(names.sorted().joined(separator: ", "))"
                    if let best = NameSuggestions.closest(to: qualifier.last, among: names) { hint = "did you mean `\(best)`? " + hint }
                    throw source.error(.analysis, "`\(qualifier.dotted)` in `\(qualifier.dotted).*` names no table of the FROM clause",
                                       at: qualifier.position, width: qualifier.dotted.count, hint: hint)
                }
                items += columns.map { .column("\(qualifier.last).\(scope.schema.fields[$0].name)") }
            default:
                let e = try expression(item.expression, c)
                items.append(item.alias.map { .alias(e, $0.name) } ?? e)
                if let alias = item.alias {
                    // Spark's AMBIGUOUS_LATERAL_COLUMN_ALIAS: two earlier items of one name.
                    let key = alias.name.lowercased()
                    if c.aliases[key] != nil { c.ambiguousAliases.insert(key) } else { c.aliases[key] = e }
                }
            }
        }
        return items
    }

    func select(_ s: SQLSelect, orderBy: [SQLSortItem]) throws -> LogicalPlan {
        let fromPlan = try from(s.from)
        var input = fromPlan
        let resolvedFrom = try at(s.position) { try Analyzer.resolveScoped(fromPlan) }
        let inputScope = resolvedFrom.1
        var c = ExpressionContext(scope: inputScope)
        for w in s.windows {
            guard c.windows.updateValue(w.spec, forKey: w.name.name.lowercased()) == nil else {
                throw source.error(.analysis, "the window `\(w.name.name)` is defined twice", at: w.name.position, width: w.name.name.count)
            }
        }
        if let w = s.whereClause { input = .filter(try expression(w, c), input) }
        let items = try selectItems(s, c)
        if s.groupBy != nil || s.having != nil || items.contains(where: \.containsAggregate) {
            return try aggregateSelect(s, items, input, unfiltered: resolvedFrom, orderBy: orderBy)
        }
        let projected = LogicalPlan.project(items, input)
        guard !orderBy.isEmpty else { return s.distinct ? .distinct(projected) : projected }
        // The select list over the resolved input (a filter keeps its input's columns), unless a
        // subquery in it needs the analyzer's rewrite into a join.
        let out = items.contains(where: \.containsSubquery) ? try scope(of: projected, at: s.position)
            : try at(s.position) { try Analyzer.resolveProject(items, resolvedFrom).1 }
        var keys: [SortOrder] = [], hidden: [Expression] = []
        let sortContext = outputFirst(items, c)
        for item in orderBy {
            if let key = try outputKey(item, out) { keys.append(key); continue }
            let name = "__sort#\(hidden.count)"
            hidden.append(.alias(try expression(item.expression, sortContext), name))
            keys.append(SortOrder(.column(name), ascending: item.ascending, nullsFirst: item.nullsFirst))
        }
        if hidden.isEmpty { return .sort(keys, s.distinct ? .distinct(projected) : projected) }
        if s.distinct { throw orderByNotSelected(orderBy) }
        return .project(out.schema.names.map { .column($0) }, .sort(keys, .project(items + hidden, input)))
    }

    /// The context of an ORDER BY expression that also reads the input: the select list's names
    /// (aliases, columns, the input's columns under `*`) stand for their items first.
    func outputFirst(_ items: [Expression], _ context: ExpressionContext) -> ExpressionContext {
        var c = context
        c.aliases = [:]
        c.aliasesFirst = true
        // The same column twice is one output column; an alias is a column of its own.
        func add(_ name: String, _ e: Expression, isAlias: Bool = false) {
            let key = name.lowercased()
            if let seen = c.aliases[key], isAlias || seen != e { c.ambiguousAliases.insert(key) } else { c.aliases[key] = e }
        }
        for item in items {
            switch item {
            case .star: for name in context.scope?.schema.names ?? [] { add(name, .column(name)) }
            case .alias(let e, let name): add(name, e, isAlias: true)
            case .column, .qualifiedColumn: add(outputName(item), item)
            default: break
            }
        }
        return c
    }

    func orderByNotSelected(_ orderBy: [SQLSortItem]) -> EmberError {
        source.error(.analysis, "with SELECT DISTINCT, ORDER BY may only name columns of the select list", at: orderBy[0].expression.position,
                     hint: "add the expression to the select list")
    }

    /// The sort key when an ORDER BY item names the output: a position (1-based), or an expression
    /// over the output's columns and aliases; nil when it needs the input's columns.
    func outputKey(_ item: SQLSortItem, _ out: Scope) throws -> SortOrder? {
        if case .literal(.integer(let n, _)) = item.expression.kind {
            guard n >= 1, n <= Int64(out.schema.count) else {
                throw source.error(.analysis, "ORDER BY position \(n) is not in the select list (valid range is [1, \(out.schema.count)])",
                                   at: item.expression.position)
            }
            return SortOrder(.column(out.schema.names[Int(n) - 1]), ascending: item.ascending, nullsFirst: item.nullsFirst)
        }
        guard let e = try? expression(item.expression, ExpressionContext(scope: out)), (try? Analyzer.bind(e, out)) != nil else { return nil }
        return SortOrder(e, ascending: item.ascending, nullsFirst: item.nullsFirst)
    }
}
