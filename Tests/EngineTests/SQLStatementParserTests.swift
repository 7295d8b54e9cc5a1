// The SQL parser's statements (views, SHOW, DESCRIBE, EXPLAIN, SET, caching) and scripts: a script
// splits at `;` outside strings, names and comments, as the `spark-sql` shell splits it.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct SQLStatementParserTests {
    @Test func createTemporaryViewUsingAFileSource() throws {
        #expect(try sqlTree("CREATE TEMPORARY VIEW people USING csv OPTIONS (path '/data/p.csv', header 'true', inferSchema true)") ==
            "(create-view people temporary (using csv (options (path '/data/p.csv') (header 'true') (inferSchema 'true'))))")
        #expect(try sqlTree("create or replace temp view v using parquet options (path = \"/p\", 'mergeSchema' 'false', spark.x.y 3)") ==
            "(create-view v or-replace temporary (using parquet (options (path '/p') (mergeSchema 'false') (spark.x.y '3'))))")
        #expect(try sqlTree("CREATE GLOBAL TEMPORARY VIEW IF NOT EXISTS v (a INT, b STRING) USING json") ==
            "(create-view v global temporary if-not-exists (columns (a int) (b string)) (using json))")
        #expect(try sqlTree("CREATE TEMPORARY VIEW v USING org.apache.spark.sql.csv") == "(create-view v temporary (using org.apache.spark.sql.csv))")
    }

    @Test func createTemporaryViewAsQuery() throws {
        #expect(try sqlTree("CREATE OR REPLACE TEMPORARY VIEW v (x, y) AS SELECT a, b FROM t") ==
            "(create-view v or-replace temporary (columns x y) (as (select (items a b) (from t))))")
        #expect(try sqlTree("CREATE VIEW v AS WITH c AS (SELECT 1) SELECT * FROM c") ==
            "(create-view v (as (query (with (c (select (items 1)))) (select (items *) (from c)))))")
        guard case .createView(let view) = try SQLParser.parseStatement("CREATE TEMP VIEW v AS SELECT 1").kind else {
            Issue.record("not a view")
            return
        }
        #expect(view.temporary && !view.orReplace && !view.global && view.name.dotted == "v")
    }

    @Test func dropShowDescribeExplainAndCaching() throws {
        #expect(try sqlTree("DROP VIEW v") == "(drop-view v)")
        #expect(try sqlTree("DROP VIEW IF EXISTS db.v") == "(drop-view db.v if-exists)")
        #expect(try sqlTree("SHOW TABLES") == "(show-tables)")
        #expect(try sqlTree("SHOW TABLES IN db LIKE 'sales*'") == "(show-tables (in db) (like 'sales*'))")
        #expect(try sqlTree("SHOW TABLES 'x*'") == "(show-tables (like 'x*'))")
        #expect(try sqlTree("DESCRIBE t") == "(describe t)")
        #expect(try sqlTree("DESC TABLE EXTENDED db.t") == "(describe-extended db.t)")
        #expect(try sqlTree("DESCRIBE QUERY SELECT 1") == "(describe-query (select (items 1)))")
        #expect(try sqlTree("DESC SELECT a FROM t") == "(describe-query (select (items a) (from t)))")
        #expect(try sqlTree("EXPLAIN SELECT 1") == "(explain simple (select (items 1)))")
        for mode in ["EXTENDED", "FORMATTED", "CODEGEN", "COST", "LOGICAL"] {
            #expect(try sqlTree("EXPLAIN \(mode) SELECT 1") == "(explain \(mode.lowercased()) (select (items 1)))")
        }
        #expect(try sqlTree("CACHE TABLE t") == "(cache-table t)")
        #expect(try sqlTree("CACHE LAZY TABLE c OPTIONS ('storageLevel' 'DISK_ONLY') AS SELECT * FROM t") ==
            "(cache-table c lazy (options (storageLevel 'DISK_ONLY')) (as (select (items *) (from t))))")
        #expect(try sqlTree("CACHE TABLE c SELECT 1") == "(cache-table c (as (select (items 1))))")
        #expect(try sqlTree("UNCACHE TABLE IF EXISTS t") == "(uncache-table t if-exists)")
        #expect(try sqlTree("CLEAR CACHE") == "(clear-cache)")
    }

    @Test func setAndResetTakeRawTextToTheEndOfTheStatement() throws {
        #expect(try sqlTree("SET") == "(set)")
        #expect(try sqlTree("SET -v") == "(set -v)")
        #expect(try sqlTree("SET spark.sql.shuffle.partitions") == "(set spark.sql.shuffle.partitions)")
        #expect(try sqlTree("SET spark.sql.shuffle.partitions=8") == "(set spark.sql.shuffle.partitions '8')")
        #expect(try sqlTree("set spark.sql.autoBroadcastJoinThreshold = 64m ;") == "(set spark.sql.autoBroadcastJoinThreshold '64m')")
        // The value is raw: quotes stay, spaces inside stay; backquotes around the key or value go.
        #expect(try sqlTree("SET a.b='x y'") == "(set a.b ''x y'')")
        #expect(try sqlTree("SET `my-key`=`a;b`") == "(set my-key 'a;b')")
        #expect(try sqlTree("SET k=a $ b") == "(set k 'a $ b')")
        #expect(try sqlTree("RESET") == "(reset)")
        #expect(try sqlTree("RESET spark.sql.shuffle.partitions") == "(reset spark.sql.shuffle.partitions)")
        let set = try SQLParser.parseStatement("  SET  k = v  ;")
        #expect(set.text == "SET  k = v")
        #expect(set.position.column == 3)
        let bad = sqlError("SET my-key=1")
        #expect(bad?.code == .parse)
        #expect(bad?.message.contains("'my-key' is not a configuration key") == true)
        #expect(bad?.context("column") == "5")
        #expect(bad?.hint?.contains("backquotes") == true)
        #expect(sqlError("SET a=1; SELECT")?.message.contains("expected end of input, found 'SELECT'") == true)
    }

    @Test func scriptsSplitAtSemicolonsOutsideQuotesAndComments() throws {
        let script = """
            SET spark.sql.shuffle.partitions=4; -- a comment; still a comment
            CREATE TEMP VIEW t USING csv OPTIONS (path 'a;b.csv');
            /* a ; comment /* nested ; */ */ SELECT 'x;y', `c;d`, "e;\\"f" FROM t;
            ;;
            SELECT 2
            """
        let pieces = SQLScriptSplitter.split(script)
        #expect(pieces.count == 4)
        #expect(pieces.map(\.isTerminated) == [true, true, true, false])
        #expect(pieces[0].text == "SET spark.sql.shuffle.partitions=4")
        #expect(pieces[1].text.hasSuffix("OPTIONS (path 'a;b.csv')"))
        #expect(pieces[3].text.hasSuffix("SELECT 2"))
        // A piece starts right after the `;` before it (its statement, on the line after).
        #expect(pieces[3].position.line == 4)
        let statements = try SQLParser.parseScript(script)
        #expect(statements.map(\.description) == [
            "(set spark.sql.shuffle.partitions '4')",
            "(create-view t temporary (using csv (options (path 'a;b.csv'))))",
            "(select (items 'x;y' `c;d` 'e;\"f') (from t))",
            "(select (items 2))",
        ])
        #expect(statements.map(\.position.line) == [1, 2, 3, 5])
        #expect(statements[2].text == "SELECT 'x;y', `c;d`, \"e;\\\"f\" FROM t")
    }

    @Test func theShellKeepsAnUnfinishedStatement() {
        // Complete statements end with `;`; what follows is the start of the next one.
        let pieces = SQLScriptSplitter.split("SELECT 1; SELECT\n  a FROM")
        #expect(pieces.map(\.isTerminated) == [true, false])
        #expect(pieces[1].text == " SELECT\n  a FROM")
        // An open string or comment keeps the statement open, even with a `;` inside it.
        #expect(SQLScriptSplitter.split("SELECT 'a;").map(\.isTerminated) == [false])
        #expect(SQLScriptSplitter.split("SELECT 1; /* note;").map(\.isTerminated) == [true, false])
        // Nothing but comments and spaces is no statement.
        #expect(SQLScriptSplitter.split("SELECT 1; -- done\n  ").count == 1)
        #expect(SQLScriptSplitter.split("").isEmpty)
        // r'…' has no escapes: its backslash does not hide the quote.
        #expect(SQLScriptSplitter.split(#"SELECT r'\'; SELECT 2"#).map(\.isTerminated) == [true, false])
    }
}
