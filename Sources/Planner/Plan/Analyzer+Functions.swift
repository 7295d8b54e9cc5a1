// Binding of the functions added for TPC-H and everyday jobs (CASE WHEN, IN, LIKE, string
// predicates, substring, concat, round, abs, date functions, to_date) into BoundExpression.call,
// with Spark's implicit casts (non-ANSI): strings are cast to numbers or dates where a function
// needs one, numbers and dates to strings where it needs text, timestamps to dates; the branches
// of a CASE WHEN and the items of an IN share their wider type (bigint and double → double; a
// string and any atomic type → string; date and timestamp → timestamp).

extension Analyzer {
    static func bindFunction(_ f: ScalarFunction, _ args: [BoundExpression], _ e: Expression) throws -> BoundExpression {
        func arity(_ n: Int) throws {
            guard args.count == n else { throw EmberError(.analysis, "'\(e.displayName)' takes \(n) argument(s), got \(args.count)") }
        }
        switch f {
        case .caseWhen(let hasElse): return try bindCaseWhen(args, hasElse: hasElse, e)
        case .inList: return try bindIn(args, e)
        case .like(let pattern):
            try arity(1)
            _ = try LikePattern(pattern)
            return .call(.like(pattern: pattern), [try text(args[0], e)], .boolean)
        case .rlike(let pattern):
            try arity(1)
            do { _ = try JavaRegex.compile(pattern) } catch {
                throw EmberError(.analysis, "invalid regular expression '\(pattern)' in '\(e.displayName)'", hint: "rlike takes a Java regular expression")
            }
            return .call(.rlike(pattern: pattern), [try text(args[0], e)], .boolean)
        case .startsWith, .endsWith, .contains:
            try arity(2)
            let bound: BoundFunction = f == .startsWith ? .startsWith : (f == .endsWith ? .endsWith : .contains)
            return .call(bound, [try text(args[0], e), try text(args[1], e)], .boolean)
        case .substring:
            try arity(3)
            return .call(.substring, [try text(args[0], e), try integer(args[1], e), try integer(args[2], e)], .string)
        case .concat:
            return .call(.concat, try args.map { try text($0, e) }, .string)
        case .round(let scale):
            try arity(1)
            let x = try number(args[0], e)
            return .call(.round(scale: scale), [x], x.dataType)
        case .abs:
            try arity(1)
            let x = try number(args[0], e)
            return .call(.abs, [x], x.dataType)
        case .year, .month, .dayOfMonth:
            try arity(1)
            let bound: BoundFunction = f == .year ? .year : (f == .month ? .month : .dayOfMonth)
            return .call(bound, [try date(args[0], e)], .long)
        case .dateAdd, .dateSub, .addMonths:
            try arity(2)
            let bound: BoundFunction = f == .dateAdd ? .dateAdd : (f == .dateSub ? .dateSub : .addMonths)
            return .call(bound, [try date(args[0], e), try integer(args[1], e)], .date)
        case .dateDiff:
            try arity(2)
            return .call(.dateDiff, [try date(args[0], e), try date(args[1], e)], .long)
        case .toDate(let format):
            try arity(1)
            guard let format, args[0].dataType != .date, args[0].dataType != .timestamp else { return try date(args[0], e) }
            _ = try DateFormatPattern(format)
            return .call(.toDate(format: format), [try text(args[0], e)], .date)
        case .distinct:
            throw EmberError(.analysis, "DISTINCT is only allowed inside count: '\(e.displayName)'", hint: "use countDistinct(col(\"x\"))")
        case .misuse(let message):
            throw EmberError(.analysis, message)
        case .assertAtMostOneRow:
            try arity(2)
            return .call(.assertAtMostOneRow, [try integer(args[0], e), args[1]], args[1].dataType)
        case .lower, .upper, .length, .trim, .split, .coalesce, .randstr:
            throw EmberError(.internal, "'\(e.displayName)' is bound by Analyzer.bind")
        }
    }

    // MARK: implicit casts

    static func text(_ b: BoundExpression, _ e: Expression) throws -> BoundExpression {
        if isNullLiteral(b) { return .literal(.null, .string) }
        if b.dataType == .string { return b }
        if case .array = b.dataType { throw EmberError(.analysis, "'\(e.displayName)' needs a string, not \(b.dataType)") }
        return .cast(b, .string)
    }

    static func number(_ b: BoundExpression, _ e: Expression) throws -> BoundExpression {
        if isNullLiteral(b) { return .literal(.null, .double) }
        if b.dataType.isNumeric { return b }
        if b.dataType == .string { return .cast(b, .double) }
        throw EmberError(.analysis, "'\(e.displayName)' needs a number, not \(b.dataType)", hint: "cast the argument with .cast(.double)")
    }

    static func integer(_ b: BoundExpression, _ e: Expression) throws -> BoundExpression {
        if isNullLiteral(b) { return .literal(.null, .long) }
        if b.dataType == .long { return b }
        if b.dataType == .double || b.dataType == .string { return .cast(b, .long) }
        throw EmberError(.analysis, "'\(e.displayName)' needs an integer, not \(b.dataType)")
    }

    static func date(_ b: BoundExpression, _ e: Expression) throws -> BoundExpression {
        if isNullLiteral(b) { return .literal(.null, .date) }
        switch b.dataType {
        case .date: return b
        case .string, .timestamp: return .cast(b, .date)
        default:
            throw EmberError(.analysis, "'\(e.displayName)' needs a date, not \(b.dataType)",
                             hint: "dates come from date columns, to_date(string) or lit(date: \"yyyy-MM-dd\")")
        }
    }

    /// Spark's wider common type of two types (nil: none).
    static func widerType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return .double }
        if (a == .date && b == .timestamp) || (a == .timestamp && b == .date) { return .timestamp }
        if case .array = a { return nil }
        if case .array = b { return nil }
        if a == .string || b == .string { return .string }
        return nil
    }

    /// The wider type of all non-null-literal expressions, and the expressions cast to it.
    static func coerceToWiderType(_ items: [BoundExpression], _ e: Expression) throws -> ([BoundExpression], DataType) {
        var type: DataType? = nil
        for b in items where !isNullLiteral(b) {
            guard let t = type else { type = b.dataType; continue }
            guard let w = widerType(t, b.dataType) else {
                throw EmberError(.analysis, "'\(e.displayName)' mixes \(t) and \(b.dataType), which have no common type",
                                 hint: "cast the values to one type")
            }
            type = w
        }
        let t = type ?? .string
        return (items.map { isNullLiteral($0) ? .literal(.null, t) : ($0.dataType == t ? $0 : .cast($0, t)) }, t)
    }

    static func bindCaseWhen(_ args: [BoundExpression], hasElse: Bool, _ e: Expression) throws -> BoundExpression {
        let pairs = (args.count - (hasElse ? 1 : 0)) / 2
        guard pairs >= 1, pairs * 2 + (hasElse ? 1 : 0) == args.count else {
            throw EmberError(.analysis, "CASE WHEN needs at least one WHEN condition and value")
        }
        var values = (0..<pairs).map { args[2 * $0 + 1] }
        if hasElse, let last = args.last { values.append(last) }
        let (coerced, type) = try coerceToWiderType(values, e)
        var bound: [BoundExpression] = []
        for k in 0..<pairs {
            var condition = args[2 * k]
            if isNullLiteral(condition) { condition = .literal(.null, .boolean) }
            guard condition.dataType == .boolean else {
                throw EmberError(.analysis, "a WHEN condition must be boolean, but '\(e.displayName)' has one of type \(condition.dataType)")
            }
            bound += [condition, coerced[k]]
        }
        if hasElse, let last = coerced.last { bound.append(last) }
        return .call(.caseWhen(hasElse: hasElse), bound, type)
    }

    /// `v IN (a, b, …)` as `v = a OR v = b OR …` over the wider type: true if any item equals v,
    /// else null if v or an item is null, else false (Spark's In). An empty list is false.
    static func bindIn(_ args: [BoundExpression], _ e: Expression) throws -> BoundExpression {
        // An empty list: false, or null for a null value (Spark with ANSI off: nullInEmptyListBehavior).
        guard args.count > 1 else { return .not(.comparison(.equal, args[0], args[0])) }
        let (coerced, _) = try coerceToWiderType(args, e)
        let value = coerced[0]
        var result: BoundExpression? = nil
        for item in coerced.dropFirst() {
            let equal = BoundExpression.comparison(.equal, value, item)
            result = result.map { .or($0, equal) } ?? equal
        }
        return result ?? .literal(.boolean(false), .boolean)
    }
}
