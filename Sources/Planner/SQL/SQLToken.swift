// SQLToken: one token of Spark SQL as the lexer produces it: a word (keyword or identifier), a
// backquoted identifier, a string or number literal, a symbol, the end of the input, or an invalid
// token that carries the lexer's error. Every token knows where it starts and ends in the text.

/// The operators and punctuation of Spark SQL.
@_spi(EmberInternal) public enum SQLSymbol: String, Sendable, Hashable, CaseIterable {
    case equal = "=", doubleEqual = "==", notEqual = "<>", bangEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", nullSafeEqual = "<=>"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case concat = "||", ampersand = "&", pipe = "|", caret = "^", tilde = "~", bang = "!"
    case doubleColon = "::"
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case comma = ",", dot = ".", semicolon = ";"

    /// The symbols, longest first, so the lexer takes `<=>` before `<=` before `<`.
    static let longestFirst: [SQLSymbol] = allCases.sorted { $0.rawValue.utf8.count > $1.rawValue.utf8.count }
}

@_spi(EmberInternal) public struct SQLToken: Sendable {
    @_spi(EmberInternal) public enum Kind: Sendable, Equatable {
        /// An unquoted identifier or keyword, e.g. `select`, `l_orderkey`, `1st`.
        case word
        /// A backquoted identifier; ``SQLToken/text`` is the name with ``` `` ``` unescaped.
        case quotedIdentifier
        /// A string literal; ``SQLToken/text`` is its value after escape processing.
        case string
        /// A numeric literal; ``SQLToken/text`` is as written, suffix included (`12.5BD`).
        case number
        case symbol
        case end
        /// Text the lexer could not read; ``SQLToken/text`` is the error message.
        case invalid
    }

    @_spi(EmberInternal) public var kind: Kind
    @_spi(EmberInternal) public var text: String
    /// The keyword a word spells (any case), if it is one.
    @_spi(EmberInternal) public var keyword: SQLKeyword?
    @_spi(EmberInternal) public var symbol: SQLSymbol?
    @_spi(EmberInternal) public var position: SQLPosition
    /// Byte offset just past the token.
    @_spi(EmberInternal) public var endOffset: Int
    /// For an invalid token: the hint of its error.
    var hint: String?

    init(_ kind: Kind, _ text: String, at position: SQLPosition, end: Int) {
        self.kind = kind
        self.text = text
        self.position = position
        self.endOffset = end
        if kind == .word { keyword = SQLKeyword.named(text) }
    }

    static func symbol(_ s: SQLSymbol, at position: SQLPosition) -> SQLToken {
        var t = SQLToken(.symbol, s.rawValue, at: position, end: position.offset + s.rawValue.utf8.count)
        t.symbol = s
        return t
    }

    /// True for a word or a backquoted identifier.
    var isIdentifierLike: Bool { kind == .word || kind == .quotedIdentifier }
}
