// Ember's executor metrics are created once per executor (and per loss reason), then reused: a
// session of many tasks must not ask the metrics backend for a new counter on every event.

@testable import Engine
import Foundation
@_spi(EmberInternal) import Executor
import Metrics
import Synchronization
import Testing
@_spi(EmberInternal) import Planner

@Suite struct MetricsReuseTests {
    @Test func eachMetricIsMadeOnceHoweverManyEventsItCounts() throws {
        let host = RecordingMetrics()
        let metrics = ExecutorMetrics(appId: "app-reuse-\(UUID().uuidString.prefix(8))", appName: "reuse", hostFactory: host)
        for n in 0..<200 {
            let info = TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: String(n % 2 + 1),
                                     locality: .any, launchTime: 0)
            metrics.record(.taskStart(info))
            metrics.record(.taskEnd(info, failure: n % 10 == 0 ? .exception(EmberError(.execution, "failed")) : nil, metrics: TaskMetrics()))
        }
        for _ in 0..<3 {
            metrics.record(.executorRemoved(executor: "1", reason: "executor process exited with code 1", kind: .crash, exitCode: 1, signal: nil,
                                            killedByDriver: false, time: 0))
        }
        let made = host.labels.withLock { $0 }
        // Per executor (2): 5 counters, 1 meter, 1 gauge; one loss counter.
        #expect(made.count == 2 * 7 + 1, "\(made.count) metrics made: \(Dictionary(made.map { ($0, 1) }, uniquingKeysWith: +))")
        #expect(ExecutorMetrics.text().contains("metrics_executor_completedTasks_total{application_id=\"\(metrics.appId)\",application_name=\"reuse\",executor_id=\"1\"} 80"),
                "the reused counters still count")
    }

    @Test func aKilledTaskIsNeitherCompletedNorFailed() throws {
        let metrics = ExecutorMetrics(appId: "app-killed-\(UUID().uuidString.prefix(8))", appName: "killed", hostFactory: RecordingMetrics())
        for (n, failure) in [nil, TaskFailureReason.taskKilled(reason: "speculative copy lost"), .exception(EmberError(.execution, "failed"))].enumerated() {
            let info = TaskEventInfo(taskId: n, stage: 0, stageAttempt: 0, partition: n, attempt: 0, executor: "1", locality: .any, launchTime: 0)
            metrics.record(.taskStart(info))
            metrics.record(.taskEnd(info, failure: failure, metrics: TaskMetrics()))
        }
        let text = ExecutorMetrics.text()
        let labels = "{application_id=\"\(metrics.appId)\",application_name=\"killed\",executor_id=\"1\"}"
        #expect(text.contains("metrics_executor_completedTasks_total\(labels) 1"), "\(text)")
        #expect(text.contains("metrics_executor_failedTasks_total\(labels) 1"), "killed is not failed, as in Spark: \(text)")
        #expect(text.contains("metrics_executor_totalTasks_total\(labels) 3"), "\(text)")
    }
}
