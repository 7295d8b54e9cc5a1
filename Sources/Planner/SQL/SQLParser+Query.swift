// Queries: WITH, set operations with Spark's precedence (INTERSECT binds tighter than UNION and
// EXCEPT/MINUS, all left-associative), query primaries (SELECT, VALUES, TABLE t, a parenthesised
// query), the SELECT clauses, and the clauses that end a query (ORDER BY, CLUSTER/DISTRIBUTE/SORT BY,
// WINDOW, LIMIT, OFFSET), which apply to the whole set operation before them.

extension SQLParser {
    /// Whether a query starts here (without noting anything as expected).
    var atQueryStart: Bool {
        switch current.keyword {
        case .SELECT, .WITH, .VALUES: return true
        case .TABLE: return peek().isIdentifierLike
        default: return current.symbol == .leftParen
        }
    }

    /// Whether a subquery starts here, after its `(`.
    var atSubqueryStart: Bool {
        current.keyword == .SELECT || current.keyword == .WITH || current.keyword == .VALUES
    }

    mutating func parseQuery() throws -> SQLQuery {
        try descend()
        defer { ascend() }
        let start = current.position
        var ctes: [SQLCommonTableExpression] = []
        if accept(.WITH) { ctes = try parseList { try $0.parseCommonTableExpression() } }
        var query = SQLQuery(body: try parseSetOperations(), at: start)
        query.ctes = ctes
        try parseQueryEnd(&query)
        return query
    }

    /// `name [(cols)] [AS] (query)`.
    mutating func parseCommonTableExpression() throws -> SQLCommonTableExpression {
        let name = try parseIdentifier("a name for the query")
        var columns: [SQLIdentifier] = []
        if current.symbol == .leftParen && !(peek().keyword == .SELECT || peek().keyword == .WITH || peek().keyword == .VALUES) {
            columns = try parseIdentifierList("a column name")
        }
        _ = accept(.AS)
        let open = try expect(.leftParen)
        let query = try parseQuery()
        try expectClosing(open)
        return SQLCommonTableExpression(name: name, columns: columns, query: query)
    }

    /// UNION and EXCEPT (MINUS), left-associative, over INTERSECTs.
    mutating func parseSetOperations() throws -> SQLQueryBody {
        try parseSetOperationLevel(operand: { try $0.parseIntersections() }) { p in
            if p.accept(.UNION) { return .union }
            if p.accept(.EXCEPT) { return .except }
            guard p.current.keyword == .MINUS else { return nil }
            p.advance()
            return .except
        }
    }

    mutating func parseIntersections() throws -> SQLQueryBody {
        try parseSetOperationLevel(operand: { try $0.parseQueryPrimary() }) { $0.accept(.INTERSECT) ? .intersect : nil }
    }

    /// `operand (op [ALL|DISTINCT] operand)*`, left-associative, for the operators `op` takes.
    mutating func parseSetOperationLevel(operand: (inout SQLParser) throws -> SQLQueryBody,
                                         op: (inout SQLParser) -> SQLSetOperator?) throws -> SQLQueryBody {
        var left = try operand(&self)
        var chain = 0
        defer { ascend(chain) }
        while true {
            let operatorPosition = current.position
            guard let setOperator = op(&self) else { return left }
            let all = try parseSetQuantifier()
            try descend()
            chain += 1
            left = .setOperation(setOperator, all: all, left, try operand(&self), at: operatorPosition)
        }
    }

    /// `ALL` (true) or `DISTINCT`/nothing (false).
    mutating func parseSetQuantifier() throws -> Bool {
        if accept(.ALL) { return true }
        _ = accept(.DISTINCT)
        return false
    }

    mutating func parseQueryPrimary() throws -> SQLQueryBody {
        let start = current.position
        if at(.SELECT) { return .select(try parseSelect()) }
        if at(.VALUES) {
            advance()
            return .values(try parseValuesRows(), at: start)
        }
        if at(.TABLE) {
            advance()
            return .table(try parseName("a table name"))
        }
        if at(.leftParen) {
            let open = advance()
            let query = try parseQuery()
            try expectClosing(open)
            return query.isBare ? query.body : .nested(query)
        }
        throw unexpected()
    }

    /// The rows of `VALUES (1, 'a'), (2, 'b')` or `VALUES 1, 2` (one column).
    mutating func parseValuesRows() throws -> [[SQLExpression]] {
        try parseList { p in
            let row = try p.parseExpression()
            if case .tuple(let values) = row.kind { return values }
            return [row]
        }
    }

    mutating func parseSelect() throws -> SQLSelect {
        let selectToken = advance()
        let hints = try parseHints(after: selectToken)
        var distinct = false
        if accept(.DISTINCT) { distinct = true } else { _ = accept(.ALL) }
        let items = try parseList { try $0.parseSelectItem() }
        var select = SQLSelect(hints: hints, distinct: distinct, items: items, from: [], whereClause: nil, groupBy: nil,
                               having: nil, windows: [], position: selectToken.position)
        if accept(.FROM) { select.from = try parseList { try $0.parseRelation() } }
        if accept(.WHERE) { select.whereClause = try parseExpression() }
        let groupStart = current.position
        if try accept(.GROUP, .BY) {
            if current.keyword == .ALL && peek().symbol != .leftParen {
                advance()
                select.groupBy = SQLGroupBy(kind: .all, position: groupStart)
            } else {
                select.groupBy = SQLGroupBy(kind: .expressions(try parseList { try $0.parseExpression() }), position: groupStart)
            }
        }
        if accept(.HAVING) { select.having = try parseExpression() }
        if current.keyword == .WINDOW {
            advance()
            select.windows = try parseList { try $0.parseWindowDefinition() }
        }
        return select
    }

    mutating func parseSelectItem() throws -> SQLSelectItem {
        let expression = try parseExpression()
        if case .star = expression.kind { return SQLSelectItem(expression: expression, alias: nil) }
        return SQLSelectItem(expression: expression, alias: try parseAlias())
    }

    /// The clauses after the body: ORDER BY, CLUSTER BY, DISTRIBUTE BY, SORT BY, WINDOW, LIMIT, OFFSET.
    mutating func parseQueryEnd(_ query: inout SQLQuery) throws {
        if try accept(.ORDER, .BY) { query.orderBy = try parseList { try $0.parseSortItem() } }
        if acceptQuietly(.CLUSTER, .BY) {
            let keys = try parseList { try $0.parseExpression() }
            query.distributeBy = keys
            query.sortBy = keys.map { SQLSortItem(expression: $0, ascending: true, nullsFirst: nil) }
        }
        if acceptQuietly(.DISTRIBUTE, .BY) { query.distributeBy = try parseList { try $0.parseExpression() } }
        if acceptQuietly(.SORT, .BY) { query.sortBy = try parseList { try $0.parseSortItem() } }
        if current.keyword == .WINDOW {
            let windowToken = advance()
            guard case .select(var select) = query.body else {
                throw syntaxError("a WINDOW clause belongs to a SELECT, not to a set operation", at: windowToken,
                                  hint: "move the WINDOW clause into the SELECT that uses it")
            }
            select.windows += try parseList { try $0.parseWindowDefinition() }
            query.body = .select(select)
        }
        if accept(.LIMIT) {
            if !accept(.ALL) { query.limit = try parseExpression() }
        }
        if accept(.OFFSET) { query.offset = try parseExpression() }
        if let k = current.keyword, [.UNION, .EXCEPT, .MINUS, .INTERSECT].contains(k),
           !query.orderBy.isEmpty || query.limit != nil || query.offset != nil || !query.sortBy.isEmpty {
            throw syntaxError("\(k.rawValue) cannot follow ORDER BY, SORT BY, LIMIT or OFFSET", at: current,
                              hint: "these clauses apply to the whole set operation and go at its end; to order or limit one side, put it in parentheses")
        }
    }

    /// Two keywords (`SORT BY`) without listing them as expected: they are rarely what was meant.
    mutating func acceptQuietly(_ first: SQLKeyword, _ second: SQLKeyword) -> Bool {
        guard current.keyword == first && peek().keyword == second else { return false }
        advance(); advance()
        return true
    }

    /// `/*+ NAME(params), … */` hint comments between SELECT and the next token.
    mutating func parseHints(after selectToken: SQLToken) throws -> [SQLHint] {
        let between = selectToken.endOffset..<current.position.offset
        var hints: [SQLHint] = []
        for comment in hintComments where between.contains(comment.range.lowerBound) {
            var parser = SQLParser(source, range: comment.range, start: comment.position)
            try parser.checkLexerError()
            while parser.current.kind != .end {
                let name = try parser.parseIdentifier("a hint name such as BROADCAST")
                var parameters: [SQLExpression] = []
                if parser.current.symbol == .leftParen {
                    let open = parser.advance()
                    if parser.current.symbol != .rightParen { parameters = try parser.parseList { try $0.parseExpression() } }
                    try parser.expectClosing(open)
                }
                hints.append(SQLHint(name: name, parameters: parameters))
                _ = parser.accept(.comma)
            }
        }
        return hints
    }
}
