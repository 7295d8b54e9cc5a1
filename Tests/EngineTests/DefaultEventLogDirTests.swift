// The default event-log directory (`<tmp>/ember-events-<uid>`) is only a convention: when something
// else holds it (a symlink planted there, another user's directory), a job still runs, without an
// event log, after one warning that names the directory and why. A directory the user chose that
// cannot be used still stops the session with the clear error.

import Foundation
import Testing

@Suite struct DefaultEventLogDirTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    @Test func aDefaultDirectoryHeldBySomethingElseIsWarnedAboutAndSkipped() throws {
        let dir = ScratchDir("default-events")
        defer { dir.cleanup() }
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: dir.file("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let planted = tmp + "/ember-events-\(geteuid())"
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: dir.file("elsewhere"))
        let text = randomText(lines: 500, vocabulary: 40, skew: false, seed: 11)
        let input = dir.write("in.txt", text)
        let environment = ["TMPDIR": tmp, "EMBER_EXECUTOR_PATH": ""]

        // Not chosen: the job runs, and says once why it has no event log.
        let output = dir.file("out.csv")
        let (status, _, err) = try runProgram(ember, ["wordcount", input, "--output", output, "--executors", "1", "--no-ui"],
                                              environment: environment)
        #expect(status == 0, "stderr: \(err)")
        let rows = try readCSV(output).dropFirst().map { "\($0[0]):\($0[1])" }.sorted()
        #expect(rows == referenceWordCount([text]).map { "\($0.0):\($0.1)" }.sorted())
        let warnings = err.split(separator: "\n").filter { $0.contains("running without an event log") }
        #expect(warnings.count == 1, "stderr: \(err)")
        #expect(warnings.first?.contains(planted) == true && warnings.first?.contains("symbolic link") == true, "stderr: \(err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("elsewhere")).isEmpty, "nothing was written through the link")

        // Chosen: the same directory is refused, with the reason.
        let (chosenStatus, _, chosenErr) = try runProgram(
            ember, ["wordcount", input, "--output", dir.file("out2.csv"), "--executors", "1", "--no-ui", "--event-log-dir", planted],
            environment: environment)
        #expect(chosenStatus != 0 && chosenErr.contains("the event log directory is a symbolic link"), "status \(chosenStatus), stderr: \(chosenErr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("elsewhere")).isEmpty)
    }
}
