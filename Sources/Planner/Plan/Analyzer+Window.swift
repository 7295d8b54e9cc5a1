// Window expressions in a select (Spark's ExtractWindowExpressions, ResolveWindowFrame,
// ResolveWindowOrder and the window checks of CheckAnalysis). The window expressions of the
// projection are taken out, resolved and checked, and computed by one Window node per distinct
// (PARTITION BY, ORDER BY), chained; the projection then reads their columns:
//
//   select(k, (sum(x) OVER w1 / 2).alias("h"), rank() OVER w2)
//        ──►  Project [k, __window#0 / 2 AS h, __window#1 AS `rank() OVER (…)`]
//               Window [rank() AS __window#1] (w2's keys)
//                 Window [sum(x) AS __window#0] (w1's keys)
//                   child
//
// Frames: an aggregate without a frame clause gets RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT
// ROW with ORDER BY, the whole partition without; ranking functions use their own frame and reject
// another; lag and lead reject any frame; all of them require ORDER BY. RANGE frames with offsets
// need exactly one ORDER BY key, numeric or date.

extension Analyzer {
    static func resolveWindowedProject(_ exprs: [Expression], _ resolvedChild: (ResolvedPlan, Scope), starColumns: Int?) throws -> (ResolvedPlan, Scope) {
        let (child, childScope) = resolvedChild
        if exprs.contains(where: \.containsGenerator) {
            throw EmberError(.analysis, "a select cannot hold both a generator (explode) and window functions",
                             hint: "explode in one select, compute the window in the next")
        }
        var extracted: [Expression] = []
        func name(_ i: Int) -> String { "__window#\(i)" }
        func extract(_ e: Expression) throws -> Expression {
            switch e {
            case .window:
                if let i = extracted.firstIndex(of: e) { return .column(name(i)) }
                extracted.append(e)
                return .column(name(extracted.count - 1))
            case .windowFunction: throw missingOverClause(e)
            case .aggregate:
                throw EmberError(.analysis, "aggregate function in select: '\(e.displayName)'",
                                 hint: "use groupBy(...).agg(...), or make it a window aggregate with .over(...)")
            default: return try e.mapChildren(extract)
            }
        }
        // An item computed from windows keeps the name Spark gives it: its alias, or its text.
        let rewritten = try exprs.map { item -> Expression in
            guard item.containsWindow else { return item }
            if case .alias(let inner, let n) = item { return .alias(try extract(inner), n) }
            return .alias(try extract(item), item.displayName)
        }
        // One operator per (PARTITION BY, ORDER BY), in order of first use, each over the previous.
        var groups: [(partitionBy: [BoundExpression], orderBy: [BoundSortOrder], functions: [BoundWindowExpression])] = []
        for (i, w) in extracted.enumerated() {
            guard case .window(let function, let spec) = w else { continue }
            let partitionBy = try spec.partitionBy.map { try bind($0, childScope) }
            let orderBy = try spec.orderBy.map {
                BoundSortOrder(expression: try bind($0.expression, childScope), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
            }
            let bound = try resolveWindowFunction(function, spec, orderBy, w, childScope, name: name(i))
            if let g = groups.firstIndex(where: { $0.partitionBy == partitionBy && $0.orderBy == orderBy }) {
                groups[g].functions.append(bound)
            } else {
                groups.append((partitionBy, orderBy, [bound]))
            }
        }
        var plan = child
        for g in groups {
            let window = BoundWindow(partitionBy: g.partitionBy, orderBy: g.orderBy, functions: g.functions)
            plan = .window(window, window.schema(child: plan.schema), plan)
        }
        let added = plan.schema.count - child.schema.count
        // The child's scope may name its columns otherwise than its plan (a subquery's join renames
        // them): the window's columns are appended to the scope as it is.
        let scope = Scope(StructType(childScope.schema.fields + plan.schema.fields.suffix(added)),
                          qualifiers: childScope.qualifiers + Array(repeating: [], count: added))
        return try resolveProject(rewritten, (plan, scope), starColumns: starColumns ?? child.schema.count)
    }

    static func missingOverClause(_ e: Expression) -> EmberError {
        EmberError(.analysis, "Window function \(e.displayName) requires an OVER clause.", hint: "add .over(Window.partitionBy(...).orderBy(...))")
    }

    /// Resolves one `function OVER spec` into the operator's function with its frame, with Spark's checks.
    static func resolveWindowFunction(_ function: Expression, _ spec: WindowSpecDefinition, _ orderBy: [BoundSortOrder],
                                      _ whole: Expression, _ scope: Scope, name: String) throws -> BoundWindowExpression {
        var f = function
        if case .alias(let inner, _) = f { f = inner }
        switch f {
        case .windowFunction(let kind, let args):
            guard !orderBy.isEmpty else {
                let wf = kind.displayName(args)
                throw EmberError(.analysis, "Window function \(wf) requires window to be ordered, please add ORDER BY clause. "
                                    + "For example SELECT \(wf)(value_expr) OVER (PARTITION BY window_partition ORDER BY window_ordering) from table",
                                 hint: "order the window, e.g. Window.partitionBy(\"k\").orderBy(\"v\")")
            }
            return BoundWindowExpression(function: try bindWindowFunction(kind, args, spec.frame, scope), frame: requiredFrame(kind), name: name)
        case .aggregate(let af, let arg):
            if isDistinctAggregate(f) {
                throw EmberError(.analysis, "Distinct window functions are not supported: \(whole.displayName)",
                                 hint: "count the distinct values with a groupBy and join them back")
            }
            let input = try bindAggregateInput(af, arg, scope, item: f)
            let frame = spec.frame ?? (orderBy.isEmpty ? .wholePartition : .rangeToCurrentRow)
            try checkFrame(frame, orderBy)
            return BoundWindowExpression(function: .aggregate(BoundAggregate(function: af, input: input, name: name)), frame: frame, name: name)
        default:
            throw EmberError(.analysis, "Expression '\(f.displayName)' not supported within a window function.",
                             hint: "use a ranking function (row_number, rank, …), lag/lead, or an aggregate over the window")
        }
    }

    /// The frame a window function proper computes over (lag/lead read one row and ignore it).
    static func requiredFrame(_ kind: WindowFunctionKind) -> WindowFrame {
        switch kind {
        case .cumeDist: return .rangeToCurrentRow
        case .lag(let n, _): return WindowFrame(.rows, .offset(.long(-Int64(n))), .offset(.long(-Int64(n))))
        case .lead(let n, _): return WindowFrame(.rows, .offset(.long(Int64(n))), .offset(.long(Int64(n))))
        default: return .rowsToCurrentRow
        }
    }

    static func bindWindowFunction(_ kind: WindowFunctionKind, _ args: [Expression], _ frame: WindowFrame?, _ scope: Scope) throws -> BoundWindowFunction {
        switch kind {
        case .lag, .lead:
            guard frame == nil else { throw EmberError(.analysis, "Cannot specify window frame for \(kind.name) function") }
        default:
            let required = requiredFrame(kind)
            if let frame, frame != required {
                throw EmberError(.analysis, "Window Frame \(frame.sql) must match the required frame \(required.sql)",
                                 hint: "leave the frame out: \(kind.name) uses its own")
            }
        }
        switch kind {
        case .rowNumber: return .rowNumber
        case .rank: return .rank
        case .denseRank: return .denseRank
        case .percentRank: return .percentRank
        case .cumeDist: return .cumeDist
        case .ntile(let n):
            guard n > 0 else { throw EmberError(.analysis, "Buckets expression must be positive, but got: \(n)") }
            return .ntile(n)
        case .lag(let offset, let ignoreNulls), .lead(let offset, let ignoreNulls):
            guard let arg = args.first, args.count <= 2 else { throw EmberError(.analysis, "\(kind.name) takes an input column and an optional default") }
            let input = try bind(arg, scope)
            var fallback = try args.dropFirst().first.map { try bind($0, scope) }
            if let d = fallback, d.dataType != input.dataType {
                guard isNullLiteral(d) || (d.dataType.isNumeric && input.dataType.isNumeric) || input.dataType == .string else {
                    throw EmberError(.analysis, "the default of \(kind.name) is \(d.dataType), which cannot be cast to the input's type \(input.dataType)",
                                     hint: "give a default of the input's type")
                }
                fallback = isNullLiteral(d) ? nil : .cast(d, input.dataType)
            }
            let (signed, overflow) = (0).subtractingReportingOverflow(offset)
            guard !overflow else { throw EmberError(.analysis, "the offset of \(kind.name) is out of range: \(offset)") }
            if case .lead = kind { return .offset(input: input, offset: offset, fallback: fallback, ignoreNulls: ignoreNulls) }
            return .offset(input: input, offset: signed, fallback: fallback, ignoreNulls: ignoreNulls)
        }
    }

    /// Spark's frame checks: bounds in order, UNBOUNDED on the right side, RANGE offsets over one
    /// numeric or date ORDER BY key of a matching type.
    static func checkFrame(_ frame: WindowFrame, _ orderBy: [BoundSortOrder]) throws {
        if frame.lower == .unboundedFollowing {
            throw EmberError(.analysis, "Window frame lower bound cannot be UNBOUNDED FOLLOWING", hint: "use Window.unboundedPreceding or an offset")
        }
        if frame.upper == .unboundedPreceding {
            throw EmberError(.analysis, "Window frame upper bound cannot be UNBOUNDED PRECEDING", hint: "use Window.unboundedFollowing or an offset")
        }
        let offsets = [frame.lower, frame.upper].compactMap { b -> Value? in
            if case .offset(let v) = b { return v } else { return nil }
        }
        if let l = frame.lower.offsetValue, let u = frame.upper.offsetValue, compareValues(l, u) > 0 {
            throw EmberError(.analysis, "Window frame upper bound '\(frame.upper.sql)' does not follow the lower bound '\(frame.lower.sql)'.",
                             hint: "write the frame's start first: rowsBetween(-2, 1) is two rows before to one after")
        }
        switch frame.type {
        case .rows:
            for v in offsets where v.longValue == nil {
                throw EmberError(.analysis, "a ROWS frame counts rows: its bounds must be whole numbers, got \(v)")
            }
        case .range:
            guard !offsets.isEmpty else { return }
            guard !orderBy.isEmpty else {
                throw EmberError(.analysis, "A range window frame cannot be used in an unordered window specification.",
                                 hint: "order the window by one numeric or date column")
            }
            guard orderBy.count == 1 else {
                throw EmberError(.analysis, "A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions: "
                                    + orderBy.map { $0.expression.dataType.simpleString }.joined(separator: ","),
                                 hint: "order by one column, or use rowsBetween")
            }
            let keyType = orderBy[0].expression.dataType
            for v in offsets {
                let fits: Bool
                switch (keyType, v) {
                case (.long, .long), (.date, .long), (.double, .long), (.double, .double): fits = true
                default: fits = false
                }
                guard fits else {
                    throw EmberError(.analysis, "The data type '\(keyType.simpleString)' used in the order specification does not match the data type '\(v.dataType?.simpleString ?? "void")' which is used in the range frame.",
                                     hint: "a RANGE frame's offsets are numbers of the ORDER BY key's type (days for dates)")
                }
            }
        }
    }
}
