// SQLLexer: Spark SQL text to tokens. Words (keywords are recognized in any case), backquoted
// identifiers, string and numeric literals (SQLLexer+Literals.swift), symbols, `--` line comments and
// `/* */` comments, which nest as in Spark. A `/*+ … */` comment is a hint: it is kept aside for the
// parser. The lexer never throws: text it cannot read becomes one `.invalid` token carrying the
// error, and lexing stops there.

/// A hint comment `/*+ … */`: the byte range of the text between the markers and where it starts.
@_spi(EmberInternal) public struct SQLHintComment: Sendable {
    var range: Range<Int>
    var position: SQLPosition
}

@_spi(EmberInternal) public struct SQLLexer {
    let bytes: [UInt8]
    let end: Int
    /// Where the next byte to read is.
    var here: SQLPosition
    var tokens: [SQLToken] = []
    var hintComments: [SQLHintComment] = []

    /// The tokens of `range` of the source (which starts at `start`), ending with an `.end` token.
    static func tokenize(_ source: SQLSource, _ range: Range<Int>, from start: SQLPosition)
        -> (tokens: [SQLToken], hints: [SQLHintComment]) {
        var lexer = SQLLexer(bytes: source.bytes, end: range.upperBound, here: start)
        lexer.run()
        return (lexer.tokens, lexer.hintComments)
    }

    var i: Int { here.offset }

    func byte(at k: Int) -> UInt8? { k < end ? bytes[k] : nil }

    mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where here.offset < end { here.advance(over: bytes[here.offset]) }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    /// Letters, digits and `_`: what an unquoted identifier is made of.
    static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") }

    mutating func run() {
        while true {
            if let error = skipSpaceAndComments() {
                tokens.append(error)
                break
            }
            guard let b = byte(at: i) else { break }
            let token: SQLToken
            if (b == UInt8(ascii: "r") || b == UInt8(ascii: "R")),
               let q = byte(at: i + 1), q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") {
                token = lexString(raw: true)
            } else if Self.isDigit(b) || (b == UInt8(ascii: ".") && startsFraction()) {
                token = lexNumberOrWord()
            } else if Self.isWordByte(b) {
                token = lexWord()
            } else if b == UInt8(ascii: "`") {
                token = lexQuotedIdentifier()
            } else if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
                token = lexString(raw: false)
            } else {
                token = lexSymbol()
            }
            tokens.append(token)
            if token.kind == .invalid { break }
        }
        tokens.append(SQLToken(.end, "", at: here, end: here.offset))
    }

    /// True when a `.` here starts a number (`.5`, `BETWEEN .05`) rather than qualifying a name
    /// (`t.c`, `f(x).y`).
    func startsFraction() -> Bool {
        guard let next = byte(at: i + 1), Self.isDigit(next) else { return false }
        guard let last = tokens.last else { return true }
        if let keyword = last.keyword, SQLKeyword.reserved.contains(keyword) || SQLKeyword.beforeValues.contains(keyword) {
            return true
        }
        return !(last.isIdentifierLike || last.symbol == .rightParen || last.symbol == .rightBracket)
    }

    mutating func lexWord() -> SQLToken {
        let start = here
        var j = i
        while j < end && Self.isWordByte(bytes[j]) { j += 1 }
        advance(j - i)
        return SQLToken(.word, String(decoding: bytes[start.offset..<j], as: UTF8.self), at: start, end: j)
    }

    mutating func lexQuotedIdentifier() -> SQLToken {
        let start = here
        advance()
        var name: [UInt8] = []
        while let b = byte(at: i) {
            advance()
            if b == UInt8(ascii: "`") {
                guard byte(at: i) == UInt8(ascii: "`") else {
                    return SQLToken(.quotedIdentifier, String(decoding: name, as: UTF8.self), at: start, end: i)
                }
                advance()
            }
            name.append(b)
        }
        return invalid("the quoted identifier opened here is never closed", at: start,
                       hint: "close it with a backquote (a backquote inside a name is written ``)")
    }

    mutating func lexSymbol() -> SQLToken {
        let start = here
        for s in SQLSymbol.longestFirst {
            let text = s.rawValue.utf8
            if i + text.count <= end && bytes[i..<(i + text.count)].elementsEqual(text) {
                advance(text.count)
                return .symbol(s, at: start)
            }
        }
        // One whole character, so the message shows it as written.
        var j = i + 1
        while j < end && bytes[j] & 0xC0 == 0x80 { j += 1 }
        let character = String(decoding: bytes[i..<j], as: UTF8.self)
        let code = character.unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true) } ?? "?"
        let isLetterLike = bytes[i] >= 0x80
        return invalid("unexpected character '\(character)' (\(code))", at: start,
                       hint: isLetterLike ? "names with characters other than ASCII letters, digits and _ are written in backquotes, e.g. `\(character)`" : nil)
    }

    /// Skips spaces and comments, recording hint comments. Returns an invalid token for a comment
    /// that is never closed.
    mutating func skipSpaceAndComments() -> SQLToken? {
        while let b = byte(at: i) {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
                || b == 0x0B || b == 0x0C {
                advance()
            } else if b == UInt8(ascii: "-") && byte(at: i + 1) == UInt8(ascii: "-") {
                while let c = byte(at: i), c != UInt8(ascii: "\n") { advance() }
            } else if b == UInt8(ascii: "/") && byte(at: i + 1) == UInt8(ascii: "*") {
                if let error = skipBlockComment() { return error }
            } else {
                break
            }
        }
        return nil
    }

    /// Skips a `/* … */` comment, nested ones included.
    mutating func skipBlockComment() -> SQLToken? {
        let start = here
        let isHint = byte(at: i + 2) == UInt8(ascii: "+")
        advance(isHint ? 3 : 2)
        let contentStart = here
        var depth = 1
        while let b = byte(at: i) {
            if b == UInt8(ascii: "*") && byte(at: i + 1) == UInt8(ascii: "/") {
                depth -= 1
                if depth == 0 {
                    if isHint { hintComments.append(SQLHintComment(range: contentStart.offset..<i, position: contentStart)) }
                    advance(2)
                    return nil
                }
                advance(2)
            } else if b == UInt8(ascii: "/") && byte(at: i + 1) == UInt8(ascii: "*") {
                depth += 1
                advance(2)
            } else {
                advance()
            }
        }
        return invalid("the comment opened here is never closed", at: start,
                       hint: "close it with */ (comments nest: each /* needs its own */)")
    }

    /// An invalid token from `start` to the end of the input: lexing stops at it.
    mutating func invalid(_ message: String, at start: SQLPosition, hint: String? = nil) -> SQLToken {
        var token = SQLToken(.invalid, message, at: start, end: start.offset + 1)
        token.hint = hint
        return token
    }
}
