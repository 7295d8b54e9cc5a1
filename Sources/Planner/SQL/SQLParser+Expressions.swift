// Expressions by precedence climbing, with Spark's precedence (loosest first):
//   OR < AND < NOT < predicates (BETWEEN, IN, LIKE, RLIKE, IS …) < comparisons (= == != <> < <= > >= <=>)
//   < | < ^ < & < + - || < * / % DIV < unary - + ~ < :: and [ ] < primaries
// Binary operators are left-associative. As in Spark's grammar, a predicate applies to a value
// expression once (`a = b IS NULL` is `(a = b) IS NULL`; `a IS NULL IS NULL` is an error), and NOT
// applies to a predicate or comparison (`NOT a = b` is `NOT (a = b)`; `NOT a AND b` is `(NOT a) AND b`).

extension SQLParser {
    /// Binding strengths; a higher one binds tighter.
    enum Precedence {
        static let or = 1, and = 2, not = 3, predicate = 4, comparison = 5
        static let bitwiseOr = 6, bitwiseXor = 7, bitwiseAnd = 8, additive = 9, multiplicative = 10
    }

    mutating func parseExpression() throws -> SQLExpression {
        try descend()
        defer { ascend() }
        return try parseBinary(Precedence.or)
    }

    /// An expression whose operators bind at least as tightly as `minimum`.
    mutating func parseBinary(_ minimum: Int) throws -> SQLExpression {
        var (left, isValue) = try parseOperand(minimum)
        var chain = 0
        defer { ascend(chain) }
        while true {
            if isValue && minimum <= Precedence.predicate, let predicate = try parsePredicate(on: left) {
                left = predicate
                isValue = false
                try descend()
                chain += 1
            } else if let (op, precedence) = binaryOperator(), precedence >= minimum,
                      isValue || precedence < Precedence.predicate {
                advance()
                try descend()
                chain += 1
                let right = try parseBinary(precedence + 1)
                left = SQLExpression(.binary(op, left, right), at: left.position)
                isValue = precedence > Precedence.predicate
            } else {
                return left
            }
        }
    }

    /// NOT and its operand when allowed here, or a value operand. Also says whether the result is a
    /// value expression (predicates and value operators may follow) or a NOT.
    mutating func parseOperand(_ minimum: Int) throws -> (SQLExpression, isValue: Bool) {
        if minimum <= Precedence.not && (current.keyword == .NOT || current.symbol == .bang) {
            let notToken = advance()
            try descend()
            defer { ascend() }
            let operand = try parseBinary(Precedence.not)
            return (SQLExpression(.unary(.not, operand), at: notToken.position), false)
        }
        return (try parseUnary(), true)
    }

    /// The binary operator at the current token and its precedence (not noted as expected: after
    /// any expression, listing every operator would drown what the error is about).
    func binaryOperator() -> (SQLBinaryOperator, Int)? {
        let t = current
        switch t.keyword {
        case .OR: return (.or, Precedence.or)
        case .AND: return (.and, Precedence.and)
        case .DIV: return (.integerDivide, Precedence.multiplicative)
        default: break
        }
        switch t.symbol {
        case .equal, .doubleEqual: return (.equal, Precedence.comparison)
        case .notEqual, .bangEqual: return (.notEqual, Precedence.comparison)
        case .less: return (.less, Precedence.comparison)
        case .lessOrEqual: return (.lessOrEqual, Precedence.comparison)
        case .greater: return (.greater, Precedence.comparison)
        case .greaterOrEqual: return (.greaterOrEqual, Precedence.comparison)
        case .nullSafeEqual: return (.nullSafeEqual, Precedence.comparison)
        case .pipe: return (.bitwiseOr, Precedence.bitwiseOr)
        case .caret: return (.bitwiseXor, Precedence.bitwiseXor)
        case .ampersand: return (.bitwiseAnd, Precedence.bitwiseAnd)
        case .plus: return (.add, Precedence.additive)
        case .minus: return (.subtract, Precedence.additive)
        case .concat: return (.concat, Precedence.additive)
        case .star: return (.multiply, Precedence.multiplicative)
        case .slash: return (.divide, Precedence.multiplicative)
        case .percent: return (.remainder, Precedence.multiplicative)
        default: return nil
        }
    }

    /// `[NOT] BETWEEN | IN | LIKE | ILIKE | RLIKE | REGEXP …` or `IS [NOT] …` after `value`; nil if none.
    mutating func parsePredicate(on value: SQLExpression) throws -> SQLExpression? {
        let start = value.position
        let predicates: Set<SQLKeyword> = [.BETWEEN, .IN, .LIKE, .ILIKE, .RLIKE, .REGEXP]
        var negated = false
        if current.keyword == .NOT, let next = peek().keyword, predicates.contains(next) {
            advance()
            negated = true
        }
        switch current.keyword {
        case .BETWEEN:
            advance()
            let low = try parseBinary(Precedence.comparison)
            try expect(.AND)
            let high = try parseBinary(Precedence.comparison)
            return SQLExpression(.between(value, low: low, high: high, negated: negated), at: start)
        case .IN:
            advance()
            let open = try expect(.leftParen)
            if atSubqueryStart {
                let query = try parseQuery()
                try expectClosing(open)
                return SQLExpression(.inSubquery(value, query, negated: negated), at: start)
            }
            let list = try parseList { try $0.parseExpression() }
            try expectClosing(open)
            return SQLExpression(.inList(value, list, negated: negated), at: start)
        case .LIKE, .ILIKE:
            let caseInsensitive = advance().keyword == .ILIKE
            let pattern = try parseBinary(Precedence.comparison)
            var escape: Character?
            if accept(.ESCAPE) {
                expecting("a one-character string")
                let t = current
                guard t.kind == .string else { throw unexpected() }
                guard t.text.count == 1, let c = t.text.first else {
                    throw syntaxError("the ESCAPE string must be one character, found '\(Self.clip(t.text))'", at: t)
                }
                advance()
                escape = c
            }
            return SQLExpression(.like(value, pattern: pattern, escape: escape, negated: negated, caseInsensitive: caseInsensitive), at: start)
        case .RLIKE, .REGEXP:
            advance()
            let pattern = try parseBinary(Precedence.comparison)
            return SQLExpression(.rlike(value, pattern: pattern, negated: negated), at: start)
        case .IS:
            advance()
            let not = accept(.NOT)
            if accept(.NULL) { return SQLExpression(.isNull(value, negated: not), at: start) }
            if accept(.TRUE) { return SQLExpression(.isBoolean(value, value: true, negated: not), at: start) }
            if accept(.FALSE) { return SQLExpression(.isBoolean(value, value: false, negated: not), at: start) }
            if accept(.UNKNOWN) { return SQLExpression(.isBoolean(value, value: nil, negated: not), at: start) }
            if try accept(.DISTINCT, .FROM) {
                let other = try parseBinary(Precedence.comparison)
                return SQLExpression(.isDistinctFrom(value, other, negated: not), at: start)
            }
            throw unexpected()
        default:
            return nil
        }
    }

    /// Unary `-`, `+`, `~` over a postfix expression. `-5` is the literal -5, as in Spark.
    mutating func parseUnary() throws -> SQLExpression {
        let t = current
        let op: SQLUnaryOperator
        switch t.symbol {
        case .minus: op = .minus
        case .plus: op = .plus
        case .tilde: op = .bitwiseNot
        default: return try parsePostfix(try parsePrimary())
        }
        advance()
        if op == .minus && current.kind == .number {
            return try parsePostfix(try parseNumber(advance(), negative: true, at: t.position))
        }
        try descend()
        defer { ascend() }
        return SQLExpression(.unary(op, try parseUnary()), at: t.position)
    }

    /// `e::type` and `e[index]`, any number of times.
    mutating func parsePostfix(_ operand: SQLExpression) throws -> SQLExpression {
        var e = operand
        var chain = 0
        defer { ascend(chain) }
        while true {
            if current.symbol == .doubleColon {
                advance()
                e = SQLExpression(.cast(e, try parseDataType(), isTry: false), at: e.position)
            } else if current.symbol == .leftBracket {
                let open = advance()
                let subscriptIndex = try parseExpression()
                guard accept(.rightBracket) else { throw unexpected(note: "to close the '[' at \(open.position)") }
                e = SQLExpression(.element(e, index: subscriptIndex), at: e.position)
            } else {
                return e
            }
            try descend()
            chain += 1
        }
    }

    /// `expr [ASC|DESC] [NULLS FIRST|LAST]`.
    mutating func parseSortItem() throws -> SQLSortItem {
        let e = try parseExpression()
        var ascending = true
        if accept(.ASC) {
            ascending = true
        } else if accept(.DESC) {
            ascending = false
        }
        var nullsFirst: Bool?
        if accept(.NULLS) {
            if accept(.FIRST) {
                nullsFirst = true
            } else {
                try expect(.LAST)
                nullsFirst = false
            }
        }
        return SQLSortItem(expression: e, ascending: ascending, nullsFirst: nullsFirst)
    }
}
