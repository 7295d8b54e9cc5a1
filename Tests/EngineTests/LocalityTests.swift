// Locality levels and delay scheduling, driven with a manual clock (the TaskSetManager takes time
// as an argument), plus a real run with host labels where input splits run NODE_LOCAL.

@testable import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite struct LocalityTests {
    let stage = Stage(id: StageID(0), plan: .range(RangeSpec(start: 0, end: 4, step: 1, numPartitions: 4)), numPartitions: 4,
                      output: .result, parents: [], inputShuffles: [])
    let e1 = ExecutorPlace(id: ExecutorID("1"), host: "h1", rack: "r1")
    let e2 = ExecutorPlace(id: ExecutorID("2"), host: "h2", rack: "r1")
    let e3 = ExecutorPlace(id: ExecutorID("3"), host: "h3", rack: "r2")
    var live: Set<ExecutorID> { [e1.id, e2.id, e3.id] }

    func manager(_ prefs: [Int: [TaskLocation]], waits: LocalityWaits = LocalityWaits(all: 3)) -> TaskSetManager {
        TaskSetManager(stage: stage, attempt: 0, partitions: [0, 1, 2, 3], preferred: prefs, waits: waits,
                       racks: ["h1": "r1", "h2": "r1", "h3": "r2"], now: 0)
    }

    @Test func offersGetTheBestLevelFirst() {
        var tsm = manager([0: [TaskLocation(host: "h1", executor: ExecutorID("1"))], 1: [TaskLocation(host: "h2")], 2: [], 3: [TaskLocation(host: "h1")]])
        #expect(tsm.levels == [.processLocal, .nodeLocal, .noPref, .rackLocal, .any])
        let a = tsm.next(taskId: TaskID(1), place: e1, liveExecutors: live, now: 0)
        #expect(a?.partition == 0 && a?.locality == .processLocal)
        let b = tsm.next(taskId: TaskID(2), place: e1, liveExecutors: live, now: 0)
        #expect(b?.partition == 3 && b?.locality == .nodeLocal)
        let c = tsm.next(taskId: TaskID(3), place: e2, liveExecutors: live, now: 0)
        #expect(c?.partition == 1 && c?.locality == .nodeLocal)
    }

    @Test func delaySchedulingWaitsThenRelaxesLevelByLevel() {
        var tsm = manager([0: [TaskLocation(host: "h1")], 1: [TaskLocation(host: "h1")], 2: [TaskLocation(host: "h1")], 3: [TaskLocation(host: "h1")]])
        #expect(tsm.levels == [.nodeLocal, .rackLocal, .any])
        #expect(tsm.next(taskId: TaskID(1), place: e3, liveExecutors: live, now: 0) == nil, "h3 waits: the tasks want h1")
        #expect(tsm.next(taskId: TaskID(1), place: e2, liveExecutors: live, now: 2.9) == nil)
        let rack = tsm.next(taskId: TaskID(1), place: e2, liveExecutors: live, now: 3.0)
        #expect(rack?.locality == .rackLocal, "after locality.wait, h2 (same rack) may run it")
        #expect(tsm.next(taskId: TaskID(2), place: e3, liveExecutors: live, now: 3.1) == nil, "the rack wait restarted at the launch")
        let anywhere = tsm.next(taskId: TaskID(2), place: e3, liveExecutors: live, now: 6.1)
        #expect(anywhere?.locality == .any)
        let local = tsm.next(taskId: TaskID(3), place: e1, liveExecutors: live, now: 6.2)
        #expect(local?.locality == .nodeLocal, "a better level is always taken")
        #expect(tsm.allowedLevel(now: 6.2) == .nodeLocal, "and resets the allowed level")
    }

    @Test func levelsWithoutPendingTasksAreSkippedAtOnce() {
        var tsm = manager([0: [TaskLocation(host: "h1")], 1: [], 2: [], 3: []])
        let first = tsm.next(taskId: TaskID(1), place: e1, liveExecutors: live, now: 0)
        #expect(first?.partition == 0 && first?.locality == .nodeLocal)
        let next = tsm.next(taskId: TaskID(2), place: e3, liveExecutors: live, now: 0.01)
        #expect(next?.locality == .noPref, "no NODE_LOCAL task is left, so there is nothing to wait for")
    }

    @Test func aRealRunWithHostLabelsRunsSplitsNodeLocal() throws {
        var config = SessionConfig()
        config.master = .local(executors: 4, cores: 1, memory: 256 << 20)
        config.hosts = ["h1", "h2"]
        config.racks = ["h1": "r1", "h2": "r1"]
        config.maxPartitionBytes = 16 << 10
        config.shufflePartitions = 3
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        let dir = ScratchDir("locality")
        defer { dir.cleanup() }
        let text = randomText(lines: 4000, vocabulary: 300, skew: false, seed: 8)
        let input = dir.write("in.txt", text)
        let rows = try WordCountJob.dataFrame(session, inputs: [input]).collect().map { "\($0[0]):\($0[1])" }
        #expect(rows == referenceWordCount([text]).map { "\($0.0):\($0.1)" })
        let mapTasks = session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }
        let nodeLocal = mapTasks.filter { $0.locality == .nodeLocal }.count
        #expect(mapTasks.count > 8)
        #expect(nodeLocal * 2 >= mapTasks.count, "most splits ran on their host: \(nodeLocal) of \(mapTasks.count)")
        #expect(session.lastJobTasks.filter { $0.metrics.shuffleReadRows > 0 || $0.metrics.shuffleBlocksFetched > 0 }
            .allSatisfy { $0.locality == .noPref }, "shuffle reads have no preference")
    }
}
