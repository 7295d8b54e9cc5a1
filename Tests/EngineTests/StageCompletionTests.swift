// Every stage attempt the event log submits, it completes: a stage still running when its job
// ends (a satisfied limit, a job failed by a task), and an attempt set aside to be resubmitted,
// used to stay ACTIVE in the UI and the History Server for good.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct StageCompletionTests {
    /// Stage attempts ("stage.attempt") submitted and completed in an event log, with the failure
    /// reasons of the completed ones.
    func stageAttempts(_ log: String) throws -> (submitted: Set<String>, completed: [String: String?]) {
        var submitted: Set<String> = [], completed: [String: String?] = [:]
        for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let info = o["Stage Info"] as? [String: Any] else { continue }
            let key = "\(info["Stage ID"] ?? "").\(info["Stage Attempt ID"] ?? "")"
            if o["Event"] as? String == "SparkListenerStageSubmitted" { submitted.insert(key) }
            if o["Event"] as? String == "SparkListenerStageCompleted" { completed[key] = info["Failure Reason"] as? String }
        }
        return (submitted, completed)
    }

    func run(_ configure: (inout SessionConfig) -> Void, _ job: (Session) throws -> Void) throws -> (submitted: Set<String>, completed: [String: String?]) {
        let dir = ScratchDir("stage-completion")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig(executors: 1, cores: 1) { $0.eventLogDir = dir.path; configure(&$0) })
        try job(session)
        session.stop()
        return try stageAttempts(try #require(session.eventLogPath))
    }

    @Test func aStageStillRunningWhenALimitIsReachedIsCompleted() throws {
        let (submitted, completed) = try run({ _ in }) { session in
            let rows = try session.range(0, 1_000_000, numPartitions: 16).limit(3).collect()
            #expect(rows.count == 3)
        }
        #expect(!submitted.isEmpty)
        #expect(submitted == Set(completed.keys), "submitted \(submitted.sorted()), completed \(completed.keys.sorted())")
        #expect(completed.values.allSatisfy { $0 == nil }, "the job succeeded: \(completed)")
    }

    @Test func theStagesOfAFailedJobAreCompletedAsFailed() throws {
        let (submitted, completed) = try run({ $0.faults.failTasks = [TaskSelector(partition: 1)]; $0.taskMaxFailures = 1 }) { session in
            let counts = session.range(0, 200_000, numPartitions: 4).groupBy((col("id") % 7).alias("k")).count()
            #expect(throws: EmberError.self) { _ = try counts.collect() }
        }
        #expect(!submitted.isEmpty)
        #expect(submitted == Set(completed.keys), "submitted \(submitted.sorted()), completed \(completed.keys.sorted())")
        let reasons = completed.values.compactMap { $0 }
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains("its job failed") }, "\(completed)")
    }
}
