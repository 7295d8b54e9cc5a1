// SQLTranslator+Expressions: SQL expressions to the Expressions the DataFrame API builds:
// operators, predicates (BETWEEN, IN, LIKE, IS [NOT] NULL), CASE, CAST, literals, date ± INTERVAL
// (date_add / date_sub / add_months), subqueries (Expression.subquery) and functions through
// SQLFunctions. Column names are checked against the input's scope (then the enclosing queries',
// for correlated subqueries) so an unknown one is reported where it is written.

/// What names mean where an expression is translated.
struct ExpressionContext {
    /// The input's columns; nil: names are not checked (VALUES, or checked later).
    var scope: Scope?
    /// Select-list aliases a name may stand for (HAVING, ORDER BY, GROUP BY), by lowercased name.
    var aliases: [String: Expression] = [:]
    /// The SELECT's named windows (`WINDOW w AS (…)`), by lowercased name.
    var windows: [String: SQLWindowSpec] = [:]
    /// ORDER BY over the input: a name of the select list means its item before an input column
    /// (Spark resolves a Sort against its child's output first); `aliases` then holds every
    /// output name. `ambiguousAliases`: names two items share (reading one is an error).
    var aliasesFirst = false
    var ambiguousAliases: Set<String> = []
}

extension SQLTranslator {
    func expression(_ e: SQLExpression, _ c: ExpressionContext) throws -> Expression {
        func x(_ s: SQLExpression) throws -> Expression { try expression(s, c) }
        switch e.kind {
        case .column(let name):
            return try column(name, c)
        case .star(let qualifier):
            throw source.error(.analysis, "\(qualifier.map { "\($0.dotted)." } ?? "")* is only allowed in a select list or count(*)", at: e.position)
        case .literal(let literal):
            return .literal(try value(literal, at: e.position))
        case .unary(let op, let operand):
            switch op {
            case .plus: return try x(operand)
            case .not: return .not(try x(operand))
            case .minus:
                switch try x(operand) {
                case .literal(.long(let n)) where n != .min: return .literal(.long(-n))
                case .literal(.double(let d)): return .literal(.double(-d))
                case let inner: return .negate(inner)
                }
            case .bitwiseNot: throw unsupported("the bitwise operator ~", at: e.position)
            }
        case .binary(let op, let l, let r):
            return try binary(op, l, r, c, at: e.position)
        case .isNull(let operand, let negated):
            return negated ? .isNotNull(try x(operand)) : .isNull(try x(operand))
        case .isBoolean(let operand, let value, let negated):
            let v = try x(operand)
            guard let value else { return negated ? .isNotNull(v) : .isNull(v) }
            let test = Expression.function(.coalesce, [value ? v : .not(v), .literal(.boolean(false))])
            return negated ? .not(test) : test
        case .isDistinctFrom(let l, let r, let negated):
            let same = Expression.binary(.equalNullSafe, try x(l), try x(r))
            return negated ? same : .not(same)
        case .between(let v, let low, let high, let negated):
            let value = try x(v)
            let test = Expression.binary(.and, .binary(.greaterOrEqual, value, try x(low)), .binary(.lessOrEqual, value, try x(high)))
            return negated ? .not(test) : test
        case .inList(let v, let list, let negated):
            let test = Expression.function(.inList, [try x(v)] + (try list.map(x)))
            return negated ? .not(test) : test
        case .inSubquery(let v, let q, let negated):
            let values: [Expression]
            if case .tuple(let items) = v.kind { values = try items.map(x) } else { values = [try x(v)] }
            let test = Expression.subquery(Subquery(.isIn(values), try nested(in: c.scope).query(q)))
            return negated ? .not(test) : test
        case .like(let v, let pattern, let escape, let negated, let caseInsensitive):
            if let escape, escape != "\\" { throw unsupported("LIKE … ESCAPE '\(escape)' (only the default escape \\)", at: e.position) }
            var value = try x(v), p = try x(pattern)
            if caseInsensitive {
                value = .function(.lower, [value])
                if case .literal(.string(let s)) = p { p = .literal(.string(s.lowercased())) }
            }
            let test = try at(pattern.position) { try SQLFunctions.call("like", [value, p]) }
            return negated ? .not(test) : test
        case .rlike(let v, let pattern, let negated):
            let test = try at(pattern.position) { try SQLFunctions.call("rlike", [try x(v), try x(pattern)]) }
            return negated ? .not(test) : test
        case .exists(let q):
            return .subquery(Subquery(.exists, try nested(in: c.scope).query(q)))
        case .scalarSubquery(let q):
            return .subquery(Subquery(.scalar, try nested(in: c.scope).query(q)))
        case .caseWhen(let operand, let branches, let otherwise):
            let subject = try operand.map(x)
            var args: [Expression] = []
            for b in branches {
                let when = try x(b.condition)
                args.append(subject.map { .binary(.equal, $0, when) } ?? when)
                args.append(try x(b.result))
            }
            if let otherwise { args.append(try x(otherwise)) }
            return .function(.caseWhen(hasElse: otherwise != nil), args)
        case .cast(let v, let type, let isTry):
            if isTry { throw unsupported("TRY_CAST", at: e.position) }
            return .cast(try x(v), try dataType(type, at: e.position))
        case .function(let call):
            return try function(call, c, at: e.position)
        case .extract(let field, let v):
            let name = field.name.lowercased()
            guard ["year", "month", "day"].contains(name) else { throw unsupported("EXTRACT(\(field.name) FROM …)", at: field.position) }
            return try at(field.position) { try SQLFunctions.call(name, [try x(v)]) }
        case .trim(let side, let characters, let v):
            guard side == .both, characters == nil else { throw unsupported("TRIM with \(side.rawValue) or characters", at: e.position) }
            return .function(.trim, [try x(v)])
        case .tuple:
            throw source.error(.analysis, "a row of values (a, b) is only allowed on the left of IN (SELECT …)", at: e.position)
        case .element:
            throw unsupported("array element access [ ]", at: e.position)
        }
    }

    func unsupported(_ what: String, at position: SQLPosition) -> EmberError {
        source.error(.analysis, "\(what) is not supported by Ember's SQL yet", at: position)
    }

    /// A column name: a select alias (where one may stand), else a column of the input or of an
    /// enclosing query. `t.c` and `db.t.c` name column c of t.
    func column(_ name: SQLName, _ c: ExpressionContext) throws -> Expression {
        let dotted = name.parts.suffix(2).map(\.name).joined(separator: ".")
        let e = Expression.column(dotted)
        func alias() throws -> Expression? {
            guard name.parts.count == 1 else { return nil }
            if c.ambiguousAliases.contains(dotted.lowercased()) {
                throw source.error(.analysis, "`\(dotted)` is ambiguous: several items of the select list are named so",
                                   at: name.position, width: name.dotted.count, hint: "give the items different aliases")
            }
            return c.aliases[dotted.lowercased()]
        }
        if c.aliasesFirst, let alias = try alias() { return alias }
        guard let scope = c.scope else { return c.aliases[dotted.lowercased()] ?? e }
        if try at(name.position, width: name.dotted.count, { try scope.find(dotted) }) != nil { return e }
        if let alias = try alias() { return alias }
        for outer in outerScopes where (try? outer.find(dotted)) ?? nil != nil { return e }
        let qualified = scope.schema.fields.indices.flatMap { i in
            scope.qualifiers[i].filter { !$0.hasPrefix("#") }.map { "\($0).\(scope.schema.fields[i].name)" }
        }
        throw unknownColumn(dotted, at: name.position, among: scope.schema.names + c.aliases.keys, qualified: qualified)
    }

    /// Spark's UNRESOLVED_COLUMN, with the closest names (`qualified`: `t.c` forms, suggested for a
    /// qualified name but not listed).
    func unknownColumn(_ name: String, at position: SQLPosition, among names: [String], qualified: [String] = [],
                       what: String? = nil) -> EmberError {
        var hint = "columns: \(names.joined(separator: ", "))"
        if let best = Self.closest(to: name, among: name.contains(".") ? qualified + names : names) { hint = "did you mean `\(best)`? " + hint }
        return source.error(.analysis, what ?? "a column with name `\(name)` cannot be resolved", at: position,
                            width: name.count, hint: hint)
    }

    /// The closest name, counting a swap of neighbours as one edit (`nmae` is one from `name`).
    static func closest(to name: String, among candidates: [String]) -> String? {
        if let best = NameSuggestions.closest(to: name, among: candidates) { return best }
        let typed = Array(name.lowercased().unicodeScalars), limit = max(1, typed.count / 3)
        let scored = candidates.map { ($0, SQLParser.editDistance(typed, Array($0.lowercased().unicodeScalars))) }
        return scored.filter { $0.1 <= limit }.min { $0.1 < $1.1 }?.0
    }

    func binary(_ op: SQLBinaryOperator, _ l: SQLExpression, _ r: SQLExpression, _ c: ExpressionContext,
                at position: SQLPosition) throws -> Expression {
        if op == .add || op == .subtract, let shifted = try dateShift(op, l, r, c, at: position) { return shifted }
        let left = try expression(l, c), right = try expression(r, c)
        switch op {
        case .or: return .binary(.or, left, right)
        case .and: return .binary(.and, left, right)
        case .equal: return .binary(.equal, left, right)
        case .notEqual: return .binary(.notEqual, left, right)
        case .less: return .binary(.less, left, right)
        case .lessOrEqual: return .binary(.lessOrEqual, left, right)
        case .greater: return .binary(.greater, left, right)
        case .greaterOrEqual: return .binary(.greaterOrEqual, left, right)
        case .nullSafeEqual: return .binary(.equalNullSafe, left, right)
        case .add: return .binary(.add, left, right)
        case .subtract: return .binary(.subtract, left, right)
        case .multiply: return .binary(.multiply, left, right)
        case .divide: return .binary(.divide, left, right)
        case .remainder: return .binary(.remainder, left, right)
        case .concat: return .function(.concat, [left, right])
        case .integerDivide: return .cast(.binary(.divide, left, right), .long)
        case .bitwiseOr, .bitwiseXor, .bitwiseAnd: throw unsupported("the bitwise operator \(op.rawValue)", at: position)
        }
    }

    /// `date ± INTERVAL …` (or `INTERVAL … + date`): whole days through date_add/date_sub, years
    /// and months through add_months, as Spark computes them; nil when no side is an interval.
    func dateShift(_ op: SQLBinaryOperator, _ l: SQLExpression, _ r: SQLExpression, _ c: ExpressionContext,
                   at position: SQLPosition) throws -> Expression? {
        func interval(_ e: SQLExpression) -> (SQLInterval, sign: Int64)? {
            switch e.kind {
            case .literal(.interval(let i)): return (i, 1)
            case .unary(.minus, let inner): return interval(inner).map { ($0.0, -$0.sign) }
            case .unary(.plus, let inner): return interval(inner)
            default: return nil
            }
        }
        let found: (SQLInterval, sign: Int64, date: SQLExpression)
        if let (i, sign) = interval(r) { found = (i, op == .subtract ? -sign : sign, l) }
        else if op == .add, let (i, sign) = interval(l) { found = (i, sign, r) }
        else { return nil }
        let (i, sign, dateSide) = found
        let date = try expression(dateSide, c)
        if i.isYearMonth {
            let (months, overflow) = i.months.multipliedReportingOverflow(by: sign)
            guard !overflow else { throw source.error(.analysis, "interval out of range", at: position) }
            return .function(.addMonths, [date, .literal(.long(months))])
        }
        guard i.microseconds == 0 else {
            throw unsupported("adding an interval with hours, minutes or seconds", at: position)
        }
        return .function(sign < 0 ? .dateSub : .dateAdd, [date, .literal(.long(i.days))])
    }

    func value(_ literal: SQLLiteral, at position: SQLPosition) throws -> Value {
        switch literal {
        case .null: return .null
        case .boolean(let b): return .boolean(b)
        case .integer(let n, _): return .long(n)
        case .decimal(let text):
            guard let d = Double(text) else { throw source.error(.analysis, "the number \(text) is out of range", at: position) }
            return .double(d)
        case .double(let d), .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .date(_, let days): return .date(days)
        case .timestamp(_, let micros, _): return .timestamp(micros)
        case .interval:
            throw source.error(.analysis, "an interval can only be added to or subtracted from a date", at: position,
                               hint: "write e.g. DATE '1998-12-01' - INTERVAL '90' DAY")
        }
    }

    func dataType(_ t: SQLDataType, at position: SQLPosition) throws -> DataType {
        switch t {
        case .tinyint, .smallint, .int, .bigint: return .long
        case .float, .double, .decimal: return .double
        case .string, .varchar, .char: return .string
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp, .timestampNTZ: return .timestamp
        case .array(let element): return .array(try dataType(element, at: position))
        case .binary: throw unsupported("the type binary", at: position)
        }
    }

    /// `name(args)` through SQLFunctions; with `OVER`, a window expression (SQLTranslator+Window).
    func function(_ call: SQLFunctionCall, _ c: ExpressionContext, at position: SQLPosition) throws -> Expression {
        let name = call.name.dotted
        if let spec = call.window { return try windowCall(call, spec, c) }
        if let filter = call.filter { throw unsupported("FILTER (WHERE …) on an aggregate", at: filter.position) }
        let star = call.isStarArgument
        let args = star ? [] : try call.arguments.map { try expression($0, c) }
        return try at(call.name.position, width: name.count) {
            try SQLFunctions.call(name, args, distinct: call.distinct, star: star, ignoreNulls: call.ignoreNulls ?? false)
        }
    }
}

extension SQLFunctionCall {
    /// `f(*)`, as in `count(*)`.
    var isStarArgument: Bool {
        guard arguments.count == 1, case .star(nil) = arguments[0].kind else { return false }
        return true
    }
}
