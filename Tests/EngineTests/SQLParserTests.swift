// The SQL parser's queries: each construct parses to the tree expected, asserted through the
// tree's canonical S-expression (SQLTreePrinter) and, where it matters, through the nodes and their
// positions. Expressions are in SQLExpressionParserTests, statements in SQLStatementParserTests.

@_spi(EmberInternal) @testable import Planner
import Testing

/// The printed tree of one statement.
func sqlTree(_ sql: String) throws -> String { try SQLParser.parseStatement(sql).description }

/// The printed tree of one expression.
func sqlExpression(_ sql: String) throws -> String { try SQLParser.parseExpression(sql).description }

/// The parse error of a statement, nil when it parses.
func sqlError(_ sql: String) -> EmberError? {
    do {
        _ = try SQLParser.parseStatement(sql)
        return nil
    } catch {
        return error as? EmberError
    }
}

/// The select of a query that is one SELECT.
func sqlSelect(_ sql: String) throws -> SQLSelect {
    let query = try SQLParser.parseQuery(sql)
    guard case .select(let select) = query.body else { throw EmberError(.internal, "not a SELECT: \(query)") }
    return select
}

@Suite struct SQLParserTests {
    @Test func selectItemsAliasesAndStars() throws {
        #expect(try sqlTree("SELECT a, b AS x, c y, *, t.*, db.t.*, `my col` FROM t") ==
            "(select (items a (as b x) (as c y) * t.* db.t.* `my col`) (from t))")
        #expect(try sqlTree("select distinct a from t") == "(select distinct (items a) (from t))")
        #expect(try sqlTree("SELECT ALL a FROM t") == "(select (items a) (from t))")
        #expect(try sqlTree("SELECT 1") == "(select (items 1))")
        // A keyword that cannot continue the query is an alias without AS; one that can is not.
        #expect(try sqlTree("SELECT a date, b `limit` FROM t LIMIT 1") ==
            "(query (select (items (as a date) (as b `limit`)) (from t)) (limit 1))")
        #expect(try sqlTree("SELECT count(*) c FROM t") == "(select (items (as (count *) c)) (from t))")
    }

    @Test func fromTablesFilesSubqueriesFunctionsAndValues() throws {
        #expect(try sqlTree("SELECT * FROM db.orders o, lineitem AS l") ==
            "(select (items *) (from (alias db.orders o) (alias lineitem l)))")
        #expect(try sqlTree("SELECT * FROM csv.`/data/a b.csv`") == "(select (items *) (from (file csv /data/a b.csv)))")
        #expect(try sqlTree("SELECT * FROM parquet.`/p` AS p") == "(select (items *) (from (alias (file parquet /p) p)))")
        // A backquoted first part, or an unknown format, is a table name for the translator to resolve.
        #expect(try sqlTree("SELECT * FROM mydb.`t`") == "(select (items *) (from mydb.`t`))")
        #expect(try sqlTree("SELECT * FROM (SELECT a FROM t) AS s (x)") ==
            "(select (items *) (from (alias (subquery (select (items a) (from t))) s (x))))")
        #expect(try sqlTree("SELECT * FROM (SELECT a FROM t)") == "(select (items *) (from (subquery (select (items a) (from t)))))")
        #expect(try sqlTree("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) u") ==
            "(select (items *) (from (alias (subquery (union (select (items 1)) (select (items 2)))) u)))")
        #expect(try sqlTree("SELECT id FROM range(0, 10, 2) r") == "(select (items id) (from (alias (range 0 10 2) r)))")
        #expect(try sqlTree("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(n, s)") ==
            "(select (items *) (from (alias (values (1 'a') (2 'b')) v (n s))))")
    }

    @Test func everyJoinType() throws {
        let joins: [(String, String)] = [
            ("JOIN", "inner"), ("INNER JOIN", "inner"), ("LEFT JOIN", "left_outer"), ("LEFT OUTER JOIN", "left_outer"),
            ("RIGHT JOIN", "right_outer"), ("RIGHT OUTER JOIN", "right_outer"), ("FULL JOIN", "full_outer"),
            ("FULL OUTER JOIN", "full_outer"), ("LEFT SEMI JOIN", "left_semi"), ("SEMI JOIN", "left_semi"),
            ("LEFT ANTI JOIN", "left_anti"), ("ANTI JOIN", "left_anti"),
        ]
        for (keywords, type) in joins {
            #expect(try sqlTree("SELECT * FROM a \(keywords) b ON a.k = b.k") ==
                "(select (items *) (from (\(type)-join a b (on (= a.k b.k)))))", "\(keywords)")
        }
        #expect(try sqlTree("SELECT * FROM a CROSS JOIN b") == "(select (items *) (from (cross-join a b)))")
        #expect(try sqlTree("SELECT * FROM a JOIN b USING (k, `m`)") == "(select (items *) (from (inner-join a b (using k `m`))))")
        #expect(try sqlTree("SELECT * FROM a NATURAL JOIN b") == "(select (items *) (from (natural-inner-join a b)))")
        #expect(try sqlTree("SELECT * FROM a NATURAL LEFT OUTER JOIN b") == "(select (items *) (from (natural-left_outer-join a b)))")
        // Joins are left-deep; a parenthesised join is one relation.
        #expect(try sqlTree("SELECT * FROM a JOIN b ON x JOIN c ON y") ==
            "(select (items *) (from (inner-join (inner-join a b (on x)) c (on y))))")
        #expect(try sqlTree("SELECT * FROM a JOIN (b JOIN c ON y) ON x") ==
            "(select (items *) (from (inner-join a (inner-join b c (on y)) (on x))))")
        #expect(try sqlTree("SELECT * FROM a x LEFT JOIN b y ON x.k = y.k, c") ==
            "(select (items *) (from (left_outer-join (alias a x) (alias b y) (on (= x.k y.k))) c))")
    }

    @Test func whereGroupByHavingOrderByLimitOffset() throws {
        #expect(try sqlTree("SELECT a, sum(b) FROM t WHERE c > 0 GROUP BY a HAVING sum(b) > 10 ORDER BY 2 DESC, a NULLS LAST LIMIT 5 OFFSET 10") ==
            "(query (select (items a (sum b)) (from t) (where (> c 0)) (group-by a) (having (> (sum b) 10))) "
            + "(order-by (desc 2) (asc a nulls-last)) (limit 5) (offset 10))")
        #expect(try sqlTree("SELECT a FROM t GROUP BY ALL") == "(select (items a) (from t) (group-by-all))")
        #expect(try sqlTree("SELECT a, b FROM t GROUP BY 1, b + 1") == "(select (items a b) (from t) (group-by 1 (+ b 1)))")
        #expect(try sqlTree("SELECT a FROM t ORDER BY a ASC NULLS FIRST, b DESC NULLS LAST") ==
            "(query (select (items a) (from t)) (order-by (asc a nulls-first) (desc b nulls-last)))")
        #expect(try sqlTree("SELECT a FROM t LIMIT ALL") == "(select (items a) (from t))")
        #expect(try sqlTree("SELECT 1 WHERE true") == "(select (items 1) (where TRUE))")
        let order = try SQLParser.parseQuery("SELECT a FROM t ORDER BY a DESC").orderBy
        #expect(order.count == 1 && order[0].ascending == false && order[0].nullsFirst == nil)
    }

    @Test func sortByDistributeByClusterBy() throws {
        #expect(try sqlTree("SELECT a FROM t SORT BY a DESC") == "(query (select (items a) (from t)) (sort-by (desc a)))")
        #expect(try sqlTree("SELECT a FROM t DISTRIBUTE BY a SORT BY b") ==
            "(query (select (items a) (from t)) (distribute-by a) (sort-by (asc b)))")
        #expect(try sqlTree("SELECT a FROM t CLUSTER BY a") == "(query (select (items a) (from t)) (distribute-by a) (sort-by (asc a)))")
    }

    @Test func setOperationsWithSparksPrecedence() throws {
        #expect(try sqlTree("SELECT 1 UNION SELECT 2") == "(union (select (items 1)) (select (items 2)))")
        #expect(try sqlTree("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3") ==
            "(union (union-all (select (items 1)) (select (items 2))) (select (items 3)))")
        // INTERSECT binds tighter than UNION and EXCEPT; those two are equal and left-associative.
        #expect(try sqlTree("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3") ==
            "(union (select (items 1)) (intersect (select (items 2)) (select (items 3))))")
        #expect(try sqlTree("SELECT 1 INTERSECT SELECT 2 UNION SELECT 3") ==
            "(union (intersect (select (items 1)) (select (items 2))) (select (items 3)))")
        #expect(try sqlTree("SELECT 1 EXCEPT SELECT 2 UNION SELECT 3 MINUS ALL SELECT 4") ==
            "(except-all (union (except (select (items 1)) (select (items 2))) (select (items 3))) (select (items 4)))")
        #expect(try sqlTree("SELECT 1 INTERSECT ALL SELECT 2 INTERSECT SELECT 3") ==
            "(intersect (intersect-all (select (items 1)) (select (items 2))) (select (items 3)))")
        // Parentheses group; ORDER BY and LIMIT at the end apply to the whole operation.
        #expect(try sqlTree("SELECT 1 EXCEPT (SELECT 2 UNION SELECT 3) ORDER BY 1 LIMIT 2") ==
            "(query (except (select (items 1)) (union (select (items 2)) (select (items 3)))) (order-by (asc 1)) (limit 2))")
        #expect(try sqlTree("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)") ==
            "(union-all (query (select (items a) (from t)) (order-by (asc a)) (limit 1)) (select (items b) (from u)))")
    }

    @Test func commonTableExpressions() throws {
        #expect(try sqlTree("WITH a AS (SELECT 1 x), b (y) AS (SELECT x FROM a) SELECT y FROM b") ==
            "(query (with (a (select (items (as 1 x)))) (b (y) (select (items x) (from a)))) (select (items y) (from b)))")
        // AS is optional, as in Spark.
        #expect(try sqlTree("WITH a (SELECT 1) SELECT * FROM a") == "(query (with (a (select (items 1)))) (select (items *) (from a)))")
        #expect(try sqlTree("WITH a AS (SELECT 1) SELECT * FROM a UNION SELECT 2 ORDER BY 1") ==
            "(query (with (a (select (items 1)))) (union (select (items *) (from a)) (select (items 2))) (order-by (asc 1)))")
    }

    @Test func subqueriesInExpressions() throws {
        #expect(try sqlTree("SELECT (SELECT max(b) FROM u WHERE u.a = t.a) FROM t WHERE EXISTS (SELECT 1 FROM v) AND a NOT IN (SELECT c FROM w)") ==
            "(select (items (subquery (select (items (max b)) (from u) (where (= u.a t.a))))) (from t) "
            + "(where (AND (exists (select (items 1) (from v))) (not-in a (select (items c) (from w))))))")
        #expect(try sqlTree("SELECT * FROM t WHERE NOT EXISTS (SELECT 1) AND (a, b) IN (SELECT x, y FROM u)") ==
            "(select (items *) (from t) (where (AND (NOT (exists (select (items 1)))) (in (tuple a b) (select (items x y) (from u))))))")
    }

    @Test func windowsInlineAndNamed() throws {
        #expect(try sqlTree("SELECT rank() OVER (PARTITION BY a, b ORDER BY c DESC) FROM t") ==
            "(select (items (rank (over ((partition-by a b) (order-by (desc c)))))) (from t))")
        #expect(try sqlTree("SELECT sum(x) OVER (ORDER BY d ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t") ==
            "(select (items (sum x (over ((order-by (asc d)) (rows (preceding 2) (following 1)))))) (from t))")
        #expect(try sqlTree("SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t") ==
            "(select (items (sum x (over ((order-by (asc d)) (range current-row unbounded-following))))) (from t))")
        #expect(try sqlTree("SELECT count(*) OVER (ROWS UNBOUNDED PRECEDING) FROM t") ==
            "(select (items (count * (over ((rows unbounded-preceding current-row))))) (from t))")
        #expect(try sqlTree("SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) FROM t") ==
            "(select (items (sum x (over ((order-by (asc d)) (range (preceding (interval day..day months=0 days=1 micros=0)) current-row))))) (from t))")
        #expect(try sqlTree("SELECT lag(x, 1) OVER w, lead(x) OVER (w) FROM t WINDOW w AS (PARTITION BY a ORDER BY b)") ==
            "(select (items (lag x 1 (over w)) (lead x (over w))) (from t) (windows (w ((partition-by a) (order-by (asc b))))))")
        #expect(try sqlTree("SELECT first(x) IGNORE NULLS OVER () FROM t") == "(select (items (first x ignore-nulls (over ()))) (from t))")
        #expect(try sqlTree("SELECT a FROM t WINDOW w AS (ORDER BY a) ORDER BY a") ==
            "(query (select (items a) (from t) (windows (w ((order-by (asc a)))))) (order-by (asc a)))")
    }

    @Test func valuesTableAndHints() throws {
        #expect(try sqlTree("VALUES (1, 'a'), (2, NULL)") == "(values (1 'a') (2 NULL))")
        #expect(try sqlTree("VALUES 1, 2") == "(values (1) (2))")
        #expect(try sqlTree("TABLE db.t") == "(table db.t)")
        #expect(try sqlTree("SELECT /*+ BROADCAST(s), REPARTITION(8) */ * FROM t JOIN s ON t.k = s.k") ==
            "(select (hints (BROADCAST s) (REPARTITION 8)) (items *) (from (inner-join t s (on (= t.k s.k)))))")
        // A hint comment elsewhere is a comment.
        #expect(try sqlTree("SELECT * /*+ BROADCAST(s) */ FROM t") == "(select (items *) (from t))")
    }

    @Test func nodesCarryTheirSourcePositions() throws {
        let select = try sqlSelect("SELECT a,\n       b + 1 AS c\nFROM t JOIN u ON t.k = u.k\nWHERE d > 0")
        #expect(select.position == SQLPosition(offset: 0, line: 1, column: 1))
        #expect(select.items[1].expression.position.line == 2 && select.items[1].expression.position.column == 8)
        #expect(select.items[1].alias?.position.column == 17)
        guard case .join(let join) = select.from[0].kind, case .on(let condition) = join.criteria else {
            Issue.record("not a join with ON")
            return
        }
        #expect(join.position.line == 3 && join.position.column == 8)
        #expect(join.right.position.column == 13)
        #expect(condition.position.column == 18)
        #expect(select.whereClause?.position == SQLPosition(offset: 61, line: 4, column: 7))
        // In a script, positions count from the start of the script.
        let script = try SQLParser.parseScript("SELECT 1;\n\nSELECT x FROM t")
        guard case .query(let q) = script[1].kind, case .select(let s) = q.body else {
            Issue.record("not a query")
            return
        }
        #expect(script[1].position.line == 3)
        #expect(s.items[0].expression.position == SQLPosition(offset: 18, line: 3, column: 8))
    }
}
