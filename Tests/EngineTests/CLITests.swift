// The `ember` tool end to end: it re-executes itself as its executors (the other launch path than
// the tests' ember-executor), writes the documented CSVs, and fails with a clear message and a
// non-zero exit status on bad input.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct CLITests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    @Test func wordcountThroughTheTool() throws {
        let dir = ScratchDir("cli-wc")
        defer { dir.cleanup() }
        let text = randomText(lines: 1500, vocabulary: 400, skew: true, seed: 77)
        let input = dir.write("in.txt", text)
        let output = dir.file("out.csv")
        let (status, _, err) = try runProgram(ember, ["wordcount", input, "--output", output, "--executors", "2", "--cores", "1", "--partitions", "3"],
                                              environment: ["EMBER_EXECUTOR_PATH": ""])
        #expect(status == 0, "stderr: \(err)")
        let rows = try readCSV(output)
        #expect(rows.first == ["word", "count"])
        #expect(rows.dropFirst().map { "\($0[0]):\($0[1])" } == referenceWordCount([text]).map { "\($0.0):\($0.1)" })
    }

    @Test func groupbyThroughTheTool() throws {
        let dir = ScratchDir("cli-gb")
        defer { dir.cleanup() }
        let rows = randomGroupRows(count: 2000, distinctKeys: 100, nullRate: 8, skew: false, seed: 31)
        let input = dir.write("in.csv", csvText(rows, nullToken: "NA"))
        let output = dir.file("out.csv")
        let (status, _, err) = try runProgram(ember, ["groupby", input, "--by", "k1,k2", "--agg", "count,sum(x),avg(x),min(x),max(x)",
                                                      "--null-value", "NA", "--output", output, "--executors", "2"])
        #expect(status == 0, "stderr: \(err)")
        let got = try readCSV(output)
        #expect(got.first == ["k1", "k2", "count", "sum_x", "avg_x", "min_x", "max_x"])
        #expect(Array(got.dropFirst()) == referenceGroupBy(rows))
    }

    @Test func badInputFailsWithAClearMessage() throws {
        let dir = ScratchDir("cli-bad")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", "a,b\n1,2\n")
        var (status, _, err) = try runProgram(ember, ["groupby", input, "--by", "c", "--output", dir.file("o.csv")])
        #expect(status == 1)
        #expect(err.contains("`c` cannot be resolved") && err.contains("`a`, `b`"))
        (status, _, err) = try runProgram(ember, ["wordcount", dir.file("missing.txt"), "--output", dir.file("o.csv")])
        #expect(status == 1)
        #expect(err.contains("missing.txt"))
        (status, _, err) = try runProgram(ember, ["groupby", input, "--by", "a", "--agg", "median(b)", "--output", dir.file("o.csv")])
        #expect(status == 1)
        #expect(err.contains("median(b)"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("o.csv")))
    }

    /// A descriptor inherited above `ulimit -n` (a parent with a higher limit left it open) made
    /// every executor launch fail with EBADF: Foundation's Process asks posix_spawn to close it,
    /// and posix_spawn refuses descriptors beyond the limit. The tool closes such descriptors first.
    @Test func aDescriptorInheritedAboveTheLimitDoesNotStopTheExecutors() throws {
        let dir = ScratchDir("cli-fd")
        defer { dir.cleanup() }
        let input = dir.write("in.txt", "a b\nb c\n")
        let output = dir.file("out.csv")
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        // Exit 77: the hard limit leaves no room for descriptor 1500 (then there is nothing to test).
        let script = "h=$(ulimit -Hn); if [ \"$h\" != unlimited ] && [ \"$h\" -lt 1600 ]; then exit 77; fi; "
            + "ulimit -n 1600 && exec 1500</dev/null && ulimit -n 1024 && exec \"$0\" \"$@\""
        let (status, _, err) = try runProgram("/bin/bash", ["-c", script, ember, "wordcount", input, "--output", output, "--executors", "1", "--cores", "1"],
                                              environment: ["EMBER_EXECUTOR_PATH": ""])
        if status == 77 { return }
        #expect(status == 0, "stderr: \(err)")
        #expect(try readCSV(output) == [["word", "count"], ["b", "2"], ["a", "1"], ["c", "1"]])
    }
}
