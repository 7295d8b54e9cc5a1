// SQLParser: a recursive-descent parser from Spark SQL text to the syntax tree of
// SQLSyntaxTree.swift. This file holds the entry points and the token machinery: looking at and
// taking tokens, names and aliases, the nesting limit, and the record of what was expected at the
// furthest token reached, from which errors say "expected X, Y or Z, found W". The grammar is in
// SQLParser+Statements, +Query, +Relations, +Expressions, +Primary, +Literals and +Window.

@_spi(EmberInternal) public struct SQLParser {
    /// How deeply parentheses, subqueries and operator chains may nest (`((((…))))`, `a+a+…+a`).
    /// Deeper input gets an error instead of exhausting the stack, here or in whatever walks the tree.
    @_spi(EmberInternal) public static let maxDepth = 1000

    let source: SQLSource
    /// The bytes of the statement being parsed.
    let range: Range<Int>
    var tokens: [SQLToken]
    var hintComments: [SQLHintComment]
    /// The current token.
    var index = 0
    var depth = 0
    /// The furthest token looked at, and what would have been accepted there, in the order tried.
    var expectedAt = -1
    var expected: [String] = []
    /// Tokens taken as aliases written without AS: a misspelt keyword is often one (`SELECT a FORM t`).
    var implicitAliases: Set<Int> = []

    init(_ source: SQLSource, range: Range<Int>, start: SQLPosition) {
        self.source = source
        self.range = range
        (tokens, hintComments) = SQLLexer.tokenize(source, range, from: start)
    }

    // MARK: entry points

    /// One statement, optionally ended by `;`.
    @_spi(EmberInternal) public static func parseStatement(_ text: String) throws -> SQLStatement {
        try parse(text) { try $0.statementToEnd() }
    }

    /// The statements of a script, separated by `;` (see SQLScriptSplitter). Positions count from the
    /// start of the script.
    @_spi(EmberInternal) public static func parseScript(_ text: String) throws -> [SQLStatement] {
        let source = SQLSource(text)
        try source.checkSize()
        return try SQLScriptSplitter.split(source).map { piece in
            var parser = SQLParser(source, range: piece.range, start: piece.position)
            return try parser.onEnoughStack { try $0.statementToEnd() }
        }
    }

    /// A query (`SELECT …`, `WITH …`, `VALUES …`, set operations), optionally ended by `;`.
    @_spi(EmberInternal) public static func parseQuery(_ text: String) throws -> SQLQuery {
        try parse(text) { parser in
            try parser.checkLexerError()
            let query = try parser.parseQuery()
            try parser.expectEndOfInput()
            return query
        }
    }

    /// An expression alone, as `selectExpr` and `expr(…)` take it.
    @_spi(EmberInternal) public static func parseExpression(_ text: String) throws -> SQLExpression {
        try parse(text) { parser in
            try parser.checkLexerError()
            let expression = try parser.parseExpression()
            try parser.expectEndOfInput()
            return expression
        }
    }

    /// Lexes `text` and runs `body` with a parser over it.
    static func parse<T>(_ text: String, _ body: (inout SQLParser) throws -> T) throws -> T {
        let source = SQLSource(text)
        try source.checkSize()
        var parser = SQLParser(source, range: 0..<source.bytes.count, start: .start)
        return try parser.onEnoughStack(body)
    }

    /// Runs `body` here, or on a large stack of its own when the statement may nest deeply.
    mutating func onEnoughStack<T>(_ body: (inout SQLParser) throws -> T) throws -> T {
        guard nestingBound > SQLParserStack.inlineNesting else { return try body(&self) }
        return try SQLParserStack.run { try body(&self) }
    }

    /// At least as many levels as the parser can recurse into for these tokens: each level needs
    /// an open parenthesis or bracket, a prefix operator, NOT, CASE, `<` (of `array<…>`) or EXPLAIN.
    var nestingBound: Int {
        var unclosed = 0, deepest = 0, prefixes = 0
        for t in tokens {
            switch t.symbol {
            case .leftParen, .leftBracket:
                unclosed += 1
                deepest = max(deepest, unclosed)
            case .rightParen, .rightBracket: unclosed = max(0, unclosed - 1)
            case .minus, .plus, .tilde, .bang, .less: prefixes += 1
            default:
                if t.keyword == .NOT || t.keyword == .CASE || t.keyword == .EXPLAIN { prefixes += 1 }
            }
        }
        return deepest + prefixes
    }

    mutating func statementToEnd() throws -> SQLStatement {
        let statement = try parseStatement()
        try expectEndOfInput()
        return statement
    }

    mutating func expectEndOfInput() throws {
        var afterSemicolon = false
        while current.symbol == .semicolon {
            index += 1
            afterSemicolon = true
        }
        expecting("end of input")
        guard current.kind == .end else {
            throw unexpected(hint: afterSemicolon ? "this takes one statement: run the statements of a script one by one" : nil)
        }
    }

    /// Throws the lexer's error, if the text has one.
    func checkLexerError() throws {
        if let bad = tokens.last(where: { $0.kind == .invalid }) {
            throw syntaxError(bad.text, at: bad, hint: bad.hint)
        }
    }

    // MARK: tokens

    var current: SQLToken { tokens[index] }

    /// The token `n` after the current one (the end token past the end).
    func peek(_ n: Int = 1) -> SQLToken { tokens[min(index + n, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> SQLToken {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    /// Notes that `label` would be accepted at the current token, for the error if nothing is.
    mutating func expecting(_ label: String) {
        if index > expectedAt {
            expectedAt = index
            expected = [label]
        } else if index == expectedAt && !expected.contains(label) {
            expected.append(label)
        }
    }

    /// Whether the current token is the keyword (noting it as expected).
    mutating func at(_ keyword: SQLKeyword) -> Bool {
        expecting(keyword.rawValue)
        return current.keyword == keyword
    }

    mutating func accept(_ keyword: SQLKeyword) -> Bool {
        guard at(keyword) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ keyword: SQLKeyword) throws -> SQLToken {
        guard at(keyword) else { throw unexpected() }
        return advance()
    }

    /// Two keywords that go together (`GROUP BY`, `NULLS FIRST`): false when the first is absent;
    /// an error when the first is there without the second.
    mutating func accept(_ first: SQLKeyword, _ second: SQLKeyword) throws -> Bool {
        expecting("\(first.rawValue) \(second.rawValue)")
        guard current.keyword == first else { return false }
        advance()
        try expect(second)
        return true
    }

    mutating func at(_ symbol: SQLSymbol) -> Bool {
        expecting("'\(symbol.rawValue)'")
        return current.symbol == symbol
    }

    mutating func accept(_ symbol: SQLSymbol) -> Bool {
        guard at(symbol) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ symbol: SQLSymbol) throws -> SQLToken {
        guard at(symbol) else { throw unexpected() }
        return advance()
    }

    /// Takes the `)` that closes `open`; when it is missing, the error names where `open` was.
    mutating func expectClosing(_ open: SQLToken) throws {
        guard !accept(.rightParen) else { return }
        throw unexpected(note: "to close the '(' at \(open.position)")
    }

    // MARK: nesting

    /// Enters one level of nesting; an error beyond ``maxDepth``. Pair with `defer { ascend() }`.
    mutating func descend() throws {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw syntaxError("the statement nests more than \(Self.maxDepth) levels deep (parentheses, subqueries or a chain of operators)",
                              at: current, hint: "simplify the statement, e.g. a long chain of OR as an IN list")
        }
    }

    mutating func ascend(_ levels: Int = 1) { depth -= levels }

    // MARK: names

    /// Whether the current token can be a name: backquoted, or a word that is not reserved.
    var atIdentifier: Bool {
        let t = current
        if t.kind == .quotedIdentifier { return true }
        return t.kind == .word && !(t.keyword.map(SQLKeyword.reserved.contains) ?? false)
    }

    mutating func parseIdentifier(_ what: String = "an identifier") throws -> SQLIdentifier {
        expecting(what)
        guard atIdentifier else {
            let t = current
            if t.kind == .word {
                throw unexpected(hint: "\(t.text.uppercased()) is a keyword: write `\(t.text)` in backquotes to use it as a name")
            }
            throw unexpected()
        }
        let t = advance()
        return SQLIdentifier(t.text, quoted: t.kind == .quotedIdentifier, at: t.position)
    }

    /// A dotted name: `t`, `db.t`.
    mutating func parseName(_ what: String) throws -> SQLName {
        var parts = [try parseIdentifier(what)]
        while current.symbol == .dot && peek().isIdentifierLike {
            advance()
            parts.append(try parseIdentifier(what))
        }
        return SQLName(parts)
    }

    /// `(a, b, c)`: a parenthesised list of names.
    mutating func parseIdentifierList(_ what: String) throws -> [SQLIdentifier] {
        let open = try expect(.leftParen)
        var names = [try parseIdentifier(what)]
        while accept(.comma) { names.append(try parseIdentifier(what)) }
        try expectClosing(open)
        return names
    }

    /// `AS name`, or a name without AS when the word cannot continue the statement (`FROM t x`,
    /// but not `FROM t LIMIT 5`).
    mutating func parseAlias() throws -> SQLIdentifier? {
        if current.keyword == .AS {
            advance()
            return try parseIdentifier("an alias")
        }
        let t = current
        let canAlias = t.kind == .quotedIdentifier
            || (t.kind == .word && !(t.keyword.map(SQLKeyword.notImplicitAlias.contains) ?? false))
        guard canAlias else { return nil }
        implicitAliases.insert(index)
        advance()
        return SQLIdentifier(t.text, quoted: t.kind == .quotedIdentifier, at: t.position)
    }

    /// A comma-separated list of at least one element.
    mutating func parseList<T>(_ element: (inout SQLParser) throws -> T) throws -> [T] {
        var items = [try element(&self)]
        while accept(.comma) { items.append(try element(&self)) }
        return items
    }
}
