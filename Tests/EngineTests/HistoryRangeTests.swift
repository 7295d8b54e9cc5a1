// `ember history` reads logs from outside: a time beyond any clock is an error naming the file and
// line (a Finish Time of Int64.max trapped converting to milliseconds), and totals over many tasks
// whose values are each in range saturate instead of trapping (33,000 tasks reading 2^48 − 1 bytes).

@testable import Engine
import Foundation
import Testing

@Suite struct HistoryRangeTests {
    static let start = #"{"Event":"SparkListenerApplicationStart","App Name":"x","App ID":"app-1","Timestamp":1000,"User":"u"}"#
    static let executor = #"{"Event":"SparkListenerExecutorAdded","Timestamp":1000,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":1}}"#

    static func taskEnd(_ id: Int, finish: String = "2000", metrics: String = "{}") -> String {
        #"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"#
            + #""Task Info":{"Task ID":\#(id),"Index":\#(id),"Attempt":0,"Launch Time":1000,"Executor ID":"1","Finish Time":\#(finish)},"#
            + #""Task Metrics":\#(metrics)}"#
    }

    @Test func aTimeBeyondAnyClockIsAnErrorNamingTheFileAndLine() throws {
        let dir = ScratchDir("history-time")
        defer { dir.cleanup() }
        let log = dir.write("app-1", [Self.start, Self.executor, Self.taskEnd(1, finish: "9223372036854775807")].joined(separator: "\n") + "\n")
        // In a process of its own: before the fix the conversion trapped.
        let (status, err) = try runProgram(productsDirectory().appendingPathComponent("ember").path, ["history", log, "--port", "0"], deadline: 60)
        #expect(status == 1, "ember history ended with \(status.map(String.init) ?? "no exit (killed)"): \(err)")
        #expect(err.contains("Finish Time is out of range: 9223372036854775807") && err.contains("line: 3") && err.contains(log), "\(err)")
        for field in ["Timestamp", "Launch Time"] {
            let negative = [Self.start, Self.executor, Self.taskEnd(1)].joined(separator: "\n")
                .replacingOccurrences(of: #""\#(field)":1000"#, with: #""\#(field)":-5"#)
            let error = #expect(throws: EmberError.self) { _ = try EventLogReader.load(dir.write("neg", negative)) }
            #expect(error?.message.contains(field) == true)
        }
    }

    @Test func totalsOverManyTasksSaturate() throws {
        let dir = ScratchDir("history-sum")
        defer { dir.cleanup() }
        let stage = #"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s","Number of Tasks":33000,"Submission Time":1000}}"#
        let huge = (1 << 48) - 1
        let tasks = (0..<33_000).map { Self.taskEnd($0, metrics: #"{"Shuffle Read Metrics":{"Local Bytes Read":\#(huge)}}"#) }
        let log = dir.write("app-1", ([Self.start, Self.executor, stage] + tasks).joined(separator: "\n") + "\n")
        let state = try EventLogReader.load(log).snapshot
        let executors = try #require(RestAPI.executors(state, all: true, maxMemory: 0) as? [[String: Any]])
        #expect(executors.first?["totalShuffleRead"] as? Int64 == Int64.max)
        #expect(executors.first?["completedTasks"] as? Int == 33_000)
        let stages = try #require(RestAPI.stages(state) as? [[String: Any]])
        #expect(stages.first?["shuffleReadBytes"] as? Int64 == Int64.max)
        // The pages render the totals too.
        #expect(!(try JSONSerialization.data(withJSONObject: stages)).isEmpty)
    }

    @Test func aTaskCountBeyondRangeIsAnError() throws {
        // Two stages claiming Int64.max tasks each overflowed the job's task total on …/jobs.
        let dir = ScratchDir("history-tasks")
        defer { dir.cleanup() }
        let many = "9223372036854775807"
        let jobStart = #"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1000,"Stage IDs":[0,1],"Stage Infos":["#
            + #"{"Stage ID":0,"Number of Tasks":\#(many)},{"Stage ID":1,"Number of Tasks":\#(many)}]}"#
        let stage = #"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Number of Tasks":\#(many),"Submission Time":1000}}"#
        for line in [jobStart, stage] {
            let log = dir.write("app-1", [Self.start, Self.executor, line].joined(separator: "\n") + "\n")
            let error = #expect(throws: EmberError.self) { _ = try EventLogReader.load(log) }
            #expect(error?.message.contains("Number of Tasks is out of range") == true, "\(String(describing: error))")
        }
    }
}
