// `scripts/fuzz` with an option but no value (or not a number) prints its usage and exits 2,
// before it builds anything; before, `--seeds` alone died on an unbound variable.

import Foundation
import Testing

@Suite struct FuzzScriptTests {
    @Test(arguments: [["--seeds"], ["--seed"], ["--seeds", "--start", "3"], ["--start", "1", "--seed"], []])
    func anOptionWithoutItsValuePrintsTheUsage(_ arguments: [String]) throws {
        let script = SparkHistoryServerProcess.repositoryRoot.appendingPathComponent("scripts/fuzz").path
        let (status, _, err) = try runProgram("/bin/bash", [script] + arguments, timeoutSeconds: 60)
        #expect(status == 2, "\(arguments): status \(status), stderr: \(err)")
        #expect(err.hasPrefix("usage: scripts/fuzz --seeds N"), "\(arguments): \(err)")
        #expect(!err.contains("unbound variable"), "\(arguments): \(err)")
    }
}
