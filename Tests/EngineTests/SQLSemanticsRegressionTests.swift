// Regressions found by the DuckDB-checked SQL suites (SQLQuery*Tests), each pinned to the Spark
// behaviour it restores, with the expected values written out.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLSemanticsRegressionTests {
    /// Arithmetic with a string operand reads the string as a double, as Spark's non-ANSI
    /// PromoteStrings does (`x + '1.5'`, `'3' * '4'`, `-'2'`); it was refused as bigint + string.
    @Test func arithmeticReadsStringsAsDoubles() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let rows = try session.sql("SELECT 1 + '1.5', '3' * '4', -'2', 7 - 'x', 'a' / 2").collect()
        #expect(rows.map(\.values) == [[.double(2.5), .double(12), .double(-2), .null, .null]])
    }

    /// A bare NULL where a condition goes is a boolean null (no rows pass), in WHERE, NOT, AND/OR
    /// and ON; it was typed as a string and refused.
    @Test func nullIsAFalseCondition() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.range(0, 4).createOrReplaceTempView("t")
        func ids(_ sql: String) throws -> [Int64] { try session.sql(sql).collect().compactMap { $0.values[0].longValue }.sorted() }
        #expect(try ids("SELECT id FROM t WHERE NULL") == [])
        #expect(try ids("SELECT id FROM t WHERE NOT NULL OR id < 2") == [0, 1])
        #expect(try ids("SELECT id FROM t WHERE NULL AND NULL OR id = 3") == [3])
        #expect(try ids("SELECT t.id FROM t LEFT JOIN t u ON NULL WHERE u.id IS NULL") == [0, 1, 2, 3])
    }

    /// A correlated scalar subquery grouped by its correlated column has no row for an outer row
    /// without matches, so its value is null, even for count (the count bug's 0 is only for a
    /// global aggregate); the key may be written unqualified.
    @Test func groupedCorrelatedCountIsNullWithoutMatches() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.sql("SELECT * FROM VALUES (1), (2), (3) AS o(k)").createOrReplaceTempView("o")
        try session.sql("SELECT * FROM VALUES (1, 10), (1, 11), (3, 30) AS i(k, v)").createOrReplaceTempView("i")
        for sql in ["SELECT k, (SELECT count(*) FROM i WHERE i.k = o.k GROUP BY i.k) FROM o",
                    "SELECT k, (SELECT count(*) FROM i WHERE i.k = o.k GROUP BY k) FROM o"] {
            let rows = try session.sql(sql).collect().map(\.values).sorted { "\($0)" < "\($1)" }
            #expect(rows == [[.long(1), .long(2)], [.long(2), .null], [.long(3), .long(1)]], "\(sql)")
        }
        let global = try session.sql("SELECT k, (SELECT count(*) FROM i WHERE i.k = o.k) FROM o").collect().map(\.values)
        #expect(global.sorted { "\($0)" < "\($1)" } == [[.long(1), .long(2)], [.long(2), .long(0)], [.long(3), .long(1)]])
    }

    /// Spark's lateral column aliases: a select item may name an earlier item's alias when no
    /// input column has that name (the column wins), in plain and aggregate selects.
    @Test func lateralColumnAliases() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.sql("SELECT * FROM VALUES (1, 5), (1, 7), (2, 9) AS t(k, x)").createOrReplaceTempView("t")
        let plain = try session.sql("SELECT x + 1 AS y, y * 2 AS z, k AS x, x FROM t").collect().map(\.values)
        #expect(plain.sorted { "\($0)" < "\($1)" } == [[.long(10), .long(20), .long(2), .long(9)],
                                                      [.long(6), .long(12), .long(1), .long(5)],
                                                      [.long(8), .long(16), .long(1), .long(7)]])
        let grouped = try session.sql("SELECT k, sum(x) AS total, total * 10 AS scaled FROM t GROUP BY k ORDER BY k").collect().map(\.values)
        #expect(grouped == [[.long(1), .long(12), .long(120)], [.long(2), .long(9), .long(90)]])
    }
}
