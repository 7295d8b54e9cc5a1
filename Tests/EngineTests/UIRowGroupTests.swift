// UIRowGroupTests: Parquet row groups read and skipped by statistics (task metrics rowGroupsRead /
// rowGroupsSkipped) show where the other input metrics are: the REST API's task inputMetrics and
// stage totals, the stage page's task table and summary, and an event log's replay.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct UIRowGroupTests {
    func get(_ url: String) throws -> String {
        let (status, out, err) = try runProgram("/usr/bin/curl", ["-s", "--fail", "--max-time", "60", url])
        #expect(status == 0, "\(url): \(err)")
        return out
    }

    @Test func rowGroupCountsShowInRestAPIStagePageAndEventLog() throws {
        let dir = ScratchDir("ui-row-groups")
        defer { dir.cleanup() }
        var config = testConfig(executors: 1, cores: 2)
        config.uiEnabled = true
        config.uiPort = 4151
        config.eventLogDir = dir.path
        let session = try Session(config: config)
        // Sorted ids in row groups of ~16 KB: a filter on the highest ids rules most of them out.
        let out = dir.file("sorted")
        try session.range(0, 40_000, numPartitions: 1).select(col("id"), (col("id") % 13).alias("v"))
            .write.option("parquet.block.size", "16384").option("compression", "none").parquet(out)
        let df = try session.read.parquet(out).filter(col("id") >= 39_000)
        #expect(try df.count() == 1000)
        let tasks = session.lastJobTasks
        let read = tasks.reduce(0) { $0 + $1.metrics.rowGroupsRead }, skipped = tasks.reduce(0) { $0 + $1.metrics.rowGroupsSkipped }
        #expect(read >= 1 && skipped >= 5, "read \(read), skipped \(skipped)")

        let base = try #require(session.uiURL)
        let api = base + "/api/v1/applications/" + session.appId
        let stages = try #require(try JSONSerialization.jsonObject(with: Data(get(api + "/stages").utf8)) as? [[String: Any]])
        // The scan's stage: the one whose tasks read row groups.
        let scanStage = try #require(stages.first { ($0["rowGroupsSkipped"] as? Int ?? 0) > 0 }, "\(stages)")
        #expect(scanStage["rowGroupsRead"] as? Int == Int(read) && scanStage["rowGroupsSkipped"] as? Int == Int(skipped))
        let stageId = try #require(scanStage["stageId"] as? Int)
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(get(api + "/stages/\(stageId)").utf8)) as? [[String: Any]])
        let restTasks = try #require(detail.first?["tasks"] as? [String: [String: Any]])
        let inputs = restTasks.values.compactMap { ($0["taskMetrics"] as? [String: Any])?["inputMetrics"] as? [String: Any] }
        #expect(inputs.count == restTasks.count && inputs.allSatisfy { $0["bytesRead"] != nil && $0["recordsRead"] != nil })
        #expect(inputs.reduce(0) { $0 + ($1["rowGroupsRead"] as? Int ?? 0) } == Int(read))
        #expect(inputs.reduce(0) { $0 + ($1["rowGroupsSkipped"] as? Int ?? 0) } == Int(skipped))

        let page = try get(base + "/stage?id=\(stageId)")
        #expect(page.contains("<th>Row groups read</th><th>Row groups skipped</th>"))
        #expect(page.contains("Parquet row groups read") && page.contains("Parquet row groups skipped by statistics"))
        let perTask = tasks.filter { $0.metrics.rowGroupsRead + $0.metrics.rowGroupsSkipped > 0 }
        #expect(perTask.allSatisfy { page.contains("<td>\($0.metrics.rowGroupsRead)</td><td>\($0.metrics.rowGroupsSkipped)</td>") })
        // A stage that reads no Parquet has no such columns.
        let other = try #require(stages.first { ($0["rowGroupsRead"] as? Int ?? 0) == 0 && ($0["rowGroupsSkipped"] as? Int ?? 0) == 0 }, "the write's stages")
        #expect(!(try get(base + "/stage?id=\(try #require(other["stageId"] as? Int))")).contains("Row groups"))

        session.stop()
        // The event log keeps them: a replay shows the same counts.
        let replayed = try EventLogReader.load(try #require(session.eventLogPath)).snapshot
        let replayedStage = try #require(replayed.stages.values.first { $0.id == stageId })
        #expect(replayedStage.tasks.values.reduce(0) { $0 + $1.metrics.rowGroupsSkipped } == skipped)
        #expect(WebPages.stage(replayed, id: stageId).contains("Parquet row groups skipped by statistics"))
    }
}
