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
}
