// SQLTranslator+Window: `f(…) OVER (PARTITION BY … ORDER BY … frame)` and `OVER w` to the window
// expression the DataFrame API builds (`f.over(Window.partitionBy(…).orderBy(…).rowsBetween(…))`):
// the ranking functions, ntile, lag/lead and every aggregate; the analyzer extracts and checks it
// (Analyzer+Window), with Spark's default frames and errors.

extension SQLTranslator {
    func windowCall(_ call: SQLFunctionCall, _ spec: SQLWindowSpec, _ c: ExpressionContext) throws -> Expression {
        let name = call.name.dotted
        let lower = name.lowercased()
        if let filter = call.filter { throw unsupported("FILTER (WHERE …) on a window function", at: filter.position) }
        let definition = try windowSpec(spec, c)
        let star = call.isStarArgument
        let args = star ? [] : try call.arguments.map { try expression($0, c) }
        func noArguments(_ kind: WindowFunctionKind) throws -> Expression {
            guard args.isEmpty else {
                throw source.error(.analysis, "\(lower)() takes no arguments, got \(args.count)", at: call.name.position, width: name.count)
            }
            return .windowFunction(kind, [])
        }
        func integer(_ e: Expression, _ what: String, at position: SQLPosition) throws -> Int {
            guard case .literal(.long(let n)) = e, n >= Int64(Int32.min), n <= Int64(Int32.max) else {
                throw source.error(.analysis, "the \(what) of \(lower) must be an integer literal, not '\(e.displayName)'", at: position)
            }
            return Int(n)
        }
        let function: Expression
        switch lower {
        case "row_number": function = try noArguments(.rowNumber)
        case "rank": function = try noArguments(.rank)
        case "dense_rank": function = try noArguments(.denseRank)
        case "percent_rank": function = try noArguments(.percentRank)
        case "cume_dist": function = try noArguments(.cumeDist)
        case "ntile":
            guard args.count == 1 else { throw source.error(.analysis, "ntile takes 1 argument, got \(args.count)", at: call.name.position, width: 4) }
            function = .windowFunction(.ntile(try integer(args[0], "bucket count", at: call.arguments[0].position)), [])
        case "lag", "lead":
            guard (1...3).contains(args.count) else {
                throw source.error(.analysis, "\(lower) takes 1 to 3 arguments, got \(args.count)", at: call.name.position, width: name.count)
            }
            let offset = args.count >= 2 ? try integer(args[1], "offset", at: call.arguments[1].position) : 1
            let ignoreNulls = call.ignoreNulls ?? false
            let kind: WindowFunctionKind = lower == "lag" ? .lag(offset: offset, ignoreNulls: ignoreNulls) : .lead(offset: offset, ignoreNulls: ignoreNulls)
            function = .windowFunction(kind, [args[0]] + (args.count == 3 ? [args[2]] : []))
        default:
            guard SQLFunctions.isAggregate(lower) else {
                throw source.error(.analysis, "\(name) is not a window function or an aggregate, so it cannot be used with OVER",
                                   at: call.name.position, width: name.count,
                                   hint: "window functions: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, and the aggregates")
            }
            function = try at(call.name.position, width: name.count) {
                try SQLFunctions.call(name, args, distinct: call.distinct, star: star, ignoreNulls: call.ignoreNulls ?? false)
            }
        }
        return .window(function, definition)
    }

    /// The specification, with `OVER w` (and `OVER (w …)`) taken from the SELECT's WINDOW clause.
    func windowSpec(_ spec: SQLWindowSpec, _ c: ExpressionContext) throws -> WindowSpecDefinition {
        if let reference = spec.reference {
            guard let named = c.windows[reference.name.lowercased()] else {
                var hint = "define it with WINDOW \(reference.name) AS (PARTITION BY … ORDER BY …) after the query's HAVING"
                if let best = NameSuggestions.closest(to: reference.name, among: Array(c.windows.keys)) { hint = "did you mean \(best)? " + hint }
                throw source.error(.analysis, "the window `\(reference.name)` is not defined", at: reference.position, width: reference.name.count, hint: hint)
            }
            if let first = spec.partitionBy.first {
                throw source.error(.analysis, "a window that refers to `\(reference.name)` cannot add its own PARTITION BY", at: first.position)
            }
            // A reference may add an ORDER BY or frame the named window lacks, as in Spark.
            var merged = try windowSpec(named, c)
            if !spec.orderBy.isEmpty { merged.orderBy = try spec.orderBy.map { try sortOrder($0, c) } }
            if let frame = spec.frame { merged.frame = try windowFrame(frame, c) }
            return merged
        }
        return WindowSpecDefinition(partitionBy: try spec.partitionBy.map { try expression($0, c) },
                                    orderBy: try spec.orderBy.map { try sortOrder($0, c) },
                                    frame: try spec.frame.map { try windowFrame($0, c) })
    }

    func sortOrder(_ item: SQLSortItem, _ c: ExpressionContext) throws -> SortOrder {
        SortOrder(try expression(item.expression, c), ascending: item.ascending, nullsFirst: item.nullsFirst)
    }

    func windowFrame(_ frame: SQLWindowFrame, _ c: ExpressionContext) throws -> WindowFrame {
        func bound(_ b: SQLFrameBound) throws -> WindowBound {
            switch b {
            case .unboundedPreceding: return .unboundedPreceding
            case .unboundedFollowing: return .unboundedFollowing
            case .currentRow: return .currentRow
            case .preceding(let e), .following(let e):
                let sign: Int64 = { if case .preceding = b { return -1 } else { return 1 } }()
                switch try expression(e, c) {
                case .literal(.long(let n)) where n >= 0: return n == 0 ? .currentRow : .offset(.long(sign * n))
                case .literal(.double(let x)) where x >= 0 && frame.unit == .range: return x == 0 ? .currentRow : .offset(.double(Double(sign) * x))
                default:
                    throw source.error(.analysis, "a frame bound must be a non-negative number literal\(frame.unit == .rows ? " (a whole number for ROWS)" : "")",
                                       at: e.position, hint: "e.g. ROWS BETWEEN 3 PRECEDING AND CURRENT ROW")
                }
            }
        }
        let type: WindowFrameType = frame.unit == .rows ? .rows : .range
        return WindowFrame(type, try bound(frame.start), try bound(frame.end))
    }
}
