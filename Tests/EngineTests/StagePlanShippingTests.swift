// A stage's plan travels to an executor once per stage attempt; each task carries its key and its
// own inputs only. The launch message of a task no longer grows with its stage's plan or with the
// number of splits its siblings read.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct StagePlanShippingTests {
    @Test func aLaunchCarriesItsOwnInputsNotItsStagesPlanOrSiblingsSplits() throws {
        let dir = ScratchDir("plan-shipping")
        defer { dir.cleanup() }
        let rows = (0..<20_000).map { "\($0),\($0 % 97),name-\($0)" }.joined(separator: "\n")
        let path = dir.write("t.csv", "id,k,name\n" + rows + "\n")
        var config = testConfig()
        config.maxPartitionBytes = 4 << 10   // ~100 splits
        let session = try Session(config: config)
        defer { session.stop() }
        let t = try session.read.option("header", true).option("inferSchema", true).csv(path)
        let query = t.filter(col("k") > 3).join(t.groupBy("k").count(), on: "k").select(col("id"), col("count"))
        let physical = try session.planQuery(query.plan).physical.plan
        var stageID = 0, shuffleID = 0
        let graph = StageGraph.build(physical, nextStageID: &stageID, nextShuffleID: &shuffleID)
        let scanStage = try #require(graph.stages.first { if case .fileScan = $0.plan.leaf { return true } else { return false } })
        guard case .fileScan(let scan) = scanStage.plan.leaf else { return }
        #expect(scan.splits.count > 50)
        let encoder = JSONEncoder()
        func launchBytes(_ plan: PhysicalPlan, key: StagePlanKey?) throws -> Int {
            var task = TaskDescription(taskId: TaskID(1), stageId: scanStage.id, stageAttempt: 0, partition: 3, attempt: 0, plan: plan,
                                       output: scanStage.output, inputs: scanStage.plan.taskInputs(partition: 3) { _, _ in [] })
            task.planKey = key
            return try encoder.encode(DriverMessage.launchTask(task)).count
        }
        let withSplits = try launchBytes(scanStage.plan, key: nil)
        let planBytes = try encoder.encode(scanStage.plan.withoutSplits).count
        let keyed = try launchBytes(TaskDescription.planSentAhead, key: StagePlanKey(stage: scanStage.id, attempt: 0))
        print("launch message: \(withSplits) bytes with the stage plan and all splits; \(keyed) bytes with the plan sent ahead "
              + "(once per executor: \(planBytes) bytes); \(scan.splits.count) splits")
        #expect(keyed * 10 < withSplits)
        #expect(keyed < planBytes)
        // And the real thing runs: every task of these stages gets its plan from the executor's copy.
        let expected = try t.filter(col("k") > 3).count()
        #expect(try query.count() == expected)
    }
}
