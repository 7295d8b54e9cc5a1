// The SQL syntax tree: what SQLParser produces from Spark SQL text, before any name is resolved.
// A translator maps it to LogicalPlan and Expression; every node carries the SQLPosition where its
// text starts, so the translator can report an unknown table or column at the right line and
// column (see SQLParser.error(_:at:hint:)). All nodes are Sendable value types.
//
//   SQLStatement ── .query(SQLQuery) | .createView | .dropView | .showTables | .describe
//                   | .explain(mode, SQLStatement) | .set | .reset | .cacheTable | .uncacheTable | .clearCache
//
//   SQLQuery ─────── ctes: [SQLCommonTableExpression]     WITH name (cols) AS (query), …
//                    body: SQLQueryBody                    the SELECTs and set operations
//                    orderBy, sortBy, distributeBy, limit, offset: apply to the whole body
//
//   SQLQueryBody ─── .select(SQLSelect)
//                    .setOperation(SQLSetOperator, all: Bool, left, right)   INTERSECT binds tighter
//                    .nested(SQLQuery)      a parenthesised query with its own ORDER BY / LIMIT
//                    .values([[SQLExpression]])    .table(SQLName)   (`TABLE t` is SELECT * FROM t)
//
//   SQLSelect ────── hints, distinct, items: [SQLSelectItem], from: [SQLRelation] (comma-separated:
//                    a cross join), whereClause, groupBy: SQLGroupBy?, having, windows
//
//   SQLRelation ──── .table(SQLName) | .file(format, path) | .subquery(SQLQuery)
//                    | .join(SQLJoin) | .tableFunction(SQLName, args) | .values(rows), + alias (cols)
//
//   SQLExpression ── .column(SQLName) | .star(qualifier) | .literal | .unary | .binary | .isNull
//                    | .between | .inList | .inSubquery | .like | .exists | .scalarSubquery | .caseWhen
//                    | .cast | .function(SQLFunctionCall: name, args, distinct, filter, window) | …
//
// So `SELECT a, count(*) AS n FROM t JOIN u USING (k) WHERE b > 1 GROUP BY a ORDER BY n DESC LIMIT 5`
// is a .query whose body is .select(SQLSelect(items: [a, count(*) AS n], from: [.join(t, u, inner,
// using [k])], where: b > 1, groupBy: [a])) with orderBy [n DESC] and limit 5 on the SQLQuery.
//
// Names keep their spelling; keywords are matched in any case. An unquoted name is
// case-insensitive, as everything in Spark by default (`spark.sql.caseSensitive=false`).

/// A name as written: unquoted (`orders`) or backquoted (`` `my col` ``).
@_spi(EmberInternal) public struct SQLIdentifier: Sendable, Hashable {
    @_spi(EmberInternal) public var name: String
    @_spi(EmberInternal) public var quoted: Bool
    @_spi(EmberInternal) public var position: SQLPosition
    @_spi(EmberInternal) public init(_ name: String, quoted: Bool = false, at position: SQLPosition) {
        self.name = name
        self.quoted = quoted
        self.position = position
    }
}

/// A dotted name: `t`, `db.t`, `t.c`, `` `csv`.`/data/x.csv` ``.
@_spi(EmberInternal) public struct SQLName: Sendable, Hashable {
    @_spi(EmberInternal) public var parts: [SQLIdentifier]
    @_spi(EmberInternal) public init(_ parts: [SQLIdentifier]) { self.parts = parts }
    @_spi(EmberInternal) public var position: SQLPosition { parts.first?.position ?? .start }
    /// The last part: a table's or column's own name.
    @_spi(EmberInternal) public var last: String { parts.last?.name ?? "" }
    /// The parts joined by dots, as written without quotes.
    @_spi(EmberInternal) public var dotted: String { parts.map(\.name).joined(separator: ".") }
}

@_spi(EmberInternal) public struct SQLStatement: Sendable {
    @_spi(EmberInternal) public indirect enum Kind: Sendable {
        case query(SQLQuery)
        case createView(SQLCreateView)
        case dropView(name: SQLName, ifExists: Bool)
        /// `SHOW TABLES [IN|FROM db] [[LIKE] 'pattern']`.
        case showTables(database: SQLName?, pattern: String?)
        /// `DESCRIBE|DESC [TABLE] [EXTENDED|FORMATTED] name` or `DESCRIBE [QUERY] SELECT …`.
        case describe(SQLDescribeTarget, extended: Bool)
        case explain(SQLExplainMode, SQLStatement)
        case set(SQLSetCommand)
        /// `RESET` (nil: every key) or `RESET key`.
        case reset(key: String?)
        /// `CACHE [LAZY] TABLE name [OPTIONS (…)] [[AS] query]`.
        case cacheTable(name: SQLName, lazy: Bool, options: [SQLOption], query: SQLQuery?)
        case uncacheTable(name: SQLName, ifExists: Bool)
        case clearCache
    }
    @_spi(EmberInternal) public var kind: Kind
    @_spi(EmberInternal) public var position: SQLPosition
    /// The statement's text (without a trailing `;`).
    @_spi(EmberInternal) public var text: String
}

/// `CREATE [OR REPLACE] [GLOBAL] TEMPORARY VIEW [IF NOT EXISTS] name [(cols)] (USING … | AS query)`.
@_spi(EmberInternal) public struct SQLCreateView: Sendable {
    @_spi(EmberInternal) public enum Source: Sendable {
        /// `USING format [OPTIONS (key 'value', …)]`: a view over files.
        case dataSource(format: SQLIdentifier, options: [SQLOption])
        /// `AS query`.
        case query(SQLQuery)
    }
    @_spi(EmberInternal) public var name: SQLName
    @_spi(EmberInternal) public var orReplace: Bool
    @_spi(EmberInternal) public var temporary: Bool
    @_spi(EmberInternal) public var global: Bool
    @_spi(EmberInternal) public var ifNotExists: Bool
    /// The column list: names for `AS query` (renaming its columns), names with types for `USING`.
    @_spi(EmberInternal) public var columns: [SQLColumnDefinition]
    @_spi(EmberInternal) public var source: Source
    @_spi(EmberInternal) public var position: SQLPosition
}

/// A column of a view's column list: `name [type]`.
@_spi(EmberInternal) public struct SQLColumnDefinition: Sendable {
    @_spi(EmberInternal) public var name: SQLIdentifier
    @_spi(EmberInternal) public var type: SQLDataType?
}

/// One `key value` of an OPTIONS list. Dotted keys are joined (`spark.sql.x`); values are the text of
/// the literal (`'true'` and `true` both give "true").
@_spi(EmberInternal) public struct SQLOption: Sendable, Hashable {
    @_spi(EmberInternal) public var key: String
    @_spi(EmberInternal) public var value: String
    @_spi(EmberInternal) public var position: SQLPosition
}

@_spi(EmberInternal) public enum SQLDescribeTarget: Sendable {
    case table(SQLName)
    case query(SQLQuery)
}

/// `EXPLAIN [EXTENDED | FORMATTED | CODEGEN | COST | LOGICAL]`; plain EXPLAIN is `.simple`.
@_spi(EmberInternal) public enum SQLExplainMode: String, Sendable, Hashable {
    case simple, extended, formatted, codegen, cost, logical
}

/// `SET`, `SET -v`, `SET key`, `SET key=value`. The value is the raw text up to the end of the
/// statement, trimmed, as Spark takes it (backquotes around the key or value are removed).
@_spi(EmberInternal) public enum SQLSetCommand: Sendable, Hashable {
    case list(verbose: Bool)
    case get(key: String)
    case assign(key: String, value: String)
}
