// Session+SQL: `session.sql(text)`, Spark's `spark.sql`. A query becomes a DataFrame over the plan
// the DataFrame API would build (SQLTranslator); statements that change the session (CREATE VIEW,
// DROP VIEW, SET, RESET) run when `sql` is called, as in Spark, and return an empty DataFrame or
// their result rows (SHOW TABLES, DESCRIBE, EXPLAIN, SET). See SQLStatementRunner.

@_spi(EmberInternal) import Planner

extension Session {
    /// Runs one SQL statement: a query returns its (lazy) DataFrame; other statements run now.
    public func sql(_ text: String) throws -> DataFrame {
        let statement = try SQLParser.parseStatement(text)
        return try SQLStatementRunner(session: self, text: text).run(statement)
    }
}

/// A session's views and file reader, as the translator sees them.
struct SessionTables: SQLTableSource {
    let session: Session

    func view(named name: String) -> LogicalPlan? {
        guard session.catalog.tableExists(name) else { return nil }
        return try? session.catalog.lookup(name)
    }

    var viewNames: [String] { session.catalog.listTables().map(\.name) }

    /// Spark's defaults for `csv.`path``: no header, every column a string named _c0, _c1, …
    func file(format: String, path: String) throws -> LogicalPlan {
        try read(format: format, path: path, options: [])
    }

    func read(format: String, path: String, options: [(String, String)]) throws -> LogicalPlan {
        var reader = session.read.format(format)
        for (key, value) in options { reader = try reader.option(key, value) }
        return try reader.load(path).plan
    }
}
