// The event log's own format, without Spark: lines are compact JSON whose keys keep their order
// ("Event" first, as Spark's History Server matches line prefixes), strings are escaped so any
// text survives, and `ember history` still replays the `.jsonl` logs earlier versions wrote and
// finds a log that was renamed when its application ended.

@testable import Engine
import Foundation
import Testing

@Suite struct EventLogFormatTests {
    @Test func linesKeepTheirKeyOrderAndEscapeEveryString() throws {
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} delete \u{7F} café 😀 \u{2028}"
        let line: OrderedJSON = ["Event": "X", "Text": .string(awkward), "Number": .int(-42), "Flag": true, "Missing": .null,
                                 "List": [1, "two", [:]], "Nested": ["b": 2, "a": 1]]
        let text = String(decoding: line.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("{\"Event\":\"X\",\"Text\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 delete \\u007f café"))
        #expect(text.hasSuffix(",\"Number\":-42,\"Flag\":true,\"Missing\":null,\"List\":[1,\"two\",{}],\"Nested\":{\"b\":2,\"a\":1}}"))
        #expect(!text.contains("\n") && !text.contains(" :") && !text.contains(", "), "one compact line")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["Text"] as? String == awkward)
        #expect((parsed["Number"] as? NSNumber)?.intValue == -42)
    }

    /// A log as Ember wrote it before it wrote Spark's format: `<appId>.jsonl`, keys sorted, job
    /// starts without stage names or task counts, the exclusion under Ember's own event name.
    static let oldLog = """
        {"App ID":"ember-1-old","App Name":"old","Event":"SparkListenerApplicationStart","Timestamp":1000}
        {"Event":"SparkListenerExecutorAdded","Executor ID":"1","Executor Info":{"Host":"localhost","Total Cores":2},"Timestamp":1001}
        {"Event":"SparkListenerJobStart","Job ID":0,"Stage IDs":[0,1],"Stage Infos":[{"Parent IDs":[],"Stage ID":0},{"Parent IDs":[0],"Stage ID":1}],"Submission Time":1002}
        {"Event":"SparkListenerStageSubmitted","Stage Info":{"Number of Tasks":2,"Stage Attempt ID":0,"Stage ID":0,"Stage Name":"ShuffleMapStage 0 (writes shuffle 0)","Submission Time":1003}}
        {"Event":"SparkListenerTaskStart","Stage Attempt ID":0,"Stage ID":0,"Task Info":{"Attempt":0,"Ember Planned Input Bytes":null,"Executor ID":"1","Finish Time":0,"Index":0,"Launch Time":1004,"Locality":"ANY","Task ID":0}}
        {"Event":"SparkListenerTaskStart","Stage Attempt ID":0,"Stage ID":0,"Task Info":{"Attempt":0,"Ember Planned Input Bytes":null,"Executor ID":"1","Finish Time":0,"Index":1,"Launch Time":1004,"Locality":"ANY","Task ID":1}}
        {"Event":"SparkListenerTaskEnd","Stage Attempt ID":0,"Stage ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Attempt":0,"Ember Planned Input Bytes":null,"Executor ID":"1","Finish Time":1010,"Index":0,"Launch Time":1004,"Locality":"ANY","Task ID":0},"Task Metrics":{"Disk Bytes Spilled":0,"Ember Heavy Key":null,"Executor Peak RSS":1000,"Executor Run Time":5,"Input Metrics":{"Bytes Read":0,"Records Read":100},"Memory Bytes Spilled":0,"Peak Execution Memory":10,"Shuffle Read Metrics":{"Local Blocks Fetched":0,"Local Bytes Read":0,"Total Records Read":0},"Shuffle Write Metrics":{"Shuffle Bytes Written":50,"Shuffle Records Written":3}}}
        {"Event":"SparkListenerTaskEnd","Stage Attempt ID":0,"Stage ID":0,"Task End Reason":{"Class Name":"EmberError.execution","Description":"injected failure","Reason":"ExceptionFailure"},"Task Info":{"Attempt":0,"Ember Planned Input Bytes":null,"Executor ID":"1","Finish Time":1012,"Index":1,"Launch Time":1004,"Locality":"ANY","Task ID":1},"Task Metrics":{"Executor Run Time":1}}
        {"Event":"SparkListenerExecutorExcluded","Executor ID":"1","Reason":"excluded after 2 failed tasks","Timestamp":1015}
        {"Event":"SparkListenerStageCompleted","Stage Info":{"Completion Time":1016,"Failure Reason":"task failed","Stage Attempt ID":0,"Stage ID":0}}
        {"Completion Time":1020,"Event":"SparkListenerJobEnd","Job ID":0,"Job Result":{"Exception":{"Code":"execution","Message":"task failed"},"Result":"JobFailed"}}
        {"Event":"SparkListenerApplicationEnd","Timestamp":1030}
        """

    @Test func logsOfEarlierVersionsStillReplay() throws {
        let dir = ScratchDir("oldlog")
        defer { dir.cleanup() }
        let s = try EventLogReader.load(dir.write("ember-1-old.jsonl", Self.oldLog + "\n")).snapshot
        #expect(s.appId == "ember-1-old" && s.endTime == 1.03)
        let job = try #require(s.jobs[0])
        #expect(job.stageIds == [0, 1] && job.stageParents[1] == [0] && job.status == "FAILED")
        #expect((RestAPI.job(s, id: 0)?["numTasks"] as? Int) == 2, "without task counts at job start, the submitted stages' count")
        let stage = try #require(s.stages[AppStatusStore.key(0, 0)])
        #expect(stage.status == "FAILED" && stage.tasks.count == 2)
        #expect(stage.tasks[0]?.status == "SUCCESS" && stage.tasks[0]?.metrics.shuffleWriteBytes == 50)
        #expect(stage.tasks[1]?.status == "FAILED" && stage.tasks[1]?.error == "injected failure")
        #expect(s.executors["1"]?.isExcluded == true && s.executors["1"]?.failedTasks == 1)
        #expect(RestAPI.duration(stage.tasks[0]!.info) == 6, "launch to finish")
    }

    @Test func historyFindsALogUnderTheNameItTookWhenItsApplicationEnded() throws {
        let dir = ScratchDir("renamed")
        defer { dir.cleanup() }
        let finished = dir.write("ember-1-old", Self.oldLog + "\n")
        let ended = try HistoryServer(eventLog: finished + ".inprogress", port: SparkHistoryServerProcess.freeLoopbackPort())
        ended.stop()
        #expect(ended.appId == "ember-1-old")
        try FileManager.default.moveItem(atPath: finished, toPath: finished + ".inprogress")
        let running = try HistoryServer(eventLog: finished, port: SparkHistoryServerProcess.freeLoopbackPort())
        defer { running.stop() }
        #expect(running.appId == "ember-1-old")
    }
}
