// FROM clause relations: tables (`t`, `db.t`), direct file queries (``csv.`/path` ``), subqueries,
// parenthesised joins, table functions (`range(10)`), VALUES, each with an optional alias and
// column aliases; and joins of every Spark type, left-deep, with ON, USING or NATURAL.

extension SQLParser {
    /// The formats a two-part name ``format.`path` `` reads directly as files.
    static let fileFormats: Set<String> = ["csv", "json", "parquet", "text", "orc", "avro"]

    /// A relation and the joins that follow it.
    mutating func parseRelation() throws -> SQLRelation {
        var left = try parseRelationPrimary()
        var chain = 0
        defer { ascend(chain) }
        while let (type, natural, position) = try parseJoinType() {
            try descend()
            chain += 1
            let right = try parseRelationPrimary()
            var criteria = SQLJoin.Criteria.none
            if !natural {
                if accept(.ON) {
                    criteria = .on(try parseExpression())
                } else if accept(.USING) {
                    criteria = .using(try parseIdentifierList("a column name"))
                }
            }
            let join = SQLJoin(left: left, right: right, type: type, natural: natural, criteria: criteria, position: position)
            left = SQLRelation(kind: .join(join), alias: nil, position: left.position)
        }
        return left
    }

    /// The join keywords, up to and including JOIN; nil when no join follows.
    mutating func parseJoinType() throws -> (JoinType, natural: Bool, SQLPosition)? {
        let start = current.position
        expecting("JOIN")
        let natural = current.keyword == .NATURAL
        if natural { advance() }
        let type: JoinType
        switch current.keyword {
        case .JOIN: type = .inner
        case .INNER: advance(); type = .inner
        case .CROSS:
            if natural {
                throw syntaxError("NATURAL and CROSS cannot be combined: a natural join matches equal columns, a cross join every pair",
                                  at: current, hint: "write NATURAL JOIN, or CROSS JOIN")
            }
            advance()
            type = .cross
        case .LEFT:
            advance()
            if current.keyword == .SEMI {
                advance(); type = .leftSemi
            } else if current.keyword == .ANTI {
                advance(); type = .leftAnti
            } else {
                if current.keyword == .OUTER { advance() }
                type = .leftOuter
            }
        case .RIGHT:
            advance()
            if current.keyword == .OUTER { advance() }
            type = .rightOuter
        case .FULL:
            advance()
            if current.keyword == .OUTER { advance() }
            type = .fullOuter
        case .SEMI: advance(); type = .leftSemi
        case .ANTI: advance(); type = .leftAnti
        default:
            guard natural else { return nil }
            for k: SQLKeyword in [.INNER, .LEFT, .RIGHT, .FULL, .SEMI, .ANTI] { expecting(k.rawValue) }
            throw unexpected()
        }
        try expect(.JOIN)
        return (type, natural, start)
    }

    mutating func parseRelationPrimary() throws -> SQLRelation {
        try descend()
        defer { ascend() }
        let start = current.position
        var relation: SQLRelation
        if at(.leftParen) {
            let open = advance()
            if startsQueryAfterParentheses() {
                relation = SQLRelation(kind: .subquery(try parseQuery()), alias: nil, position: start)
            } else {
                relation = try parseRelation()
            }
            try expectClosing(open)
        } else if at(.VALUES) {
            advance()
            relation = SQLRelation(kind: .values(try parseValuesRows()), alias: nil, position: start)
        } else {
            let name = try parseName("a table name")
            if current.symbol == .leftParen {
                let open = advance()
                let arguments = current.symbol == .rightParen ? [] : try parseList { try $0.parseExpression() }
                try expectClosing(open)
                relation = SQLRelation(kind: .tableFunction(name, arguments), alias: nil, position: start)
            } else if name.parts.count == 2, !name.parts[0].quoted, name.parts[1].quoted,
                      Self.fileFormats.contains(name.parts[0].name.lowercased()) {
                relation = SQLRelation(kind: .file(format: name.parts[0], path: name.parts[1]), alias: nil, position: start)
            } else {
                relation = SQLRelation(kind: .table(name), alias: nil, position: start)
            }
        }
        if let alias = try parseAlias() {
            let columns = current.symbol == .leftParen ? try parseIdentifierList("a column name") : []
            relation.alias = SQLTableAlias(name: alias, columns: columns)
        }
        return relation
    }

    /// After a `(`: whether a query follows, possibly behind more parentheses (`((SELECT …) UNION …)`),
    /// rather than a join in parentheses.
    func startsQueryAfterParentheses() -> Bool {
        var k = index
        while tokens[k].symbol == .leftParen && k < tokens.count - 1 { k += 1 }
        switch tokens[k].keyword {
        case .SELECT, .WITH, .VALUES: return true
        case .TABLE: return tokens[min(k + 1, tokens.count - 1)].isIdentifierLike
        default: return false
        }
    }
}
