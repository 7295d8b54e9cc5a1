// SQLStatementRunner: runs the statements of `session.sql` that are not queries, with Spark's
// result columns: CREATE [OR REPLACE] TEMPORARY VIEW (AS query | USING csv|text OPTIONS (…)),
// DROP VIEW, SHOW TABLES (namespace, tableName, isTemporary), DESCRIBE (col_name, data_type,
// comment), EXPLAIN [EXTENDED] (plan), SET / SET key / SET key=value (key, value) and RESET.

@_spi(EmberInternal) import Planner

struct SQLStatementRunner {
    let session: Session
    let text: String

    var source: SQLSource { SQLSource(text) }
    var translator: SQLTranslator { SQLTranslator(text: text, tables: SessionTables(session: session)) }

    func run(_ statement: SQLStatement) throws -> DataFrame {
        switch statement.kind {
        case .query(let q):
            return DataFrame(session: session, plan: try translator.translate(q))
        case .createView(let view):
            try createView(view)
            return empty
        case .dropView(let name, let ifExists):
            if !session.catalog.dropTempView(name.last) && !ifExists {
                throw source.error(.analysis, "the view `\(name.dotted)` cannot be found", at: name.position, width: name.dotted.count,
                                   hint: "views: \(session.catalog.listTables().map(\.name).joined(separator: ", ")); DROP VIEW IF EXISTS ignores a missing one")
            }
            return empty
        case .showTables(_, let pattern):
            let tables = session.catalog.listTables().filter { pattern.map(Self.matcher)?($0.name) ?? true }
            return rows(["namespace", "tableName", "isTemporary"], tables.map { [.string(""), .string($0.name), .boolean(true)] })
        case .describe(let target, _):
            let q: SQLQuery
            switch target {
            case .table(let name): q = SQLQuery(body: .table(name), at: name.position)
            case .query(let query): q = query
            }
            let schema = try Analyzer.resolve(try translator.translate(q)).schema
            return rows(["col_name", "data_type", "comment"], schema.fields.map { [.string($0.name), .string($0.dataType.simpleString), .null] })
        case .explain(let mode, let inner):
            guard case .query(let q) = inner.kind else {
                throw source.error(.analysis, "EXPLAIN takes a query", at: inner.position)
            }
            let df = DataFrame(session: session, plan: try translator.translate(q))
            return rows(["plan"], [[.string(try df.explainString(mode == .extended))]])
        case .set(let command):
            return try set(command, at: statement.position)
        case .reset(let key):
            let keys = key.map { [$0] } ?? session.conf.explicitlySet.map(\.key)
            for k in keys { try session.conf.unset(k) }
            return empty
        case .cacheTable, .uncacheTable, .clearCache:
            throw source.error(.analysis, "CACHE TABLE and UNCACHE TABLE are not supported yet", at: statement.position,
                               hint: "cache a DataFrame with df.cache()")
        }
    }

    func set(_ command: SQLSetCommand, at position: SQLPosition) throws -> DataFrame {
        switch command {
        case .list:
            return rows(["key", "value"], session.conf.explicitlySet.map { [.string($0.key), .string($0.value)] })
        case .get(let key):
            return rows(["key", "value"], [[.string(key), .string(session.conf.getOption(key) ?? "<undefined>")]])
        case .assign(let key, let value):
            do { try session.conf.set(key, value) } catch let error as EmberError {
                throw source.error(error.code, error.message, at: position, hint: error.hint)
            }
            return rows(["key", "value"], [[.string(key), .string(value)]])
        }
    }

    func createView(_ view: SQLCreateView) throws {
        if view.global {
            throw source.error(.analysis, "global temporary views are not supported", at: view.position, hint: "drop GLOBAL")
        }
        if view.ifNotExists && session.catalog.tableExists(view.name.last) { return }
        var plan: LogicalPlan
        switch view.source {
        case .query(let q):
            plan = try translator.translate(q)
            if !view.columns.isEmpty {
                let names = try Analyzer.resolve(plan).schema.names
                guard names.count == view.columns.count else {
                    throw source.error(.analysis, "the view has \(view.columns.count) column names for \(names.count) columns", at: view.position)
                }
                plan = .project(zip(names, view.columns).map { .alias(.column($0), $1.name.name) }, plan)
            }
        case .dataSource(let format, let options):
            guard let path = options.first(where: { $0.key.lowercased() == "path" })?.value else {
                throw source.error(.analysis, "a view USING \(format.name) needs OPTIONS (path '…')", at: format.position)
            }
            let rest = options.filter { $0.key.lowercased() != "path" }.map { ($0.key, $0.value) }
            do {
                plan = try SessionTables(session: session).read(format: format.name, path: path, options: rest)
            } catch let error as EmberError {
                throw source.error(error.code, error.message, at: format.position, width: format.name.count, hint: error.hint)
            }
        }
        do { try session.catalog.register(view.name.last, plan, replace: view.orReplace) } catch let error as EmberError {
            throw source.error(error.code, error.message, at: view.name.position, width: view.name.dotted.count, hint: error.hint)
        }
    }

    /// A DataFrame of no rows and no columns: what statements that change the session return.
    var empty: DataFrame { DataFrame(session: session, plan: .limit(0, .project([], Self.oneRow))) }

    static let oneRow = LogicalPlan.range(RangeSpec(start: 0, end: 1, step: 1, numPartitions: 1))

    /// A small result computed on the driver: one single-row select per row, unioned.
    func rows(_ columns: [String], _ values: [[Value]]) -> DataFrame {
        func row(_ v: [Value]) -> LogicalPlan {
            .project(zip(columns, v).map { name, value in
                value.isNull ? .alias(.cast(.literal(.null), .string), name) : .alias(.literal(value), name)
            }, Self.oneRow)
        }
        guard let first = values.first else {
            return DataFrame(session: session, plan: .limit(0, row(columns.map { _ in .string("") })))
        }
        let plan = values.dropFirst().reduce(row(first)) { .union($0, row($1), byName: false, allowMissingColumns: false) }
        return DataFrame(session: session, plan: plan)
    }

    /// SHOW TABLES LIKE 'pattern': `*` matches any text, `|` separates alternatives, case-insensitive.
    static func matcher(_ pattern: String) -> (String) -> Bool {
        let alternatives = pattern.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        return { name in alternatives.contains { glob(Array($0), Array(name.lowercased())) } }
    }

    static func glob(_ p: [Character], _ s: [Character]) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "*" { return (0...s.count).contains { glob(Array(p.dropFirst()), Array(s.dropFirst($0))) } }
        return !s.isEmpty && s[0] == first && glob(Array(p.dropFirst()), Array(s.dropFirst()))
    }
}
