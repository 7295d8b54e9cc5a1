// The statements: a query; CREATE [OR REPLACE] TEMPORARY VIEW … USING … OPTIONS (…) or AS query;
// DROP VIEW; SHOW TABLES; DESCRIBE; EXPLAIN; CACHE/UNCACHE TABLE, CLEAR CACHE; and SET/RESET,
// whose values are raw text to the end of the statement, as Spark reads them.

extension SQLParser {
    mutating func parseStatement() throws -> SQLStatement {
        try descend()
        defer { ascend() }
        let start = current.position
        let kind: SQLStatement.Kind
        let end: Int
        if current.keyword == .SET || current.keyword == .RESET {
            (kind, end) = try parseConfigurationCommand()
        } else {
            try checkLexerError()
            kind = try parseStatementKind()
            end = index > 0 ? tokens[index - 1].endOffset : start.offset
        }
        return SQLStatement(kind: kind, position: start, text: source.slice(start.offset..<max(start.offset, end)))
    }

    mutating func parseStatementKind() throws -> SQLStatement.Kind {
        switch current.keyword {
        case .CREATE: return try parseCreateView()
        case .DROP:
            advance()
            try expectView()
            let ifExists = try acceptIfExists()
            return .dropView(name: try parseName("a view name"), ifExists: ifExists)
        case .SHOW: return try parseShowTables()
        case .DESCRIBE, .DESC: return try parseDescribe()
        case .EXPLAIN:
            advance()
            let modes: [SQLKeyword: SQLExplainMode] = [.EXTENDED: .extended, .FORMATTED: .formatted, .CODEGEN: .codegen,
                                                      .COST: .cost, .LOGICAL: .logical]
            var mode = SQLExplainMode.simple
            if let k = current.keyword, let m = modes[k] { advance(); mode = m }
            return .explain(mode, try parseStatement())
        case .CACHE: return try parseCacheTable()
        case .UNCACHE:
            advance()
            try expect(.TABLE)
            let ifExists = try acceptIfExists()
            return .uncacheTable(name: try parseName("a table name"), ifExists: ifExists)
        case .CLEAR:
            advance()
            try expect(.CACHE)
            return .clearCache
        default:
            if atQueryStart { return .query(try parseQuery()) }
            for k: SQLKeyword in [.SELECT, .WITH, .VALUES, .CREATE, .DROP, .SHOW, .DESCRIBE, .EXPLAIN, .SET, .RESET, .CACHE, .UNCACHE] {
                expecting(k.rawValue)
            }
            throw unexpected()
        }
    }

    /// VIEW, with a hint for the tables Ember does not have.
    mutating func expectView() throws {
        guard at(.VIEW) else {
            throw unexpected(hint: current.keyword == .TABLE
                ? "Ember keeps no tables, only temporary views: CREATE TEMPORARY VIEW name USING csv OPTIONS (path '…')" : nil)
        }
        advance()
    }

    /// `IF EXISTS`, if written.
    mutating func acceptIfExists() throws -> Bool {
        guard current.keyword == .IF && peek().keyword == .EXISTS else { return false }
        advance(); advance()
        return true
    }

    mutating func parseCreateView() throws -> SQLStatement.Kind {
        let start = advance().position
        var orReplace = false, global = false, temporary = false, ifNotExists = false
        if accept(.OR) { try expect(.REPLACE); orReplace = true }
        if accept(.GLOBAL) { global = true }
        if accept(.TEMPORARY) || accept(.TEMP) { temporary = true }
        try expectView()
        if current.keyword == .IF && peek().keyword == .NOT {
            advance(); advance()
            try expect(.EXISTS)
            ifNotExists = true
        }
        let name = try parseName("a view name")
        var columns: [SQLColumnDefinition] = []
        if current.symbol == .leftParen {
            let open = advance()
            columns = try parseList { p in
                let column = try p.parseIdentifier("a column name")
                let type = p.current.symbol == .comma || p.current.symbol == .rightParen ? nil : try p.parseDataType()
                return SQLColumnDefinition(name: column, type: type)
            }
            try expectClosing(open)
        }
        let source: SQLCreateView.Source
        if accept(.USING) {
            let format = try parseName("a data source format such as csv")
            let options = accept(.OPTIONS) ? try parseOptions() : []
            source = .dataSource(format: SQLIdentifier(format.dotted, at: format.position), options: options)
        } else if accept(.AS) {
            source = .query(try parseQuery())
        } else {
            throw unexpected()
        }
        return .createView(SQLCreateView(name: name, orReplace: orReplace, temporary: temporary, global: global,
                                         ifNotExists: ifNotExists, columns: columns, source: source, position: start))
    }

    /// `(key [=] value, …)`: keys are names (dots allowed) or strings; values are literals.
    mutating func parseOptions() throws -> [SQLOption] {
        let open = try expect(.leftParen)
        let options = try parseList { p in
            let keyStart = p.current.position
            let key: String
            if p.current.kind == .string {
                key = p.advance().text
            } else {
                key = try p.parseName("an option name").dotted
            }
            _ = p.accept(.equal)
            return SQLOption(key: key, value: try p.parseOptionValue(), position: keyStart)
        }
        try expectClosing(open)
        return options
    }

    mutating func parseOptionValue() throws -> String {
        expecting("an option value such as 'true'")
        let t = current
        switch t.kind {
        case .string:
            advance()
            var value = t.text
            while current.kind == .string { value += advance().text }
            return value
        case .number:
            return advance().text
        case .word where t.keyword == .TRUE || t.keyword == .FALSE:
            return advance().text.lowercased()
        case .symbol where t.symbol == .minus && peek().kind == .number:
            advance()
            return "-" + advance().text
        default:
            throw unexpected()
        }
    }

    mutating func parseShowTables() throws -> SQLStatement.Kind {
        advance()
        try expect(.TABLES)
        var database: SQLName?
        if accept(.FROM) || accept(.IN) { database = try parseName("a database name") }
        _ = accept(.LIKE)
        expecting("a pattern such as 'sales*'")
        let pattern = current.kind == .string ? advance().text : nil
        return .showTables(database: database, pattern: pattern)
    }

    mutating func parseDescribe() throws -> SQLStatement.Kind {
        advance()
        if accept(.QUERY) || atSubqueryStart || current.symbol == .leftParen {
            return .describe(.query(try parseQuery()), extended: false)
        }
        _ = accept(.TABLE)
        let extended = accept(.EXTENDED) || accept(.FORMATTED)
        return .describe(.table(try parseName("a table name")), extended: extended)
    }

    mutating func parseCacheTable() throws -> SQLStatement.Kind {
        advance()
        let lazy = accept(.LAZY)
        try expect(.TABLE)
        let name = try parseName("a table name")
        let options = accept(.OPTIONS) ? try parseOptions() : []
        var query: SQLQuery?
        if accept(.AS) || atQueryStart { query = try parseQuery() }
        return .cacheTable(name: name, lazy: lazy, options: options, query: query)
    }
}
