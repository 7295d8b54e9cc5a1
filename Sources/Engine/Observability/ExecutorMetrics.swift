// ExecutorMetrics: per-executor counters and gauges through swift-metrics (the metrics API),
// exported in Prometheus text format at /metrics with Spark's names (metrics_executor_*_total with
// application_id and executor_id labels), so alert rules written for Spark work.

import Foundation
import Metrics
import Prometheus
import Synchronization

final class ExecutorMetrics: Sendable {
    /// One registry per process: swift-metrics is bootstrapped once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    let appId: String
    let appName: String

    init(appId: String, appName: String) {
        _ = Self.registry
        self.appId = appId
        self.appName = appName
    }

    private func dims(_ executor: String) -> [(String, String)] {
        [("application_id", appId), ("application_name", appName), ("executor_id", executor)]
    }

    func record(_ event: SchedulerEvent) {
        switch event {
        case .taskStart(let info):
            Counter(label: "metrics_executor_totalTasks_total", dimensions: dims(info.executor)).increment()
            Meter(label: "metrics_executor_activeTasks", dimensions: dims(info.executor)).increment()
        case .taskEnd(let info, let error, let m):
            Meter(label: "metrics_executor_activeTasks", dimensions: dims(info.executor)).decrement()
            Counter(label: error == nil ? "metrics_executor_completedTasks_total" : "metrics_executor_failedTasks_total",
                    dimensions: dims(info.executor)).increment()
            Counter(label: "metrics_executor_totalShuffleRead_bytes_total", dimensions: dims(info.executor)).increment(by: Int(m.shuffleReadBytes))
            Counter(label: "metrics_executor_totalShuffleWrite_bytes_total", dimensions: dims(info.executor)).increment(by: Int(m.shuffleWriteBytes))
            Gauge(label: "metrics_executor_memoryUsed_bytes", dimensions: dims(info.executor)).record(Double(m.peakExecutionMemory))
        case .executorRemoved(let id, let reason, _, _, _, _):
            Counter(label: "metrics_executor_losses_total",
                    dimensions: [("application_id", appId), ("executor_id", id), ("reason", AppStatusStore.reasonKind(reason))]).increment()
        default:
            break
        }
    }

    /// The Prometheus text exposition of every metric in the process.
    static func text() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
