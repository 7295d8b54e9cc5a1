// The out-of-memory finding's full text, fed the events of a job whose failing task read a skewed
// partition: the fix must keep its advice on memory, partitions and recovery mode after the
// skew advice (once lost to `+` binding tighter than `??`).

@testable import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

@Suite struct RootCauseFixTextTests {
    func info(_ tid: Int, partition: Int, executor: String, planned: Int64) -> TaskEventInfo {
        TaskEventInfo(taskId: tid, stage: 1, stageAttempt: 0, partition: partition, attempt: 0, executor: executor,
                      locality: .any, launchTime: 0, plannedInputBytes: planned)
    }

    func outOfMemoryEvents(skewed: Bool) -> [SchedulerEvent] {
        // Four reduce partitions of 100 KiB; the first is 40× that when skewed.
        let sizes: [Int64] = [skewed ? 4_096_000 : 102_400, 102_400, 102_400, 102_400]
        var events: [SchedulerEvent] = [.jobStart(job: 3, stages: [JobStageInfo(id: 0, name: "s0", numTasks: 1, parents: [], isShuffleMap: true),
                                                                 JobStageInfo(id: 1, name: "s1", numTasks: 1, parents: [0], isShuffleMap: false)], time: 0)]
        for p in 0..<4 { events.append(.taskStart(info(10 + p, partition: p, executor: "1", planned: sizes[p]))) }
        var metrics = TaskMetrics()
        metrics.peakExecutionMemory = 5 << 20
        events.append(.taskEnd(info(10, partition: 0, executor: "1", planned: sizes[0]),
                               failure: .outOfMemory(EmberError(.outOfMemory, "cannot reserve 1048576 bytes")), metrics: metrics))
        events.append(.executorRemoved(executor: "1", reason: "executor ran out of memory (exit code 52)", kind: .outOfMemory, exitCode: 52, signal: nil,
                                       killedByDriver: false, time: 1))
        events.append(.jobEnd(job: 3, error: EmberError(.outOfMemory, "cannot reserve 1048576 bytes"), time: 2))
        return events
    }

    func config(recovery: Bool) -> SessionConfig {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 64 << 20)
        config.recoveryModeEnabled = recovery
        return config
    }

    @Test func skewedOutOfMemoryKeepsTheWholeFix() throws {
        let report = try #require(RootCauseAnalyzer.analyze(outOfMemoryEvents(skewed: true), config: config(recovery: true), appDir: "/tmp/app"))
        let oom = try #require(report.findings.first { $0.cause.contains("ran out of memory") })
        #expect(oom.fix == "the failing partition is 40.0× the median 102400 bytes: spread its hot key (salt the key) rather than "
                + "give every executor more memory; or give executors more memory (now 64 MiB), use more partitions so each "
                + "task holds less, or rely on recovery mode (on: replacements run one task at a time)")
    }

    @Test func evenOutOfMemoryGivesTheMemoryAdviceAlone() throws {
        let report = try #require(RootCauseAnalyzer.analyze(outOfMemoryEvents(skewed: false), config: config(recovery: false), appDir: "/tmp/app"))
        let oom = try #require(report.findings.first { $0.cause.contains("ran out of memory") })
        #expect(oom.fix == "give executors more memory (now 64 MiB), use more partitions so each task holds less, "
                + "or turn recoveryModeEnabled back on so replacements run one task at a time")
    }
}
