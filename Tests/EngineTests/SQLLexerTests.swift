// The SQL lexer: Spark's tokens with their line, column and byte offset; keywords in any case;
// backquoted names; strings with Spark's escapes; numbers with their suffixes; nested comments;
// hint comments kept aside; and text it cannot read as one invalid token.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct SQLLexerTests {
    func tokens(_ sql: String) -> [SQLToken] {
        let source = SQLSource(sql)
        return SQLLexer.tokenize(source, 0..<source.bytes.count, from: .start).tokens
    }

    /// Kind and text of each token, the end token left out.
    func summary(_ sql: String) -> [String] {
        tokens(sql).dropLast().map { t in
            switch t.kind {
            case .word: return t.keyword.map { "kw:\($0.rawValue)" } ?? "id:\(t.text)"
            case .quotedIdentifier: return "qid:\(t.text)"
            case .string: return "str:\(t.text)"
            case .number: return "num:\(t.text)"
            case .symbol: return t.text
            case .invalid: return "invalid:\(t.text)"
            case .end: return "end"
            }
        }
    }

    @Test func keywordsInAnyCaseAndIdentifiersAsWritten() {
        #expect(summary("select Foo_1 FROM bar") == ["kw:SELECT", "id:Foo_1", "kw:FROM", "id:bar"])
        #expect(summary("SeLeCt x") == ["kw:SELECT", "id:x"])
        // A word that starts with digits is a name in Spark (`1st`), unless it is a number with a suffix.
        #expect(summary("1st 2x 10L 7Y") == ["id:1st", "id:2x", "num:10L", "num:7Y"])
    }

    @Test func everyTokenHasItsLineColumnAndOffset() {
        let ts = tokens("SELECT a,\n  `é x` +\t1\nFROM t")
        let places = ts.map { ($0.text, $0.position.line, $0.position.column, $0.position.offset) }
        #expect(places.map(\.0) == ["SELECT", "a", ",", "é x", "+", "1", "FROM", "t", ""])
        #expect(places.map(\.1) == [1, 1, 1, 2, 2, 2, 3, 3, 3])
        #expect(places.map(\.2) == [1, 8, 9, 3, 9, 11, 1, 6, 7])
        // Offsets count bytes: é is two bytes in UTF-8, so `+` is one byte further than its column says.
        #expect(places.map(\.3) == [0, 7, 8, 12, 19, 21, 23, 28, 29])
        #expect(ts[3].endOffset == 18)
    }

    @Test func backquotedIdentifiersUnescapeDoubledBackquotes() {
        #expect(summary("`a``b` `select` `` ") == ["qid:a`b", "qid:select", "qid:"])
        #expect(summary("csv.`/data/x y.csv`") == ["id:csv", ".", "qid:/data/x y.csv"])
        #expect(tokens("`select`")[0].keyword == nil)
    }

    @Test func stringsInSingleOrDoubleQuotesWithSparkEscapes() {
        #expect(summary(#"'it\'s' "say \"hi\"" 'a' 'b'"#) == ["str:it's", "str:say \"hi\"", "str:a", "str:b"])
        #expect(summary(#"'\n\t\r\b\0\Z\\'"#) == ["str:\n\t\r\u{8}\u{0}\u{1A}\\"])
        // \% and \_ keep their backslash (for LIKE); \uXXXX and octal \ooo are characters; others drop the \.
        #expect(summary(#"'\%\_\u00e9\101\q'"#) == [#"str:\%\_éAq"#])
        // r'…' is raw: no escapes.
        #expect(summary(#"r'C:\new' R"\d+""#) == [#"str:C:\new"#, #"str:\d+"#])
        // A doubled quote is not an escape in Spark: 'it''s' is two adjacent strings.
        #expect(summary("'it''s'") == ["str:it", "str:s"])
    }

    @Test func numbersKeepTheirTextAndSuffix() {
        #expect(summary("1 1.5 .5 5. 1e3 1.5E-3 2.5BD 3d 4F 10L 7S 7Y 12bd") ==
            ["num:1", "num:1.5", "num:.5", "num:5.", "num:1e3", "num:1.5E-3", "num:2.5BD", "num:3d", "num:4F",
             "num:10L", "num:7S", "num:7Y", "num:12bd"])
        // After a name, a dot qualifies: t.5 is not t followed by .5.
        #expect(summary("t.c f(x).y") == ["id:t", ".", "id:c", "id:f", "(", "id:x", ")", ".", "id:y"])
        #expect(summary("1.5x").first?.hasPrefix("invalid:'1.5x' is not a number") == true)
    }

    @Test func everyOperator() {
        let ops = "= == <> != < <= > >= <=> + - * / % || & | ^ ~ ! :: ( ) [ ] , . ;"
        #expect(summary(ops) == ops.split(separator: " ").map(String.init))
        #expect(summary("a<=>b||c::int") == ["id:a", "<=>", "id:b", "||", "id:c", "::", "id:int"])
    }

    @Test func commentsNestAndHintsAreKeptAside() {
        #expect(summary("a -- comment ; 'x\nb /* one /* two */ still */ c") == ["id:a", "id:b", "id:c"])
        let source = SQLSource("SELECT /*+ BROADCAST(t) */ * FROM t")
        let (ts, hints) = SQLLexer.tokenize(source, 0..<source.bytes.count, from: .start)
        #expect(ts.map(\.text) == ["SELECT", "*", "FROM", "t", ""])
        #expect(hints.count == 1)
        #expect(hints.first.map { source.slice($0.range) } == " BROADCAST(t) ")
        #expect(hints.first?.position.column == 11)
    }

    @Test func unreadableTextIsOneInvalidTokenWhereItStarts() {
        for (sql, message, column) in [
            ("SELECT 'abc", "the string literal opened here is never closed", 8),
            ("SELECT `abc", "the quoted identifier opened here is never closed", 8),
            ("SELECT 1 /* a /* b */", "the comment opened here is never closed", 10),
            ("SELECT a $ b", "unexpected character '$' (U+24)", 10),
            ("SELECT café", "unexpected character 'é' (U+E9)", 11),
        ] {
            let ts = tokens(sql)
            let bad = ts.first { $0.kind == .invalid }
            #expect(bad?.text == message, "\(sql)")
            #expect(bad?.position.column == column, "\(sql)")
            #expect(ts.last?.kind == .end)
        }
        #expect(tokens("SELECT café").first { $0.kind == .invalid }?.hint?.contains("backquotes") == true)
    }
}
