// Primary expressions: literals, column references (`c`, `t.c`, `t.*`, `*`), function calls
// (`count(DISTINCT x)`, `count(*)`, FILTER, IGNORE NULLS, OVER), parentheses, tuples and scalar
// subqueries, CASE, CAST/TRY_CAST, EXISTS, and the special call forms EXTRACT(f FROM e),
// SUBSTRING(s FROM a FOR b), TRIM(BOTH c FROM s), POSITION(a IN b).

extension SQLParser {
    mutating func parsePrimary() throws -> SQLExpression {
        expecting("an expression")
        let t = current
        switch t.kind {
        case .number:
            return try parseNumber(advance(), negative: false, at: t.position)
        case .string:
            var text = advance().text
            while current.kind == .string { text += advance().text }
            return SQLExpression(.literal(.string(text)), at: t.position)
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .symbol:
            if t.symbol == .star {
                advance()
                return SQLExpression(.star(qualifier: nil), at: t.position)
            }
            if t.symbol == .leftParen { return try parseParenthesized() }
            throw unexpected()
        case .word:
            if let special = try parseKeywordExpression() { return special }
            if let k = t.keyword, SQLKeyword.reserved.contains(k), !(SQLKeyword.callable.contains(k) && peek().symbol == .leftParen) {
                if index > 0 && tokens[index - 1].symbol == .comma {
                    throw unexpected(hint: "the ',' before \(k.rawValue) starts another item: remove it, or write the item")
                }
                throw unexpected(hint: "\(k.rawValue) is a keyword: write `\(t.text)` in backquotes to use it as a name")
            }
            return try parseNameOrCall()
        case .end, .invalid:
            throw unexpected()
        }
    }

    /// The expressions a keyword starts (literals, CASE, CAST, …); nil when the word is a name here.
    mutating func parseKeywordExpression() throws -> SQLExpression? {
        let t = current
        let call = peek().symbol == .leftParen
        switch t.keyword {
        case .TRUE, .FALSE:
            advance()
            return SQLExpression(.literal(.boolean(t.keyword == .TRUE)), at: t.position)
        case .NULL:
            advance()
            return SQLExpression(.literal(.null), at: t.position)
        case .CASE: return try parseCase()
        case .CAST where call, .TRY_CAST where call:
            advance()
            let open = advance()
            let operand = try parseExpression()
            try expect(.AS)
            let type = try parseDataType()
            try expectClosing(open)
            return SQLExpression(.cast(operand, type, isTry: t.keyword == .TRY_CAST), at: t.position)
        case .EXISTS where call:
            advance()
            let open = advance()
            let query = try parseQuery()
            try expectClosing(open)
            return SQLExpression(.exists(query), at: t.position)
        case .EXTRACT where call:
            advance()
            let open = advance()
            let field = try parseIdentifier("a field such as YEAR")
            try expect(.FROM)
            let source = try parseExpression()
            try expectClosing(open)
            return SQLExpression(.extract(field: field, source), at: t.position)
        case .SUBSTRING where call, .SUBSTR where call: return try parseSubstring()
        case .TRIM where call: return try parseTrim()
        case .POSITION where call: return try parsePosition()
        case .DATE, .TIMESTAMP, .TIMESTAMP_NTZ, .TIMESTAMP_LTZ:
            guard peek().kind == .string else { return nil }
            return try parseTypedLiteral()
        case .INTERVAL:
            guard startsIntervalLiteral() else { return nil }
            return try parseInterval()
        case .CURRENT_DATE where !call, .CURRENT_TIMESTAMP where !call:
            advance()
            let name = SQLName([SQLIdentifier(t.text.lowercased(), at: t.position)])
            return SQLExpression(.function(SQLFunctionCall(name, [])), at: t.position)
        default:
            return nil
        }
    }

    /// `a`, `t.a`, `t.*`, `f(…)`, `db.f(…)`. After a dot any word is a name (`t.order`).
    mutating func parseNameOrCall() throws -> SQLExpression {
        let first = advance()
        var parts = [SQLIdentifier(first.text, quoted: first.kind == .quotedIdentifier, at: first.position)]
        while current.symbol == .dot {
            let next = peek()
            if next.symbol == .star {
                advance(); advance()
                return SQLExpression(.star(qualifier: SQLName(parts)), at: first.position)
            }
            guard next.isIdentifierLike else { break }
            advance()
            let part = advance()
            parts.append(SQLIdentifier(part.text, quoted: part.kind == .quotedIdentifier, at: part.position))
        }
        let name = SQLName(parts)
        if current.symbol == .leftParen { return try parseCall(name) }
        return SQLExpression(.column(name), at: first.position)
    }

    /// The arguments and trailing clauses of a call: `([DISTINCT|ALL] args [IGNORE|RESPECT NULLS])
    /// [FILTER (WHERE cond)] [IGNORE|RESPECT NULLS] [OVER window]`.
    mutating func parseCall(_ name: SQLName) throws -> SQLExpression {
        let open = advance()
        var call = SQLFunctionCall(name, [])
        if current.symbol != .rightParen {
            if accept(.DISTINCT) { call.distinct = true } else { _ = accept(.ALL) }
            call.arguments = try parseList { try $0.parseExpression() }
            call.ignoreNulls = acceptNullsOption()
        }
        try expectClosing(open)
        if current.keyword == .FILTER && peek().symbol == .leftParen {
            advance()
            let filterOpen = advance()
            try expect(.WHERE)
            call.filter = try parseExpression()
            try expectClosing(filterOpen)
        }
        if let ignore = acceptNullsOption() { call.ignoreNulls = ignore }
        if accept(.OVER) { call.window = try parseWindowAfterOver() }
        return SQLExpression(.function(call), at: name.position)
    }

    /// `IGNORE NULLS` (true), `RESPECT NULLS` (false), or nothing.
    mutating func acceptNullsOption() -> Bool? {
        guard current.keyword == .IGNORE || current.keyword == .RESPECT, peek().keyword == .NULLS else { return nil }
        let ignore = advance().keyword == .IGNORE
        advance()
        return ignore
    }

    /// `(expr)`, `(a, b)` or `(SELECT …)`.
    mutating func parseParenthesized() throws -> SQLExpression {
        let open = advance()
        if atSubqueryStart {
            let query = try parseQuery()
            try expectClosing(open)
            return SQLExpression(.scalarSubquery(query), at: open.position)
        }
        let first = try parseExpression()
        if current.symbol == .comma {
            advance()
            let rest = try parseList { try $0.parseExpression() }
            try expectClosing(open)
            return SQLExpression(.tuple([first] + rest), at: open.position)
        }
        try expectClosing(open)
        return first
    }

    mutating func parseCase() throws -> SQLExpression {
        let start = advance().position
        let operand = current.keyword == .WHEN ? nil : try parseExpression()
        var branches: [SQLWhenBranch] = []
        while accept(.WHEN) {
            let condition = try parseExpression()
            try expect(.THEN)
            branches.append(SQLWhenBranch(condition: condition, result: try parseExpression()))
        }
        if branches.isEmpty { throw unexpected() }
        let otherwise = accept(.ELSE) ? try parseExpression() : nil
        try expect(.END)
        return SQLExpression(.caseWhen(operand: operand, branches: branches, otherwise: otherwise), at: start)
    }

    /// `SUBSTRING(s FROM a [FOR b])` as `substring(s, a[, b])`, or the plain call `substring(s, a, b)`.
    mutating func parseSubstring() throws -> SQLExpression {
        let nameToken = advance()
        let name = SQLName([SQLIdentifier(nameToken.text, at: nameToken.position)])
        let open = advance()
        var arguments = [try parseExpression()]
        if accept(.FROM) {
            arguments.append(try parseExpression())
            if accept(.FOR) { arguments.append(try parseExpression()) }
        } else if accept(.comma) {
            arguments += try parseList { try $0.parseExpression() }
        }
        try expectClosing(open)
        return SQLExpression(.function(SQLFunctionCall(name, arguments)), at: nameToken.position)
    }

    /// `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)`, `TRIM(s)`; `trim(s, chars)` is a plain call.
    mutating func parseTrim() throws -> SQLExpression {
        let nameToken = advance()
        let open = advance()
        let sides: [SQLKeyword: SQLTrimSide] = [.BOTH: .both, .LEADING: .leading, .TRAILING: .trailing]
        var side: SQLTrimSide?
        if let k = current.keyword, let s = sides[k] {
            advance()
            side = s
        }
        var characters: SQLExpression?
        let trimmed: SQLExpression
        if accept(.FROM) {
            trimmed = try parseExpression()
        } else {
            let first = try parseExpression()
            if accept(.FROM) {
                characters = first
                trimmed = try parseExpression()
            } else if side != nil {
                throw unexpected()
            } else if current.symbol == .comma {
                advance()
                let rest = try parseList { try $0.parseExpression() }
                try expectClosing(open)
                let name = SQLName([SQLIdentifier(nameToken.text, at: nameToken.position)])
                return SQLExpression(.function(SQLFunctionCall(name, [first] + rest)), at: nameToken.position)
            } else {
                trimmed = first
            }
        }
        try expectClosing(open)
        return SQLExpression(.trim(side ?? .both, characters: characters, trimmed), at: nameToken.position)
    }

    /// `POSITION(sub IN s)` as `position(sub, s)`, or the plain call `position(sub, s[, start])`.
    mutating func parsePosition() throws -> SQLExpression {
        try descend()
        defer { ascend() }
        let nameToken = advance()
        let open = advance()
        var arguments = [try parseBinary(Precedence.comparison)]
        if accept(.IN) {
            arguments.append(try parseExpression())
        } else {
            try expect(.comma)
            arguments += try parseList { try $0.parseExpression() }
        }
        try expectClosing(open)
        let name = SQLName([SQLIdentifier(nameToken.text, at: nameToken.position)])
        return SQLExpression(.function(SQLFunctionCall(name, arguments)), at: nameToken.position)
    }
}
