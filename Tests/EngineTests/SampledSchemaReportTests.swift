// A groupBy whose sampled CSV schema is contradicted after the sample (a word where the first
// 20,000 records had numbers) runs again with the schema inferred from every record and succeeds.
// The first attempt's failure is how the rerun is triggered, not the job's outcome: the tool must
// not print a root-cause report saying the job FAILED.

import Engine
import Foundation
import Testing

@Suite struct SampledSchemaReportTests {
    @Test func aReinferredSchemaIsNotReportedAsAFailedJob() throws {
        let dir = ScratchDir("resample")
        defer { dir.cleanup() }
        var text = "k,x\n"
        var counts: [String: Int] = [:]
        var maxima: [String: String] = [:]   // x compares as a string once a word is among the numbers
        for i in 0..<(GroupByJob.inferenceSampleRows + 5_000) {
            let k = "k\(i % 7)"
            let x = i == GroupByJob.inferenceSampleRows + 1_000 ? "abc" : String(i)
            counts[k, default: 0] += 1
            maxima[k] = Swift.max(maxima[k] ?? "", x)
            text += "\(k),\(x)\n"
        }
        let input = dir.write("in.csv", text)
        let output = dir.file("out.csv")
        let (status, _, err) = try runProgram(productsDirectory().appendingPathComponent("ember").path,
                                              ["groupby", input, "--by", "k", "--agg", "count,max(x)", "--output", output,
                                               "--executors", "1", "--no-ui", "--no-event-log"])
        #expect(status == 0, "\(err)")
        #expect(!err.contains("FAILED"), "no report says the job failed: \(err)")
        #expect(!err.contains("job failed") && !err.contains("task failed") && !err.contains("root-cause report"),
                "nor a warning in the log (the rerun is logged at info): \(err)")
        let rows = try readCSV(output)
        #expect(rows.first == ["k", "count", "max_x"])
        #expect(rows.dropFirst().map { $0.joined(separator: ":") } == counts.keys.sorted().map { "\($0):\(counts[$0]!):\(maxima[$0]!)" })
        #expect(rows.dropFirst().filter { $0[2] == "abc" }.count == 1, "the word is in the result: x was read as a string")
    }
}
