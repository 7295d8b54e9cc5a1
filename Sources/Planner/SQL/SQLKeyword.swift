// SQLKeyword: the words the SQL parser gives a meaning, and which of them cannot name a column,
// table or alias without backquotes. Spark's default (non-ANSI) mode lets most keywords be
// identifiers; the reserved ones here are those that would make a statement ambiguous.

@_spi(EmberInternal) public enum SQLKeyword: String, Sendable, Hashable, CaseIterable {
    case ALL, AND, ANTI, AS, ASC, BETWEEN, BOTH, BY
    case CACHE, CASE, CAST, CLEAR, CLUSTER, CODEGEN, COST, CREATE, CROSS, CURRENT
    case CURRENT_DATE, CURRENT_TIMESTAMP
    case DATE, DESC, DESCRIBE, DISTINCT, DISTRIBUTE, DIV, DROP
    case ELSE, END, ESCAPE, EXCEPT, EXISTS, EXPLAIN, EXTENDED, EXTRACT
    case FALSE, FILTER, FIRST, FOLLOWING, FOR, FORMATTED, FROM, FULL
    case GLOBAL, GROUP, HAVING, IF, IGNORE, ILIKE, IN, INNER, INTERSECT, INTERVAL, IS
    case JOIN, LAST, LATERAL, LAZY, LEADING, LEFT, LIKE, LIMIT, LOGICAL
    case MINUS, NATURAL, NOT, NULL, NULLS
    case OFFSET, ON, OPTIONS, OR, ORDER, OUTER, OVER
    case PARTITION, POSITION, PRECEDING, QUERY
    case RANGE, REGEXP, REPLACE, RESET, RESPECT, RIGHT, RLIKE, ROW, ROWS
    case SELECT, SEMI, SET, SHOW, SORT, SUBSTR, SUBSTRING
    case TABLE, TABLES, TEMP, TEMPORARY, THEN, TIMESTAMP, TIMESTAMP_LTZ, TIMESTAMP_NTZ, TO, TRAILING, TRIM
    case TRUE, TRY_CAST
    case UNBOUNDED, UNCACHE, UNION, UNKNOWN, USING, VALUES, VIEW, WHEN, WHERE, WINDOW, WITH

    private static let byName: [String: SQLKeyword] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The keyword a word spells, in any case (`select`, `Select`, `SELECT`).
    static func named(_ word: String) -> SQLKeyword? {
        // Keywords are ASCII: upper-case ASCII only, without allocating for words that cannot match.
        guard word.utf8.count <= 17 else { return nil }
        var upper = ""
        upper.reserveCapacity(word.utf8.count)
        for b in word.utf8 {
            upper.unicodeScalars.append(Unicode.Scalar(b >= 0x61 && b <= 0x7A ? b - 0x20 : b))
        }
        return byName[upper]
    }

    /// Keywords that never name a column, table, function or alias unless backquoted: they start or
    /// join clauses, so reading them as names would make statements ambiguous.
    static let reserved: Set<SQLKeyword> = [
        .ALL, .AND, .ANTI, .AS, .BETWEEN, .BY, .CASE, .CROSS, .DISTINCT, .ELSE, .END, .EXCEPT, .EXISTS,
        .FROM, .FULL, .GROUP, .HAVING, .IN, .INNER, .INTERSECT, .IS, .JOIN, .LATERAL, .LEFT, .MINUS,
        .NATURAL, .NOT, .ON, .OR, .ORDER, .RIGHT, .SELECT, .SEMI, .THEN, .UNION, .USING, .WHEN, .WHERE, .WITH,
    ]

    /// Keywords that may follow a select item or a table without `AS`, so they are not taken as an
    /// alias written without `AS` (`FROM t LIMIT 5` limits `t`, it does not alias it `LIMIT`).
    static let notImplicitAlias: Set<SQLKeyword> = reserved.union([
        .LIMIT, .OFFSET, .WINDOW, .SORT, .CLUSTER, .DISTRIBUTE, .OUTER, .OVER, .FILTER, .ESCAPE,
        .LIKE, .ILIKE, .RLIKE, .REGEXP, .FOR, .TO,
    ])

    /// Keywords a value follows, besides the reserved ones (`LIMIT .5` is not a qualified name).
    static let beforeValues: Set<SQLKeyword> = [.DIV, .LIMIT, .OFFSET, .INTERVAL, .LIKE, .ILIKE, .RLIKE, .REGEXP, .ESCAPE]

    /// Reserved keywords that are also the names of Spark functions (`left(s, 3)`).
    static let callable: Set<SQLKeyword> = [.LEFT, .RIGHT]
}
