// The session's HTTP server: Spark's REST API field names (the runbook's jq filter works as
// written), Prometheus metrics per executor, the web UI pages, and the HTTP server itself.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing

@Suite(.serialized) struct UITests {
    func get(_ url: String) throws -> (Int32, String) {
        let (status, out, _) = try runProgram("/usr/bin/curl", ["-s", "--max-time", "60", "-w", "\n%{http_code}", url])
        var lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let code = Int32(lines.removeLast()) ?? -1
        return (status == 0 ? code : -1, lines.joined(separator: "\n"))
    }

    func jsonArray(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func restApiMetricsAndPages() throws {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 4
        config.eventLogDir = nil
        config.uiPort = 4140
        config.uiEnabled = true
        config.faults.failTasks = [TaskSelector(partition: 1, attempt: 0)]
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        let df = session.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k")).count()
        _ = try df.collect()
        let base = try #require(session.uiURL)
        let apps = jsonArray(try get(base + "/api/v1/applications").1)
        #expect(apps.first?["id"] as? String == session.appId)
        let api = base + "/api/v1/applications/" + session.appId
        let executors = jsonArray(try get(api + "/executors").1)
        #expect(executors.count == 2)
        for field in ["id", "hostPort", "isActive", "activeTasks", "failedTasks", "completedTasks", "totalTasks", "totalDuration",
                      "memoryUsed", "maxMemory", "removeReason"] {
            #expect(executors.allSatisfy { $0[field] != nil }, "ExecutorSummary has \(field)")
        }
        // The runbook's `jq '.[] | select(.activeTasks == 0)'`: every executor is idle after the job.
        #expect(executors.filter { ($0["activeTasks"] as? Int) == 0 }.count == 2)
        #expect(executors.reduce(0) { $0 + (($1["failedTasks"] as? Int) ?? 0) } == 2, "the injected failures (partition 1 of both stages) are counted")
        let jobs = jsonArray(try get(api + "/jobs").1)
        #expect(jobs.first?["status"] as? String == "SUCCEEDED")
        // The job recovered from the injected failures, so the REST API serves its root-cause report.
        let jobId = try #require(jobs.first?["jobId"] as? Int)
        let job = try #require(try JSONSerialization.jsonObject(with: Data(get(api + "/jobs/\(jobId)").1.utf8)) as? [String: Any])
        let rootCause = try #require(job["rootCause"] as? [String: Any])
        #expect(rootCause["jobFailed"] as? Bool == false)
        let findings = try #require(rootCause["findings"] as? [[String: Any]])
        #expect(findings.contains { ($0["cause"] as? String ?? "").contains("fail") && $0["fix"] is String && $0["evidence"] is [String] },
                "\(findings)")
        #expect(try get(api + "/jobs/77").0 == 404)
        let stages = jsonArray(try get(api + "/stages").1)
        #expect(stages.count == 2)
        let stageId = try #require(stages.last?["stageId"] as? Int)
        let detail = jsonArray(try get(api + "/stages/\(stageId)").1)
        let tasks = try #require(detail.first?["tasks"] as? [String: Any])
        #expect(tasks.count == 5, "4 tasks and one retried attempt")
        let summary = try #require(detail.first?["taskSummary"] as? [String: Any])
        #expect((summary["duration"] as? [Double])?.count == 5)
        #expect(try get(api + "/stages/999").0 == 404)
        let attempt0 = try JSONSerialization.jsonObject(with: Data(get(api + "/stages/\(stageId)/0").1.utf8)) as? [String: Any]
        #expect(attempt0?["stageId"] as? Int == stageId && attempt0?["attemptId"] as? Int == 0)
        #expect(try get(api + "/stages/\(stageId)/7").0 == 404)
        #expect(try get(base + "/api/v1/applications/other/jobs").0 == 404)

        let (metricsCode, metrics) = try get(base + "/metrics")
        #expect(metricsCode == 200)
        #expect(metrics.contains("metrics_executor_failedTasks_total{application_id=\"\(session.appId)\""))
        #expect(metrics.contains("metrics_executor_completedTasks_total"))

        for page in ["/", "/stages", "/stage?id=\(stageId)", "/executors"] {
            let (code, html) = try get(base + page)
            #expect(code == 200 && html.contains("<table>"), "page \(page)")
        }
        #expect(try get(base + "/stage?id=\(stageId)").1.contains("<svg"), "the stage page charts task durations")
        let jobPage = try get(base + "/job?id=\(jobId)").1
        #expect(jobPage.contains("class=\"dag\"") && jobPage.contains("Root-cause report"))

        // HTTP itself: HEAD has no body, other methods are refused, unknown paths are 404.
        let (_, head, _) = try runProgram("/usr/bin/curl", ["-s", "-I", "--max-time", "20", base + "/api/v1/applications"])
        #expect(head.hasPrefix("HTTP/1.1 200") && head.contains("Content-Type: application/json"))
        let (_, post, _) = try runProgram("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--max-time", "20", base + "/"])
        #expect(post == "405")
        #expect(try get(base + "/nothing/here").0 == 404)
    }
}

@Suite(.serialized) struct HistoryTests {
    /// Runs a groupBy on 2 executors with one injected task failure, logging its events into `dir`:
    /// the event log's path and the application's id.
    static func recordEventLog(in dir: ScratchDir) throws -> (log: String, appId: String) {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 3
        config.eventLogDir = dir.path
        config.uiEnabled = false
        config.printRootCauseReport = false
        config.faults.failTasks = [TaskSelector(partition: 0, attempt: 0)]
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        _ = try session.range(0, 10_000, numPartitions: 2).groupBy((col("id") % 3).alias("k")).count().collect()
        session.stop()
        let log = try #require(session.eventLogPath)   // named <appId> once the session stopped
        return (log, session.appId)
    }

    @Test func theHistoryServerReplaysAnEventLog() throws {
        let dir = ScratchDir("history")
        defer { dir.cleanup() }
        let (log, appId) = try Self.recordEventLog(in: dir)

        // Replay into a status store and read it through the REST API's renderers (the HTTP side is
        // the same server UITests exercises).
        let replayed = try EventLogReader.load(log).snapshot
        #expect(replayed.appId == appId)
        let jobs = RestAPI.jobs(replayed) as? [[String: Any]] ?? []
        #expect(jobs.first?["status"] as? String == "SUCCEEDED")
        let executors = RestAPI.executors(replayed, all: true, maxMemory: 0) as? [[String: Any]] ?? []
        #expect(executors.count == 2)
        #expect(executors.reduce(0) { $0 + (($1["completedTasks"] as? Int) ?? 0) } == 2 + 3, "2 map and 3 reduce tasks")
        // The stage DAG and the root-cause report (the injected failures) survive the replay.
        let job = try #require(replayed.jobs.values.first)
        #expect(job.stageParents.values.contains { !$0.isEmpty }, "the reduce stage's parent is kept")
        #expect(job.rootCause?.findings.isEmpty == false)
        #expect(WebPages.job(replayed, id: job.id).contains("Root-cause report"))
        let error = #expect(throws: EmberError.self) { _ = try HistoryServer(eventLog: dir.file("missing.jsonl")) }
        #expect(error?.code == .input)
    }
}
