// session.sql's statements (views over files and queries, SHOW TABLES, DESCRIBE, EXPLAIN, SET,
// RESET), the errors a person acts on (unknown names with position, caret and did-you-mean;
// ungrouped columns; OVER until windows land), and plans equal to the DataFrame API's.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLStatementTests {
    static func people() throws -> String {
        let dir = NSTemporaryDirectory() + "ember-sqlstmt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "name,age\nann,34\nbob,27\ncid,\ndee,41\n".write(toFile: dir + "/people.csv", atomically: true, encoding: .utf8)
        try "first line\nsecond line\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        return dir
    }

    static func strings(_ rows: [Row]) -> [[String]] { rows.map { $0.values.map(\.description) } }

    @Test func viewsOverFilesAndQueries() throws {
        let dir = try Self.people()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        let created = try session.sql("CREATE TEMPORARY VIEW people USING csv OPTIONS (path '\(dir)/people.csv', header 'true', inferSchema 'true')")
        #expect(try created.collect().isEmpty)
        #expect(Self.strings(try session.sql("SELECT name FROM people WHERE age > 30 ORDER BY name").collect()) == [["ann"], ["dee"]])
        #expect(try session.sql("SELECT age FROM people").schema().fields.map(\.dataType) == [.long])

        // Direct file queries: Spark's defaults (no header, string columns _c0, _c1, …).
        let direct = try session.sql("SELECT * FROM csv.`\(dir)/people.csv`")
        #expect(try direct.schema().names == ["_c0", "_c1"])
        #expect(try direct.collect().count == 5)
        #expect(Self.strings(try session.sql("SELECT value FROM text.`\(dir)/notes.txt` ORDER BY value").collect()) == [["first line"], ["second line"]])

        // A view over a query, with renamed columns; CREATE without OR REPLACE refuses an existing name.
        _ = try session.sql("CREATE OR REPLACE TEMPORARY VIEW adults (who, years) AS SELECT name, age FROM people WHERE age >= 30")
        #expect(Self.strings(try session.sql("SELECT who, years FROM adults ORDER BY years").collect()) == [["ann", "34"], ["dee", "41"]])
        #expect(throws: EmberError.self) { try session.sql("CREATE TEMPORARY VIEW adults AS SELECT 1") }
        _ = try session.sql("CREATE OR REPLACE TEMPORARY VIEW adults AS SELECT 1 AS one")
        #expect(Self.strings(try session.sql("SELECT * FROM adults").collect()) == [["1"]])

        let tables = try session.sql("SHOW TABLES")
        #expect(try tables.schema().names == ["namespace", "tableName", "isTemporary"])
        #expect(Self.strings(try tables.collect()).map { $0[1] }.sorted() == ["adults", "people"])
        #expect(Self.strings(try session.sql("SHOW TABLES LIKE 'peo*'").collect()).map { $0[1] } == ["people"])

        let described = try session.sql("DESCRIBE people")
        #expect(try described.schema().names == ["col_name", "data_type", "comment"])
        #expect(Self.strings(try described.collect()) == [["name", "string", "null"], ["age", "bigint", "null"]])

        _ = try session.sql("DROP VIEW adults")
        #expect(!session.catalog.tableExists("adults"))
        #expect(throws: EmberError.self) { try session.sql("DROP VIEW adults") }
        #expect(try session.sql("DROP VIEW IF EXISTS adults").collect().isEmpty)

        let parquet = #expect(throws: EmberError.self) { try session.sql("CREATE TEMPORARY VIEW p USING parquet OPTIONS (path '/nonexistent/p.parquet')") }
        #expect(parquet?.message.contains("/nonexistent/p.parquet") == true, "\(parquet.map(String.init(describing:)) ?? "")")
    }

    @Test func explainSetAndReset() throws {
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        let plain = try session.sql("EXPLAIN SELECT id FROM range(10) WHERE id > 3")
        #expect(try plain.schema().names == ["plan"])
        let text = try plain.collect()[0].getString(0) ?? ""
        #expect(text.contains("== Physical Plan ==") && !text.contains("== Parsed Logical Plan =="))
        let extended = try session.sql("EXPLAIN EXTENDED SELECT id FROM range(10)").collect()[0].getString(0) ?? ""
        #expect(extended.contains("== Parsed Logical Plan ==") && extended.contains("== Optimized Logical Plan =="))

        let before = try session.conf.get("spark.sql.shuffle.partitions")
        #expect(Self.strings(try session.sql("SET spark.sql.shuffle.partitions=7").collect()) == [["spark.sql.shuffle.partitions", "7"]])
        #expect(try session.conf.get("spark.sql.shuffle.partitions") == "7")
        #expect(Self.strings(try session.sql("SET spark.sql.shuffle.partitions").collect()) == [["spark.sql.shuffle.partitions", "7"]])
        #expect(Self.strings(try session.sql("SET").collect()).contains(["spark.sql.shuffle.partitions", "7"]))
        _ = try session.sql("RESET spark.sql.shuffle.partitions")
        #expect(try session.conf.get("spark.sql.shuffle.partitions") == before)
        #expect(Self.strings(try session.sql("SET spark.ember.no.such.key").collect()) == [["spark.ember.no.such.key", "<undefined>"]])
    }

    /// The error's text, for checking the position, caret and hint.
    static func error(_ session: Session, _ sql: String) -> EmberError? {
        do { _ = try session.sql(sql).collect(); return nil } catch let e as EmberError { return e } catch { return nil }
    }

    @Test func errorsNameThePositionAndTheClosestName() throws {
        let dir = try Self.people()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        try session.read.option("header", true).option("inferSchema", true).csv(dir + "/people.csv").createOrReplaceTempView("people")

        let table = Self.error(session, "SELECT name\nFROM peopel")
        #expect(table?.message.contains("`peopel` cannot be found") == true)
        #expect(table?.context.contains { $0.key == "line" && $0.value == "2" } == true)
        #expect(table?.context.contains { $0.key == "column" && $0.value == "6" } == true)
        #expect(table?.message.contains("FROM peopel\n       ^^^^^^") == true)
        #expect(table?.hint?.contains("did you mean `people`?") == true)

        let column = Self.error(session, "SELECT nmae, age FROM people")
        #expect(column?.message.contains("`nmae` cannot be resolved") == true)
        #expect(column?.message.contains("  SELECT nmae, age FROM people\n         ^^^^") == true)
        #expect(column?.hint?.contains("did you mean `name`?") == true)

        let qualified = Self.error(session, "SELECT p.nam FROM people p")
        #expect(qualified?.hint?.contains("did you mean `p.name`?") == true)

        let function = Self.error(session, "SELECT lenght(name) FROM people")
        #expect(function?.message.contains("undefined function lenght") == true)
        #expect(function?.hint?.contains("did you mean length?") == true)
        #expect(function?.context.contains { $0.key == "column" && $0.value == "8" } == true)

        let ungrouped = Self.error(session, "SELECT name, count(*) FROM people GROUP BY age")
        #expect(ungrouped?.message.contains("`name` is neither in GROUP BY nor inside an aggregate function") == true)
        #expect(ungrouped?.context.contains { $0.key == "column" && $0.value == "8" } == true)

        let window = Self.error(session, "SELECT name, upper(name) OVER (ORDER BY age) FROM people")
        #expect(window?.message.contains("not a window function") == true)
        #expect(window?.context.contains { $0.key == "column" && $0.value == "14" } == true)

        let position = Self.error(session, "SELECT name FROM people ORDER BY 3")
        #expect(position?.message.contains("ORDER BY position 3 is not in the select list") == true)
        let groupPosition = Self.error(session, "SELECT count(*) FROM people GROUP BY 1")
        #expect(groupPosition?.message.contains("contains an aggregate function") == true)
    }

    /// The physical plan (and stages) of a SQL query, and of the DataFrame program meaning the same.
    @Test func plansEqualTheDataFrameAPIs() throws {
        let tables = try SQLTestTables(seed: 3)
        defer { try? FileManager.default.removeItem(atPath: tables.dir) }
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        try tables.register(session)
        let a = try session.table("a"), b = try session.table("b")
        let pairs: [(String, DataFrame)] = [
            ("SELECT k, sum(x) AS total FROM a WHERE x > 10 GROUP BY k",
             a.filter(col("x") > 10).groupBy(col("k")).agg(sum(col("x")).alias("total"))),
            ("SELECT id, x FROM a WHERE x > 50 ORDER BY x DESC LIMIT 5",
             a.filter(col("x") > 50).select("id", "x").orderBy(col("x").desc()).limit(5)),
            ("SELECT a.id, b.y FROM a JOIN b ON a.k = b.k WHERE b.y > 3",
             a.join(b, on: col("a.k") === col("b.k")).filter(col("b.y") > 3).select(col("a.id"), col("b.y"))),
            ("SELECT DISTINCT s FROM a WHERE s LIKE 'b%'", a.filter(col("s").like("b%")).select("s").distinct()),
            ("SELECT count(*) FROM a", a.agg(count(lit(1)))),
        ]
        for (sql, df) in pairs {
            let fromSQL = try session.sql(sql).explainString(false), fromAPI = try df.explainString(false)
            #expect(fromSQL == fromAPI, "\(sql)\nSQL:\n\(fromSQL)\nDataFrame:\n\(fromAPI)")
        }
    }
}
