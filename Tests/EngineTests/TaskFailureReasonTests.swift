// Task failures as typed reasons: a real TaskRunner reports what stopped a task as a
// TaskFailureReason (the block it could not fetch, the cached block that is gone, a kill, an
// exception), every reason survives the event log's Spark form and is read back as the same case,
// and the listeners tell kills, losses and failures apart by the case, not by an error's text.

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Testing

@Suite struct TaskFailureReasonTests {
    /// The reduce task of a two-stage aggregate over a range, reading `blocks` for its shuffle.
    func reduceTask(blocks: [ShuffleBlockRef]) -> TaskDescription {
        let stage = SchedulerTests().graph().resultStage
        return TaskDescription(taskId: TaskID(7), stageId: stage.id, stageAttempt: 0, partition: 1, attempt: 0, plan: stage.plan,
                               output: stage.output, inputs: stage.plan.taskInputs(partition: 1) { _, _ in blocks })
    }

    @Test func aShuffleBlockThatCannotBeReadIsAFetchFailureNamingTheBlock() throws {
        let dir = ScratchDir("reason-fetch")
        defer { dir.cleanup() }
        let shuffle = try #require(SchedulerTests().graph().resultStage.inputShuffles.first)
        let block = ShuffleBlockRef(shuffleId: shuffle, mapId: TaskID(3), mapIndex: 2, executorId: ExecutorID("9"),
                                    dataPath: dir.file("gone.data"), indexPath: dir.file("gone.index"), length: 100)
        let (status, _) = TaskRunner(executorId: ExecutorID("1"), localDir: dir.path).run(reduceTask(blocks: [block]))
        #expect(status.state == .failed)
        guard case .fetchFailed(let fetch) = status.failure else {
            Issue.record("expected a fetch failure, got \(String(describing: status.failure))")
            return
        }
        #expect(fetch.shuffleId == shuffle && fetch.mapId == TaskID(3) && fetch.mapIndex == 2 && fetch.reduceId == 1)
        #expect(fetch.executorId == ExecutorID("9") && fetch.file == dir.file("gone.index"))
        #expect(fetch.error.code == .fetchFailed && fetch.error.context("task") != nil, "people still read where it happened")
        #expect(status.failure?.countsTowardTaskFailures == false)
    }

    @Test func aCachedBlockThatIsNotThereIsACacheBlockMissingReason() throws {
        let dir = ScratchDir("reason-cache")
        defer { dir.cleanup() }
        let spec = CacheSpec(id: 4, level: .memoryOnly, schema: StructType([StructField("id", .long)]), numPartitions: 3)
        let task = TaskDescription(taskId: TaskID(1), stageId: StageID(0), stageAttempt: 0, partition: 2, attempt: 0, plan: .cacheRead(spec),
                                   output: .result, inputs: PhysicalPlan.cacheRead(spec).taskInputs(partition: 2) { _, _ in [] })
        let (status, _) = TaskRunner(executorId: ExecutorID("5"), localDir: dir.path).run(task)
        #expect(status.state == .failed)
        guard case .cacheBlockMissing(let missing) = status.failure else {
            Issue.record("expected a missing cache block, got \(String(describing: status.failure))")
            return
        }
        #expect(missing == CacheBlockMissing(cacheId: 4, partition: 2, executorId: ExecutorID("5")))
    }

    @Test func killsOutOfMemoryAndOtherErrorsMapToTheirOwnCases() {
        #expect(TaskFailureReason(TaskKilled(reason: "another attempt succeeded")).isKilled)
        #expect(TaskFailureReason(EmberError(.outOfMemory, "no room")).isOutOfMemory)
        guard case .exception(let error) = TaskFailureReason(EmberError(.input, "bad row")) else {
            Issue.record("an input error is an exception failure")
            return
        }
        #expect(error.code == .input)
        #expect(TaskFailureReason(CocoaError(.fileNoSuchFile)).error.code == .execution, "any other error is wrapped")
    }

    /// Every reason, written as Spark's TaskEndReason and read back.
    @Test func everyReasonSurvivesTheEventLog() throws {
        let fetch = FetchFailure(shuffleId: ShuffleID(2), mapId: TaskID(11), mapIndex: 3, reduceId: 1, executorId: ExecutorID("4"),
                                 file: "/tmp/shuffle_2_11_0.data", error: EmberError(.fetchFailed, "cannot read shuffle block shuffle_2_11_1"))
        let reasons: [TaskFailureReason] = [
            .fetchFailed(fetch),
            .cacheBlockMissing(CacheBlockMissing(cacheId: 6, partition: 2, executorId: ExecutorID("3"))),
            .outOfMemory(EmberError(.outOfMemory, "cannot reserve 1 MiB")),
            .taskKilled(reason: "its job ended without needing it"),
            .executorLost(executor: ExecutorID("2"), causedByApp: false, message: "executor 2 lost: connection closed"),
            .exception(EmberError(.localDisk, "no space left on device")),
        ]
        var encoder = SparkEventJSON(user: "test")
        _ = encoder.encode(.jobStart(job: 0, stages: [JobStageInfo(id: 0, name: "s", numTasks: 1, parents: [], isShuffleMap: false)], time: 0))
        for (n, reason) in reasons.enumerated() {
            let info = TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: "1", locality: .any, launchTime: 1)
            let line = encoder.encode(.taskEnd(info, failure: reason, metrics: TaskMetrics()))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.encoded())) as? [String: Any])
            guard case .taskEnd(_, let back?, _) = try EventLogReader.event(object) else {
                Issue.record("\(reason) did not come back as a failed task")
                continue
            }
            switch (reason, back) {
            case (.fetchFailed(let a), .fetchFailed(let b)):
                #expect(a.shuffleId == b.shuffleId && a.mapId == b.mapId && a.mapIndex == b.mapIndex && a.reduceId == b.reduceId)
                #expect(a.executorId == b.executorId && a.file == b.file && a.error.message == b.error.message)
            case (.cacheBlockMissing(let a), .cacheBlockMissing(let b)): #expect(a == b)
            case (.outOfMemory(let a), .outOfMemory(let b)): #expect(a.message == b.message)
            case (.taskKilled(let a), .taskKilled(let b)): #expect(a == b)
            case (.executorLost(let e1, let c1, let m1), .executorLost(let e2, let c2, let m2)): #expect(e1 == e2 && c1 == c2 && m1 == m2)
            case (.exception(let a), .exception(let b)): #expect(a.code == b.code && a.message == b.message)
            default: Issue.record("\(reason) came back as \(back)")
            }
        }
    }

    /// The status store counts a killed task as killed and a lost one as failed, by the reason's case.
    @Test func theStatusStoreTellsKillsFromFailuresByTheirCase() {
        let store = AppStatusStore(maxMemory: 0, metrics: nil)
        store.onEvent(.executorAdded(executor: "1", host: "h", cores: 2, time: 0))
        store.onEvent(.stageSubmitted(stage: 0, attempt: 0, name: "s", tasks: 3, time: 0))
        let failures: [TaskFailureReason?] = [nil, .taskKilled(reason: "x"), .executorLost(executor: ExecutorID("1"), causedByApp: true, message: "x")]
        for (n, failure) in failures.enumerated() {
            let info = TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: "1", locality: .any, launchTime: 0)
            store.onEvent(.taskStart(info))
            store.onEvent(.taskEnd(info, failure: failure, metrics: TaskMetrics()))
        }
        let row = store.snapshot.executors["1"]
        #expect(row?.completedTasks == 1 && row?.killedTasks == 1 && row?.failedTasks == 1)
        #expect(store.snapshot.stages["0.0"]?.tasks.values.map(\.status).sorted() == ["FAILED", "KILLED", "SUCCESS"])
    }
}
