// SQLFunctions: Spark SQL's function names mapped to the expressions the DataFrame API builds for
// the same functions (so SQL and DataFrame programs plan alike): `count(DISTINCT x)`,
// `substring(s, 1, 3)`, `date_add(d, 7)`, `nvl(a, b)`, … Arguments a function needs as constants
// (a LIKE pattern, round's scale, a to_date format) must be literals, as Spark requires.

@_spi(EmberInternal) public enum SQLFunctions {
    /// Every name this registry knows, for "did you mean" on an unknown one.
    @_spi(EmberInternal) public static let names: [String] = aggregates.keys.sorted() + scalarNames.sorted()

    static let aggregates: [String: AggregateFunction] = [
        "count": .count, "sum": .sum, "avg": .avg, "mean": .avg, "min": .min, "max": .max,
        "first": .first, "first_value": .first, "last": .last, "last_value": .last,
        "stddev": .stddevSamp, "std": .stddevSamp, "stddev_samp": .stddevSamp, "stddev_pop": .stddevPop,
        "variance": .varSamp, "var_samp": .varSamp, "var_pop": .varPop,
    ]

    static let scalarNames: Set<String> = [
        "lower", "lcase", "upper", "ucase", "length", "char_length", "character_length", "trim", "split", "coalesce",
        "ifnull", "nvl", "nullif", "if", "isnull", "isnotnull", "substring", "substr", "concat", "round", "abs",
        "year", "month", "day", "dayofmonth", "date_add", "date_sub", "add_months", "datediff", "to_date",
        "startswith", "endswith", "contains", "like", "rlike", "regexp", "regexp_like",
    ]

    /// Whether `name` is an aggregate function.
    @_spi(EmberInternal) public static func isAggregate(_ name: String) -> Bool { aggregates[name.lowercased()] != nil }

    /// The expression for `name(args)`; `distinct` for `f(DISTINCT …)`, `star` for `count(*)`.
    /// Errors name the function and what it takes; the caller adds the position.
    @_spi(EmberInternal) public static func call(_ name: String, _ args: [Expression], distinct: Bool = false,
                                                 star: Bool = false, ignoreNulls: Bool = false) throws -> Expression {
        let lower = name.lowercased()
        if let f = aggregates[lower] { return try aggregate(lower, f, args, distinct: distinct, star: star, ignoreNulls: ignoreNulls) }
        if distinct || star { throw EmberError(.analysis, "\(lower)(\(distinct ? "DISTINCT …" : "*")) is only allowed in an aggregate function") }
        func arity(_ counts: ClosedRange<Int>) throws {
            guard counts.contains(args.count) else {
                let takes = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw EmberError(.analysis, "\(lower) takes \(takes) argument(s), got \(args.count)")
            }
        }
        switch lower {
        case "lower", "lcase": try arity(1...1); return .function(.lower, args)
        case "upper", "ucase": try arity(1...1); return .function(.upper, args)
        case "length", "char_length", "character_length": try arity(1...1); return .function(.length, args)
        case "trim": try arity(1...1); return .function(.trim, args)
        case "split":
            try arity(2...2)
            return .function(.split(pattern: try literalString(args[1], lower, "pattern")), [args[0]])
        case "coalesce":
            guard !args.isEmpty else { throw EmberError(.analysis, "coalesce takes at least 1 argument") }
            return .function(.coalesce, args)
        case "ifnull", "nvl": try arity(2...2); return .function(.coalesce, args)
        case "nullif":
            try arity(2...2)
            return .function(.caseWhen(hasElse: true), [.binary(.equal, args[0], args[1]), .literal(.null), args[0]])
        case "if":
            try arity(3...3)
            return .function(.caseWhen(hasElse: true), args)
        case "isnull": try arity(1...1); return .isNull(args[0])
        case "isnotnull": try arity(1...1); return .isNotNull(args[0])
        case "substring", "substr":
            try arity(2...3)
            return .function(.substring, args.count == 3 ? args : args + [.literal(.long(Int64(Int32.max)))])
        case "concat": return .function(.concat, args)
        case "round":
            try arity(1...2)
            let scale = args.count == 2 ? try literalInteger(args[1], lower, "scale") : 0
            return .function(.round(scale: scale), [args[0]])
        case "abs": try arity(1...1); return .function(.abs, args)
        case "year": try arity(1...1); return .function(.year, args)
        case "month": try arity(1...1); return .function(.month, args)
        case "day", "dayofmonth": try arity(1...1); return .function(.dayOfMonth, args)
        case "date_add": try arity(2...2); return .function(.dateAdd, args)
        case "date_sub": try arity(2...2); return .function(.dateSub, args)
        case "add_months": try arity(2...2); return .function(.addMonths, args)
        case "datediff": try arity(2...2); return .function(.dateDiff, args)
        case "to_date":
            try arity(1...2)
            return .function(.toDate(format: args.count == 2 ? try literalString(args[1], lower, "format") : nil), [args[0]])
        case "startswith": try arity(2...2); return .function(.startsWith, args)
        case "endswith": try arity(2...2); return .function(.endsWith, args)
        case "contains": try arity(2...2); return .function(.contains, args)
        case "like": try arity(2...2); return .function(.like(pattern: try literalString(args[1], lower, "pattern")), [args[0]])
        case "rlike", "regexp", "regexp_like":
            try arity(2...2)
            return .function(.rlike(pattern: try literalString(args[1], lower, "pattern")), [args[0]])
        default:
            var hint = "functions: \(names.joined(separator: ", "))"
            if let best = NameSuggestions.closest(to: lower, among: names) { hint = "did you mean \(best)? " + hint }
            throw EmberError(.analysis, "undefined function \(name)", context: [.init("function", name)], hint: hint)
        }
    }

    static func aggregate(_ name: String, _ f: AggregateFunction, _ args: [Expression], distinct: Bool, star: Bool,
                          ignoreNulls: Bool) throws -> Expression {
        if star {
            guard f == .count, !distinct else { throw EmberError(.analysis, "only count takes *, not \(name)(*)") }
            return .aggregate(.count, nil)
        }
        if distinct {
            guard f == .count else {
                throw EmberError(.analysis, "\(name)(DISTINCT …) is not supported; only count(DISTINCT …) is",
                                 hint: "aggregate a distinct subquery instead: SELECT \(name)(x) FROM (SELECT DISTINCT x FROM t)")
            }
            guard !args.isEmpty else { throw EmberError(.analysis, "count(DISTINCT) needs at least one argument") }
            return .aggregate(.count, .function(.distinct, args))
        }
        guard args.count == 1 else { throw EmberError(.analysis, "\(name) takes 1 argument, got \(args.count)") }
        var function = f
        if ignoreNulls {
            guard f.isFirstOrLast else { throw EmberError(.analysis, "IGNORE NULLS is only allowed with first and last, not \(name)") }
            function = f == .first ? .firstIgnoreNulls : .lastIgnoreNulls
        }
        let e = Expression.aggregate(function, args[0])
        // Spark names stddev(x) and variance(x) by the name called, not stddev_samp(x).
        if ["stddev", "std", "variance"].contains(name) { return .alias(e, "\(name)(\(args[0].displayName))") }
        return e
    }

    static func literalString(_ e: Expression, _ function: String, _ what: String) throws -> String {
        guard case .literal(.string(let s)) = e else {
            throw EmberError(.analysis, "the \(what) of \(function) must be a string literal, not '\(e.displayName)'")
        }
        return s
    }

    static func literalInteger(_ e: Expression, _ function: String, _ what: String) throws -> Int {
        switch e {
        case .literal(.long(let n)) where n >= Int64(Int32.min) && n <= Int64(Int32.max): return Int(n)
        case .negate(.literal(.long(let n))) where n <= Int64(Int32.max): return -Int(n)
        default: throw EmberError(.analysis, "the \(what) of \(function) must be an integer literal, not '\(e.displayName)'")
        }
    }
}
