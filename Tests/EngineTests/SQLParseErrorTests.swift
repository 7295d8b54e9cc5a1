// Parse errors a person can act on: the line and column, the line of the query with a caret under
// the offending token, what was expected there, "did you mean" for a misspelt keyword; unclosed
// strings, comments and parentheses named where they open; too deep or too large input refused.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct SQLParseErrorTests {
    /// The quoted line and the caret line of an error's message.
    func snippet(_ error: EmberError?) -> (line: String, caret: String)? {
        guard let lines = error?.message.split(separator: "\n", omittingEmptySubsequences: false), lines.count == 3 else { return nil }
        return (String(lines[1]), String(lines[2]))
    }

    @Test func aMisspeltKeywordIsPointedAtWithWhatWasExpected() throws {
        let error = try #require(sqlError("SELECT a FORM t"))
        #expect(error.code == .parse)
        #expect(error.message == """
            syntax error at line 1, column 10: expected ',', FROM, WHERE, GROUP BY, HAVING, INTERSECT, UNION, EXCEPT, \
            ORDER BY, LIMIT, OFFSET or end of input, found 'FORM'
              SELECT a FORM t
                       ^^^^
            """)
        #expect(error.hint == "did you mean FROM?")
        #expect(error.context("line") == "1")
        #expect(error.context("column") == "10")
        #expect(error.description.hasPrefix("[PARSE] syntax error at line 1, column 10"))
    }

    @Test func didYouMeanForKeywordsInEveryPosition() {
        let cases: [(String, String, String)] = [
            ("SELEC 1", "SELECT", "SELEC"),
            ("SELECT * FROM t WHER a = 1", "WHERE", "WHER"),
            ("SELECT * FROM t WHERE a = 1 GRUOP BY a", "GROUP BY", "GRUOP"),
            ("SELECT * FROM t ORDR BY a", "ORDER BY", "ORDR"),
            ("SELECT * FROM t JION u ON t.a = u.a", "JOIN", "JION"),
            ("SELECT * FROM t LEFT JION u ON t.a = u.a", "JOIN", "JION"),
            ("SELECT a FROM t UNOIN SELECT 1", "UNION", "UNOIN"),
            ("SELECT CAST(a AS integr) FROM t", "INTEGER", "integr"),
            ("CREATE TEMPORARY VEIW v AS SELECT 1", "VIEW", "VEIW"),
        ]
        for (sql, keyword, found) in cases {
            let error = sqlError(sql)
            #expect(error?.hint == "did you mean \(keyword)?", "\(sql)")
            // The caret is under the misspelt word.
            let column = sql.distance(from: sql.startIndex, to: sql.range(of: found)!.lowerBound) + 1
            #expect(error?.context("column") == String(column), "\(sql)")
            #expect(snippet(error)?.caret == String(repeating: " ", count: column + 1) + String(repeating: "^", count: found.count), "\(sql)")
        }
    }

    @Test func theCaretIsOnTheOffendingLineOfAMultiLineQuery() throws {
        let sql = "SELECT a,\n\tb\nFROM t\nWHERE a = = 1"
        let error = try #require(sqlError(sql))
        #expect(error.message.hasPrefix("syntax error at line 4, column 11: expected an expression, found '='"))
        #expect(snippet(error)?.line == "  WHERE a = = 1")
        #expect(snippet(error)?.caret == "            ^")
        // A tab before the token is kept in the caret line, so the caret stays under it.
        let tabbed = try #require(sqlError("SELECT\ta\tFORM t"))
        #expect(snippet(tabbed)?.caret == "  " + "      \t \t^^^^")
        // In a script, lines count from the start of the script.
        let scriptError = #expect(throws: EmberError.self) { try SQLParser.parseScript("SELECT 1;\n\nSELECT 2 +;") }
        #expect(scriptError?.context("line") == "3")
        #expect(scriptError?.context("column") == "11")
    }

    @Test func unclosedThingsAreNamedWhereTheyOpen() throws {
        let string = try #require(sqlError("SELECT a\nFROM t\nWHERE b = 'abc\n  AND c = 1"))
        #expect(string.message.hasPrefix("syntax error at line 3, column 11: the string literal opened here is never closed"))
        #expect(snippet(string)?.caret == "            ^")
        let comment = try #require(sqlError("SELECT 1 /* a /* nested */ b"))
        #expect(comment.message.hasPrefix("syntax error at line 1, column 10: the comment opened here is never closed"))
        #expect(comment.hint?.contains("comments nest") == true)
        let name = try #require(sqlError("SELECT `a b FROM t"))
        #expect(name.message.hasPrefix("syntax error at line 1, column 8: the quoted identifier opened here is never closed"))
        let paren = try #require(sqlError("SELECT count(a\nFROM t"))
        #expect(paren.message.hasPrefix("syntax error at line 2, column 1: expected ',' or ')' to close the '(' at line 1, column 13, found 'FROM'"))
        let atEnd = try #require(sqlError("SELECT (1 + 2"))
        #expect(atEnd.message.hasPrefix("syntax error at line 1, column 14: expected ')' to close the '(' at line 1, column 8, found end of input"))
        #expect(snippet(atEnd)?.caret == String(repeating: " ", count: 15) + "^")
    }

    @Test func errorsSayWhatToDo() {
        let cases: [(String, String, String?)] = [
            ("SELECT * FROM select", "expected '(', VALUES or a table name, found 'select'",
             "SELECT is a keyword: write `select` in backquotes to use it as a name"),
            ("SELECT a, FROM t", "expected an expression, found 'FROM'", "the ',' before FROM starts another item: remove it, or write the item"),
            ("SELECT a FROM t ORDER BY a UNION SELECT 1", "UNION cannot follow ORDER BY, SORT BY, LIMIT or OFFSET",
             "these clauses apply to the whole set operation and go at its end; to order or limit one side, put it in parentheses"),
            ("SELECT 300Y", "the TINYINT literal 300Y is out of range [-128, 127]", "use a wider type, e.g. the suffix L for BIGINT or BD for DECIMAL"),
            ("SELECT DATE '2021-02-30'", "'2021-02-30' is not a valid DATE literal", "write a date as yyyy-mm-dd, e.g. DATE '2024-01-31'"),
            ("SELECT INTERVAL 1 YEAR 2 DAYS", "an interval cannot mix YEAR or MONTH with DAY, HOUR, MINUTE or SECOND; add two intervals instead", nil),
            ("SELECT INTERVAL 3 FORTNIGHTS", "expected an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND), found 'FORTNIGHTS'", nil),
            ("SELECT INTERVAL '1:2' YEAR TO MONTH", "'1:2' is not an interval YEAR TO MONTH", "e.g. INTERVAL '1-2' YEAR TO MONTH"),
            ("SELECT INTERVAL 1.5 DAYS", "'1.5' is not a valid amount of days (it must be a whole number)", nil),
            ("SELECT CAST(a AS decimal(40, 2))", "decimal(40, 2) is not a valid type: the precision is 1 to 38 and the scale at most the precision", nil),
            ("SELECT a LIKE 'x' ESCAPE 'ab'", "the ESCAPE string must be one character, found 'ab'", nil),
            ("SELECT a IS NULL IS NULL", "expected ',', FROM, WHERE, GROUP BY, HAVING, INTERSECT, UNION, EXCEPT, ORDER BY, LIMIT, OFFSET or end of input, found 'IS'", nil),
            ("SELECT a = NOT b", "expected an expression, found 'NOT'", "NOT is a keyword: write `NOT` in backquotes to use it as a name"),
            ("SELECT a FROM t GROUP a", "expected BY, found 'a'", nil),
            ("SELECT * FROM a NATURAL CROSS JOIN b", "NATURAL and CROSS cannot be combined: a natural join matches equal columns, a cross join every pair",
             "write NATURAL JOIN, or CROSS JOIN"),
            ("SELECT 1; SELECT 2", "expected end of input, found 'SELECT'", "this takes one statement: run the statements of a script one by one"),
            ("CREATE TABLE t USING csv", "expected OR, GLOBAL, TEMPORARY, TEMP or VIEW, found 'TABLE'",
             "Ember keeps no tables, only temporary views: CREATE TEMPORARY VIEW name USING csv OPTIONS (path '…')"),
            ("DROP TABLE t", "expected VIEW, found 'TABLE'",
             "Ember keeps no tables, only temporary views: CREATE TEMPORARY VIEW name USING csv OPTIONS (path '…')"),
            ("", "expected SELECT, WITH, VALUES, CREATE, DROP, SHOW, DESCRIBE, EXPLAIN, SET, RESET, CACHE or UNCACHE, found end of input", nil),
        ]
        for (sql, detail, hint) in cases {
            let error = sqlError(sql)
            #expect(error?.code == .parse, "\(sql)")
            let headline = error?.message.split(separator: "\n").first.map(String.init) ?? ""
            #expect(headline.hasSuffix(": " + detail), "\(sql): \(headline)")
            #expect(error?.hint == hint, "\(sql)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let fine = "SELECT " + String(repeating: "(", count: 990) + "1" + String(repeating: ")", count: 990)
        #expect(try SQLParser.parseStatement(fine).description.contains("1"))
        let inputs = [
            "SELECT " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "SELECT " + String(repeating: "NOT ", count: 5000) + "1",
            "SELECT " + String(repeating: "- ", count: 5000) + "1",
            "SELECT " + Array(repeating: "1", count: 5000).joined(separator: " + "),
            "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: 3000) + "t",
            String(repeating: "SELECT 1 UNION ", count: 3000) + "SELECT 1",
            "SELECT CAST(a AS " + String(repeating: "array<", count: 3000) + "int",
            "SELECT * FROM t" + String(repeating: " JOIN t", count: 3000),
        ]
        for sql in inputs {
            let error = sqlError(sql)
            #expect(error?.message.contains("the statement nests more than 1000 levels deep") == true, "\(sql.prefix(40))")
            #expect(error?.context("line") == "1")
            let column = Int(error?.context("column") ?? "") ?? 0
            #expect(column >= 1 && column <= sql.count, "\(sql.prefix(40))")
            // The quoted line is a window of the long line, and the caret stays under the token.
            if let (line, caret) = snippet(error) {
                #expect(line.count <= 110)
                #expect(caret.hasSuffix("^"))
            }
        }
    }

    @Test func tooLargeATextIsRefusedUpFront() {
        let huge = "SELECT '" + String(repeating: "x", count: SQLSource.maxBytes) + "'"
        let error = sqlError(huge)
        #expect(error?.code == .parse)
        #expect(error?.message == "the SQL text is \(huge.utf8.count) bytes; the limit is 16777216 bytes (16 MiB)")
    }

    @Test func aLongLineIsShownAsAWindowAroundTheError() throws {
        let sql = "SELECT " + (0..<100).map { "column_\($0)" }.joined(separator: ", ") + " FORM t"
        let error = try #require(sqlError(sql))
        let (line, caret) = try #require(snippet(error))
        #expect(line.hasPrefix("  …") && line.contains("FORM t"))
        let caretColumn = caret.distance(from: caret.startIndex, to: caret.firstIndex(of: "^")!)
        let lineColumn = line.distance(from: line.startIndex, to: line.range(of: "FORM")!.lowerBound)
        #expect(caretColumn == lineColumn)
    }

    @Test func controlCharactersInTheQueryAreEscapedInTheError() throws {
        let error = try #require(sqlError("SELECT '\u{1B}[31m' FORM t"))
        #expect(!error.description.contains("\u{1B}"))
        let (line, caret) = try #require(snippet(error))
        #expect(line == "  SELECT '\\x1B[31m' FORM t")
        // The caret follows the escaped text.
        #expect(caret == String(repeating: " ", count: 20) + "^^^^")
    }

    @Test func aTranslatorReportsAtANodesPositionTheSameWay() throws {
        let sql = "SELECT amout\nFROM t"
        let select = try sqlSelect(sql)
        let item = select.items[0].expression
        let error = SQLSource(sql).error(.analysis, "a column with name `amout` cannot be resolved at \(item.position)",
                                         at: item.position, width: 5, hint: "did you mean `amount`?")
        #expect(error.message == "a column with name `amout` cannot be resolved at line 1, column 8\n  SELECT amout\n         ^^^^^")
        #expect(error.context("line") == "1" && error.context("column") == "8")
    }
}
