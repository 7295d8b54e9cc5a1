// SQLTranslator: turns the syntax tree of a SQL query into the LogicalPlan the DataFrame API would
// build for the same query, so SQL and DataFrame programs share the analyzer, optimizer and
// physical plans. Names are checked while translating, so an unknown table, column or function is
// reported at its line and column with a caret and "did you mean" (SQLSource.error). Tables come
// from an SQLTableSource (the session's views and file reader); CTEs shadow them.
//
// The work is split by concern: +Query (queries, SELECT, GROUP BY, HAVING, ORDER BY, set
// operations), +Relations (FROM and joins), +Expressions (expressions and functions), +Grouping
// (the checks and rewrites of aggregate queries).

/// Where a query's tables come from: temporary views and direct file queries (csv.`path`).
@_spi(EmberInternal) public protocol SQLTableSource: Sendable {
    /// The plan of a view (answering to its name as a qualifier), or nil when none has the name.
    func view(named name: String) -> LogicalPlan?
    /// The names of every view, for "did you mean".
    var viewNames: [String] { get }
    /// The plan reading `path` in `format` with Spark's defaults for direct file queries.
    func file(format: String, path: String) throws -> LogicalPlan
}

@_spi(EmberInternal) public struct SQLTranslator {
    let source: SQLSource
    let tables: any SQLTableSource
    /// CTEs visible here, by lowercased name.
    var ctes: [String: LogicalPlan] = [:]
    /// The input scopes of the queries around a subquery, innermost first: names a subquery lacks
    /// resolve there (correlation).
    var outerScopes: [Scope] = []

    @_spi(EmberInternal) public init(text: String, tables: any SQLTableSource) {
        self.source = SQLSource(text)
        self.tables = tables
    }

    /// The plan of a query.
    @_spi(EmberInternal) public func translate(_ query: SQLQuery) throws -> LogicalPlan {
        try SQLParserStack.run { try self.query(query) }
    }

    /// An error pointing at `position`, keeping the message and hint of `error`.
    func positioned(_ error: EmberError, at position: SQLPosition, width: Int = 1) -> EmberError {
        if error.context.contains(where: { $0.key == "line" }) { return error }
        return source.error(error.code, error.message, at: position, width: width, hint: error.hint)
    }

    /// Runs `body`, placing an error it throws at `position`.
    func at<T>(_ position: SQLPosition, width: Int = 1, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as EmberError { throw positioned(error, at: position, width: width) }
    }

    /// The columns a plan outputs and the qualifiers each answers to.
    func scope(of plan: LogicalPlan, at position: SQLPosition) throws -> Scope {
        try at(position) { try Analyzer.resolveScoped(plan).1 }
    }

    /// A translator for a subquery of a query whose input is `scope`.
    func nested(in scope: Scope?) -> SQLTranslator {
        var t = self
        if let scope { t.outerScopes.insert(scope, at: 0) }
        return t
    }
}
