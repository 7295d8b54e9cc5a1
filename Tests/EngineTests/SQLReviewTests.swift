// Findings of the fresh-eyes review of the SQL front end (issue 12), each pinned to the Spark
// behaviour it restores, with the expected values written out.

@_spi(EmberInternal) @testable import Engine
@testable import ember
import Foundation
import Testing

@Suite(.serialized) struct SQLReviewTests {
    /// `--max-rows` at Int.max printed nothing: `maxRows + 1` trapped the process.
    @Test func maxRowsAtIntMaxDoesNotTrap() throws {
        let ember = productsDirectory().appendingPathComponent("ember").path
        let (status, out, err) = try runProgram(ember, ["sql", "--max-rows", "\(Int.max)", "--executors", "1", "--cores", "1",
                                                        "--no-ui", "--no-event-log", "SELECT 1 AS one"])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("|  1|"))
    }
}
