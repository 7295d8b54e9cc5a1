// BoundFunction: the resolved functions of `BoundExpression.call` — CASE WHEN, string predicates,
// substring/concat, round/abs and the date functions — and their vectorized evaluation: all
// arguments are evaluated over the whole batch, then one typed loop per function builds the result.
// Argument types are fixed by the analyzer (Analyzer+Functions), which casts them beforehand.

@_spi(EmberInternal) public enum BoundFunction: Sendable, Codable, Hashable {
    /// Arguments: c1, v1, c2, v2, … (conditions boolean, values of the result type), then the ELSE value.
    case caseWhen(hasElse: Bool)
    /// Arguments: string. The pattern is compiled once per batch (it is a literal).
    case like(pattern: String)
    case rlike(pattern: String)
    /// Arguments: two strings.
    case startsWith, endsWith, contains
    /// Arguments: string, position (bigint), length (bigint).
    case substring
    /// Arguments: strings.
    case concat
    /// Arguments: bigint or double.
    case round(scale: Int)
    case abs
    /// Arguments: date.
    case year, month, dayOfMonth
    /// Arguments: date, days or months (bigint).
    case dateAdd, dateSub, addMonths
    /// Arguments: end date, start date.
    case dateDiff
    /// Arguments: string; parsed with a datetime pattern.
    case toDate(format: String)
    /// Arguments: a row count (bigint) and a value; the value, or an error when a count is above 1.
    case assertAtMostOneRow

    func describe(_ args: [String]) -> String {
        let list = args.joined(separator: ", ")
        switch self {
        case .caseWhen(let hasElse):
            var text = "CASE"
            for k in 0..<((args.count - (hasElse ? 1 : 0)) / 2) { text += " WHEN \(args[2 * k]) THEN \(args[2 * k + 1])" }
            if hasElse, let last = args.last { text += " ELSE \(last)" }
            return text + " END"
        case .like(let p): return "\(list) LIKE '\(p)'"
        case .rlike(let p): return "\(list) RLIKE '\(p)'"
        case .startsWith: return "startswith(\(list))"
        case .endsWith: return "endswith(\(list))"
        case .contains: return "contains(\(list))"
        case .substring: return "substring(\(list))"
        case .concat: return "concat(\(list))"
        case .round(let scale): return "round(\(list), \(scale))"
        case .abs: return "abs(\(list))"
        case .year: return "year(\(list))"
        case .month: return "month(\(list))"
        case .dayOfMonth: return "dayofmonth(\(list))"
        case .dateAdd: return "date_add(\(list))"
        case .dateSub: return "date_sub(\(list))"
        case .addMonths: return "add_months(\(list))"
        case .dateDiff: return "datediff(\(list))"
        case .toDate(let format): return "to_date(\(list), '\(format)')"
        case .assertAtMostOneRow: return "assert_at_most_one_row(\(list))"
        }
    }

    func evaluate(_ args: [ColumnVector], resultType: DataType, numRows n: Int) throws -> ColumnVector {
        switch self {
        case .caseWhen(let hasElse): return try CaseWhen.evaluate(args, hasElse: hasElse, type: resultType, numRows: n)
        case .like(let pattern): return try StringPredicates.like(args[0], try LikePattern(pattern))
        case .rlike(let pattern): return try StringPredicates.rlike(args[0], pattern: pattern)
        case .startsWith: return try StringPredicates.compare(args[0], args[1]) { s, p in s.starts(with: p) }
        case .endsWith: return try StringPredicates.compare(args[0], args[1]) { s, p in s.count >= p.count && s.suffix(p.count).elementsEqual(p) }
        case .contains: return try StringPredicates.compare(args[0], args[1]) { s, p in StringPredicates.find(p, in: s) }
        case .substring: return try SubstringFunction.evaluate(args[0], args[1], args[2])
        case .concat: return try Concat.evaluate(args, numRows: n)
        case .round(let scale): return try NumericFunctions.round(args[0], scale: scale)
        case .abs: return try NumericFunctions.abs(args[0])
        case .year: return try DateFunctions.field(args[0]) { y, _, _ in y }
        case .month: return try DateFunctions.field(args[0]) { _, m, _ in m }
        case .dayOfMonth: return try DateFunctions.field(args[0]) { _, _, d in d }
        case .dateAdd: return try DateFunctions.addDays(args[0], args[1], negate: false)
        case .dateSub: return try DateFunctions.addDays(args[0], args[1], negate: true)
        case .addMonths: return try DateFunctions.addMonths(args[0], args[1])
        case .dateDiff: return try DateFunctions.dateDiff(args[0], args[1])
        case .toDate(let format): return try DateFormatPattern(format).parseDates(args[0])
        case .assertAtMostOneRow:
            if case .long(let counts) = args[0].values, counts.contains(where: { $0 > 1 }) {
                throw EmberError(.input, "more than one row returned by a subquery used as an expression",
                                 hint: "make the subquery return one row: aggregate it (max(x)), filter it on a unique key, or limit(1)")
            }
            return args[1]
        }
    }
}
