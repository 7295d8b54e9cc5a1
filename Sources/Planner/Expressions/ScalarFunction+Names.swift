// The column names Spark gives the functions added for TPC-H and everyday jobs (CASE WHEN, IN,
// LIKE, substring, dates…), e.g. `CASE WHEN (x > 1) THEN a ELSE b END` or `substring(s, 1, 3)`.

extension ScalarFunction {
    /// Spark's display name of this function applied to `args`.
    func displayName(_ args: [Expression]) -> String {
        let names = args.map(\.displayName)
        let list = names.joined(separator: ", ")
        switch self {
        case .caseWhen(let hasElse): return BoundFunction.caseWhen(hasElse: hasElse).describe(names)
        case .inList: return "(\(names.first ?? "") IN (\(names.dropFirst().joined(separator: ", "))))"
        case .like(let p): return "\(names.first ?? "") LIKE \(p)"
        case .rlike(let p): return "RLIKE(\(names.first ?? ""), \(p))"
        case .round(let scale): return "round(\(list), \(scale))"
        case .toDate(let format): return "to_date(\(list)\(format.map { ", \($0)" } ?? ""))"
        case .startsWith: return BoundFunction.startsWith.describe(names)
        case .endsWith: return BoundFunction.endsWith.describe(names)
        case .contains: return BoundFunction.contains.describe(names)
        case .substring: return BoundFunction.substring.describe(names)
        case .concat: return BoundFunction.concat.describe(names)
        case .abs: return BoundFunction.abs.describe(names)
        case .year: return BoundFunction.year.describe(names)
        case .month: return BoundFunction.month.describe(names)
        case .dayOfMonth: return BoundFunction.dayOfMonth.describe(names)
        case .dateAdd: return BoundFunction.dateAdd.describe(names)
        case .dateSub: return BoundFunction.dateSub.describe(names)
        case .addMonths: return BoundFunction.addMonths.describe(names)
        case .dateDiff: return BoundFunction.dateDiff.describe(names)
        case .distinct: return "DISTINCT \(list)"
        case .misuse: return "invalid(\(list))"
        case .assertAtMostOneRow: return "assert_at_most_one_row(\(list))"
        case .lower, .upper, .length, .trim, .split, .coalesce, .randstr: return "\(self)(\(list))"
        }
    }
}
