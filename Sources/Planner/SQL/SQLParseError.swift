// Errors a person can act on, pointing into the SQL text: the message names the line and column,
// then shows that line with a caret under the offending token:
//
//   [PARSE] syntax error at line 1, column 10: expected ',', FROM, WHERE, …, found 'FORM'
//     SELECT a FORM t
//              ^^^^ (line: 1, column: 10)
//     hint: did you mean FROM?
//
// "Did you mean" compares a misspelt word with the keywords expected there (edit distance with
// transpositions, so FORM is one edit from FROM). A translator reports unknown names the same way
// with SQLSource.error(_:_:at:width:hint:).

extension SQLSource {
    /// An error whose message is `headline` followed by the line at `position` with a caret under
    /// `width` characters; context gives the line and column.
    @_spi(EmberInternal) public func error(_ code: ErrorCode, _ headline: String, at position: SQLPosition,
                                           width: Int = 1, hint: String? = nil) -> EmberError {
        // The headline is one line, even when it quotes text with line breaks.
        let oneLine = headline.replacing("\r", with: "\\r").replacing("\n", with: "\\n").replacing("\t", with: "\\t")
        return EmberError(code, oneLine + "\n" + snippet(at: position, width: width),
                   context: [.init("line", String(position.line)), .init("column", String(position.column))], hint: hint)
    }

    /// Two lines: the source line at `position` (a window of it when long) and a caret line.
    func snippet(at position: SQLPosition, width: Int) -> String {
        let line = Array(slice(lineRange(at: position.offset)).unicodeScalars)
        var first = 0, last = line.count
        let column = min(max(position.column - 1, 0), line.count)
        let window = 100
        if line.count > window {
            first = max(0, min(column - window / 2, line.count - window))
            last = min(line.count, first + window)
        }
        var text = first > 0 ? "…" : "", caret = first > 0 ? " " : ""
        for k in first..<last {
            let shown = String(line[k]).escapingControlCharacters
            text += shown
            if k < column { caret += line[k] == "\t" ? "\t" : String(repeating: " ", count: shown.count) }
        }
        if last < line.count { text += "…" }
        let marks = max(1, min(width, last - column))
        return "  " + text + "\n  " + caret + String(repeating: "^", count: marks)
    }
}

extension SQLParser {
    /// A syntax error at a token.
    func syntaxError(_ detail: String, at token: SQLToken, hint: String? = nil) -> EmberError {
        let (position, width) = place(token)
        return source.error(.parse, "syntax error at \(position): \(detail)", at: position, width: width, hint: hint)
    }

    /// A syntax error at a node's position.
    @_spi(EmberInternal) public func syntaxError(_ detail: String, at position: SQLPosition, hint: String? = nil) -> EmberError {
        source.error(.parse, "syntax error at \(position): \(detail)", at: position, hint: hint)
    }

    /// Where to point for a token, and how many characters wide. The end of the input is shown
    /// just after the last token, not on an empty last line.
    func place(_ token: SQLToken) -> (SQLPosition, Int) {
        if token.kind == .end, let last = tokens.last(where: { $0.kind != .end }) {
            var p = last.position
            for b in source.bytes[last.position.offset..<last.endOffset] { p.advance(over: b) }
            return (p, 1)
        }
        let bytes = source.bytes[token.position.offset..<min(token.endOffset, source.bytes.count)]
        return (token.position, max(1, bytes.filter { $0 & 0xC0 != 0x80 }.count))
    }

    /// The error for the current token: what was expected here, what was found, and a keyword
    /// the found word may be a misspelling of. `note` follows the expected list.
    func unexpected(note: String? = nil, hint: String? = nil) -> EmberError {
        let labels = expectedAt == index ? expected : []
        var token = current, suggestion: String?
        if index > 0, implicitAliases.contains(index - 1), tokens[index - 1].kind == .word,
           let keyword = Self.closestKeyword(to: tokens[index - 1].text, in: labels) {
            // `SELECT a FORM t`: FORM was read as an alias of a; the misspelling is the error.
            token = tokens[index - 1]
            suggestion = keyword
        } else if token.kind == .word {
            suggestion = Self.closestKeyword(to: token.text, in: labels)
        }
        var detail = labels.isEmpty ? "" : "expected \(Self.list(labels))" + (note.map { " " + $0 } ?? "") + ", "
        detail += "found \(Self.describe(token))"
        return syntaxError(detail, at: token, hint: suggestion.map { "did you mean \($0)?" } ?? hint)
    }

    /// `A, B or C`, at most 16 of them.
    static func list(_ labels: [String]) -> String {
        let shown = labels.count > 16 ? Array(labels.prefix(15)) + ["…"] : labels
        guard shown.count > 1 else { return shown.first ?? "" }
        return shown.dropLast().joined(separator: ", ") + " or " + shown[shown.count - 1]
    }

    /// Text from the query as an error quotes it: at most 40 characters.
    static func clip(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }

    /// A token as the error quotes it.
    static func describe(_ token: SQLToken) -> String {
        switch token.kind {
        case .end: return "end of input"
        case .string: return "the string '\(clip(token.text))'"
        case .quotedIdentifier: return "`\(clip(token.text))`"
        case .word, .number, .symbol, .invalid: return "'\(clip(token.text))'"
        }
    }

    /// The expected keyword (or keyword pair, `GROUP BY`) a word is most likely a misspelling of.
    static func closestKeyword(to word: String, in labels: [String]) -> String? {
        let typed = Array(word.uppercased().unicodeScalars)
        guard typed.count >= 3 else { return nil }
        var best: (label: String, distance: Int)?
        for label in labels {
            guard let firstWord = label.split(separator: " ").first,
                  firstWord.allSatisfy({ $0.isUppercase || $0 == "_" }) else { continue }
            let keyword = Array(firstWord.unicodeScalars)
            let d = editDistance(typed, keyword)
            let allowed = keyword.count <= 4 ? 1 : 2
            if d > 0 && d <= allowed && d < (best?.distance ?? .max) { best = (label, d) }
        }
        return best?.label
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours each cost 1.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
