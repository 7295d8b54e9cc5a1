// Deeply nested SQL through session.sql: the translator walks the tree on a large stack, and the
// query then runs like any other (the analyzer and planner see the same deep expression).

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

@Suite struct SQLDeepNestingTests {
    @Test func aLongOperatorChainAndDeepParenthesesTranslateAndRun() throws {
        let session = try makeSession(executors: 1, cores: 1, partitions: 1)
        defer { session.stop() }
        let chain = "SELECT " + Array(repeating: "1", count: 990).joined(separator: " + ") + " AS n"
        #expect(try session.sql(chain).collect().first?.getLong(0) == 990)
        let nested = "SELECT " + String(repeating: "(", count: 900) + "2" + String(repeating: ")", count: 900) + " AS n"
        #expect(try session.sql(nested).collect().first?.getLong(0) == 2)
        let subqueries = String(repeating: "SELECT * FROM (", count: 60) + "SELECT 7 AS n" + String(repeating: ") q", count: 60)
        #expect(try session.sql(subqueries).collect().first?.getLong(0) == 7)
    }
}
