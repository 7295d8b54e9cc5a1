// count(DISTINCT …) without a set per group: Spark's RewriteDistinctAggregates, done on the
// resolved plan out of operators that spill (aggregates) and a generator (the Expand).
//
// Only distinct aggregates over one column set (no Expand needed):
//
//   Aggregate(K, [count(DISTINCT d…)])  ──►  Project(K, c)
//                                              Aggregate(K, [count(d) AS c])        (all d non-null)
//                                                Aggregate(K ++ d…, [])             (one row per distinct tuple)
//                                                  Project(K, d…)
//
// Otherwise (several distinct column sets, or ordinary aggregates beside them), each row is
// expanded into m + 1 copies tagged gid = 0…m (an explode of the literal array [0, …, m]): copy 0
// carries the ordinary aggregates' inputs, copy j the j-th distinct set; everything else is null.
//
//   Project(K, count_j, coalesce(first_i, 0) for counts, first_i otherwise)
//     Aggregate(K, [count(d_j…) for each set j,  first(CASE WHEN gid = 0 THEN r_i END) IGNORE NULLS])
//       Aggregate(K ++ d_1… ++ … ++ d_m… ++ gid, [ordinary aggregates over their inputs → r_i])
//         Project(K, gid, CASE WHEN gid = j THEN d_j… END, CASE WHEN gid = 0 THEN input_i END)
//           Generate explode([0…m]) AS gid
//
// The first aggregate holds one group per key and distinct tuple (and spills like any aggregate);
// the second sees one row per group of the first. Ordinary aggregates are computed whole in the
// gid = 0 groups, so every aggregate function works; a count over no input (a global aggregate of
// nothing) is 0, not null, hence the coalesce.

extension Analyzer {
    /// True for `count(DISTINCT …)`, aliased or not.
    static func isDistinctAggregate(_ e: Expression) -> Bool { distinctArguments(e) != nil }

    static func distinctArguments(_ e: Expression) -> [Expression]? {
        var expr = e
        if case .alias(let inner, _) = expr { expr = inner }
        if case .aggregate(.count, .function(.distinct, let args)?) = expr { return args }
        return nil
    }

    /// Checks and casts the input of first/last and the standard deviations and variances.
    static func checkedInput(_ f: AggregateFunction, _ b: BoundExpression, _ arg: Expression) throws -> BoundExpression {
        if case .array = b.dataType {
            throw EmberError(.analysis, "\(f.rawValue) is not defined on arrays ('\(arg.displayName)')")
        }
        guard f.isCentralMoment else { return b }
        let x = try number(b, arg)
        return x.dataType == .double ? x : .cast(x, .double)
    }

    static func resolveDistinctAggregate(_ keys: [Expression], _ aggs: [Expression], _ resolvedChild: (ResolvedPlan, Scope)) throws -> (ResolvedPlan, Scope) {
        let (child, childScope) = resolvedChild
        var sets: [[Expression]] = []
        var regular: [(index: Int, function: AggregateFunction, input: Expression?)] = []
        for (i, a) in aggs.enumerated() {
            if let args = distinctArguments(a) {
                guard !args.isEmpty else { throw EmberError(.analysis, "countDistinct needs at least one column") }
                if !sets.contains(args) { sets.append(args) }
                continue
            }
            var expr = a
            if case .alias(let inner, _) = expr { expr = inner }
            guard case .aggregate(let f, let arg) = expr else {
                throw EmberError(.analysis, "'\(a.displayName)' is not an aggregate function")
            }
            regular.append((i, f, countsRows(f, arg) ? nil : arg))
        }
        let keyNames = keys.indices.map { "__key\($0)" }
        let keyColumns = keyNames.map { Expression.column($0) }
        func setColumns(_ j: Int) -> [Expression] { sets[j].indices.map { .column("__distinct\(j)_\($0)") } }
        func allPresent(_ columns: [Expression]) -> Expression {
            if columns.count == 1 { return columns[0] }
            let condition = columns.dropFirst().reduce(Expression.isNotNull(columns[0])) { .binary(.and, $0, .isNotNull($1)) }
            return .function(.caseWhen(hasElse: false), [condition, .literal(.long(1))])
        }
        var projected: [Expression] = zip(keys, keyNames).map { .alias($0, $1) }
        var innerAggregates: [Expression] = []
        var outerAggregates: [Expression] = []
        let input: (ResolvedPlan, Scope)
        if regular.isEmpty && sets.count == 1 {
            projected += zip(sets[0], setColumns(0)).map { .alias($0, $1.displayName) }
            input = resolvedChild
        } else {
            let gid = Expression.column("__gid")
            func tagged(_ e: Expression, _ j: Int) -> Expression {
                .function(.caseWhen(hasElse: false), [.binary(.equal, gid, .literal(.long(Int64(j)))), e])
            }
            projected.append(gid)
            for j in sets.indices {
                projected += zip(sets[j], setColumns(j)).map { .alias(tagged($0, j + 1), $1.displayName) }
            }
            for (k, r) in regular.enumerated() {
                if let arg = r.input { projected.append(.alias(tagged(arg, 0), "__input\(k)")) }
                innerAggregates.append(.alias(.aggregate(r.function, r.input == nil ? nil : .column("__input\(k)")), "__partial\(k)"))
            }
            let tags = Value.array((0...sets.count).map { .long(Int64($0)) })
            let schema = StructType(child.schema.fields + [StructField("__gid", .long, nullable: false)])
            input = (.generate(Generator(expression: .literal(tags, .array(.long)), keptChildColumns: Array(child.schema.fields.indices),
                                         schema: schema), child), Scope(schema, qualifiers: childScope.qualifiers + [[]]))
        }
        let projection = try resolveProject(projected, input)
        let innerKeys = keyColumns + sets.indices.flatMap { setColumns($0) } + (input.0.schema.index(of: "__gid") == nil ? [] : [.column("__gid")])
        let inner = try resolveAggregate(innerKeys, innerAggregates, projection)
        for j in sets.indices { outerAggregates.append(.alias(.aggregate(.count, allPresent(setColumns(j))), "__count\(j)")) }
        for k in regular.indices {
            let picked = Expression.function(.caseWhen(hasElse: false),
                                             [.binary(.equal, .column("__gid"), .literal(.long(0))), .column("__partial\(k)")])
            outerAggregates.append(.alias(.aggregate(.firstIgnoreNulls, picked), "__final\(k)"))
        }
        let outer = try resolveAggregate(keyColumns, outerAggregates, inner)
        var output: [Expression] = zip(keyColumns, keys).map { .alias($0, $1.displayName) }
        for (i, a) in aggs.enumerated() {
            if let args = distinctArguments(a), let j = sets.firstIndex(of: args) {
                output.append(.alias(.column("__count\(j)"), a.displayName))
            } else if let k = regular.firstIndex(where: { $0.index == i }) {
                let value = Expression.column("__final\(k)")
                output.append(.alias(regular[k].function == .count ? .function(.coalesce, [value, .literal(.long(0))]) : value, a.displayName))
            }
        }
        return try resolveProject(output, outer)
    }

    /// count(*), count(1) and other counts of a non-null literal count rows.
    static func countsRows(_ f: AggregateFunction, _ arg: Expression?) -> Bool {
        guard f == .count else { return false }
        guard let arg else { return true }
        if case .star = arg { return true }
        if case .literal(let v) = arg, !v.isNull { return true }
        return false
    }
}
