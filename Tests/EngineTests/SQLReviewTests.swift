// Findings of the fresh-eyes review of the SQL front end (issue 12), each pinned to the Spark
// behaviour it restores, with the expected values written out.

@_spi(EmberInternal) @testable import Engine
@testable import ember
import Foundation
import Testing

@Suite(.serialized) struct SQLReviewTests {
    /// In an ORDER BY expression that also reads input columns, a name of the select list means
    /// the select item (Spark resolves a Sort against its child's output first, then adds the
    /// missing input columns): `SELECT -y AS y … ORDER BY y + z` sorts by -y + z. It sorted by the
    /// input's y.
    @Test func orderByExpressionReadsSelectAliasBeforeInputColumn() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.sql("SELECT * FROM VALUES (1, 0, 10), (2, 0, 1), (3, 0, 5) AS t(y, z, v)").createOrReplaceTempView("t")
        let plain = try session.sql("SELECT -y AS y FROM t ORDER BY y + z").collect().map(\.values)
        #expect(plain == [[.long(-3)], [.long(-2)], [.long(-1)]])
        // Over an Aggregate: `k` is the select item sum(v), not the grouping column k.
        let grouped = try session.sql("SELECT sum(v) AS y FROM t GROUP BY y ORDER BY y + count(*)").collect().map(\.values)
        #expect(grouped == [[.long(1)], [.long(5)], [.long(10)]])
    }

    /// A name two select items share is ambiguous where it would stand for one of them: a lateral
    /// alias (Spark's AMBIGUOUS_LATERAL_COLUMN_ALIAS) or an ORDER BY expression over the input.
    /// The lateral one took the last item silently. An input column of the name still wins.
    @Test func namesTwoSelectItemsShareAreAmbiguous() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        try session.sql("SELECT * FROM VALUES (1, 2, 3) AS t(y, z, v)").createOrReplaceTempView("t")
        for sql in ["SELECT 1 AS a, 2 AS a, a + 1 FROM t", "SELECT 1 AS a, 1 AS a, a + 1 FROM t",
                    "SELECT y AS a, z AS a FROM t ORDER BY a + v", "SELECT y, -y AS y FROM t ORDER BY y + v"] {
            #expect(throws: EmberError.self, "\(sql)") { try session.sql(sql).collect() }
        }
        #expect(try session.sql("SELECT 1 AS y, 2 AS y, y + 1 FROM t").collect().map(\.values) == [[.long(1), .long(2), .long(2)]])
    }

    /// `--max-rows` at Int.max printed nothing: `maxRows + 1` trapped the process.
    @Test func maxRowsAtIntMaxDoesNotTrap() throws {
        let ember = productsDirectory().appendingPathComponent("ember").path
        let (status, out, err) = try runProgram(ember, ["sql", "--max-rows", "\(Int.max)", "--executors", "1", "--cores", "1",
                                                        "--no-ui", "--no-event-log", "SELECT 1 AS one"])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("|  1|"))
    }
}
