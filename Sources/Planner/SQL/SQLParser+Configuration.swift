// SET and RESET, read as Spark reads them: the text after the keyword up to the end of the statement
// (a `;` outside quotes and comments) is raw, not tokens, so `SET spark.sql.shuffle.partitions=8`
// and `SET k=any text` work without quoting. `SET` lists the settings, `SET -v` all of them with
// their meaning, `SET key` shows one, `SET key=value` changes it; backquotes may enclose the key
// or the value (`` SET `my key`=`a;b` ``).

extension SQLParser {
    /// The command and the end of its text.
    mutating func parseConfigurationCommand() throws -> (SQLStatement.Kind, end: Int) {
        let keyword = advance()
        // The raw text: from after the keyword to the first `;` outside quotes and comments.
        var scanner = SQLScriptSplitter.Scanner(bytes: source.bytes, end: range.upperBound)
        scanner.here = keyword.position
        for b in source.bytes[keyword.position.offset..<keyword.endOffset] { scanner.here.advance(over: b) }
        let rawStart = scanner.here
        var rawEnd = scanner.here
        scan: while true {
            switch scanner.next() {
            case .semicolon(let at): rawEnd = at; break scan
            case .end: rawEnd = scanner.here; break scan
            case .content, .space: continue
            }
        }
        // What follows (`;` and the end, for a single statement) is lexed afresh.
        (tokens, hintComments) = SQLLexer.tokenize(source, rawEnd.offset..<range.upperBound, from: rawEnd)
        index = 0
        expectedAt = -1
        let raw = source.slice(rawStart.offset..<rawEnd.offset)
        let text = raw.trimmingSpaces
        let textStart = source.position(at: rawStart.offset + (raw.utf8.count - raw.drop(while: \.isWhitespace).utf8.count))
        // The statement's text ends with its last non-space character.
        let end = rawStart.offset + String(raw.reversed().drop(while: \.isWhitespace)).utf8.count
        return (try configurationCommand(keyword.keyword == .RESET, text, at: textStart), max(end, keyword.endOffset))
    }

    func configurationCommand(_ isReset: Bool, _ text: String, at textStart: SQLPosition) throws -> SQLStatement.Kind {
        if isReset { return .reset(key: text.isEmpty ? nil : try configurationKey(text, at: textStart)) }
        if text.isEmpty { return .set(.list(verbose: false)) }
        if text == "-v" { return .set(.list(verbose: true)) }
        let (keyText, rest) = Self.splitKey(text)
        let key = try configurationKey(keyText, at: textStart)
        guard let rest else { return .set(.get(key: key)) }
        return .set(.assign(key: key, value: Self.unquoteBackticks(rest.trimmingSpaces)))
    }

    /// The key part and, after an `=`, the value part of `key=value`; a backquoted key may hold `=`.
    static func splitKey(_ text: String) -> (key: String, value: String?) {
        var inQuotes = false
        for (k, c) in zip(text.indices, text) {
            if c == "`" { inQuotes.toggle() }
            if c == "=" && !inQuotes {
                return (String(text[..<k]).trimmingSpaces, String(text[text.index(after: k)...]))
            }
        }
        return (text, nil)
    }

    /// A key as Spark accepts it: letters, digits, `_`, `.`, `:`, `\` and spaces, or anything in backquotes.
    func configurationKey(_ text: String, at position: SQLPosition) throws -> String {
        if text.hasPrefix("`") && text.hasSuffix("`") && text.count >= 2 { return Self.unquoteBackticks(text) }
        let allowed = text.unicodeScalars.allSatisfy { s in
            s.isASCII && (SQLLexer.isWordByte(UInt8(s.value)) || ".:\\ ".unicodeScalars.contains(s))
        }
        guard allowed && !text.isEmpty else {
            throw syntaxError("'\(Self.clip(text))' is not a configuration key; expected SET, SET key or SET key=value", at: position,
                              hint: "write a key with other characters in backquotes: SET `my-key`=value")
        }
        return text
    }

    static func unquoteBackticks(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("`"), text.hasSuffix("`") else { return text }
        return String(text.dropFirst().dropLast()).replacing("``", with: "`")
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String { trimming(" \t\n\u{0B}\u{0C}\r\r\n") }
}
