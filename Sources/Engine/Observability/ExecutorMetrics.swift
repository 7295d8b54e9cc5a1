// ExecutorMetrics: per-executor counters and gauges through swift-metrics (the metrics API),
// exported in Prometheus text format at /metrics with Spark's names (metrics_executor_*_total with
// application_id and executor_id labels), so alert rules written for Spark work.
//
// Ember never bootstraps the process-wide MetricsSystem: that is the host program's to do, once.
// Every metric is created against an explicit factory: Ember's own Prometheus registry (served at
// /metrics), plus the program's factory when it passes one (SessionConfig.metricsFactory).

import Foundation
import Metrics
import Prometheus
import Synchronization

final class ExecutorMetrics: Sendable {
    /// Ember's registry, shared by the sessions of the process (each labels its own application).
    static let registry = PrometheusCollectorRegistry()

    let appId: String
    let appName: String
    let factory: any MetricsFactory

    /// `hostFactory`: the program's own metrics backend, which gets every metric too.
    init(appId: String, appName: String, hostFactory: (any MetricsFactory)? = nil) {
        self.appId = appId
        self.appName = appName
        let own = PrometheusMetricsFactory(registry: Self.registry)
        factory = hostFactory.map { MultiplexMetricsHandler(factories: [own, $0]) } ?? own
    }

    private func dims(_ executor: String) -> [(String, String)] {
        [("application_id", appId), ("application_name", appName), ("executor_id", executor)]
    }

    func record(_ event: SchedulerEvent) {
        switch event {
        case .taskStart(let info):
            Counter(label: "metrics_executor_totalTasks_total", dimensions: dims(info.executor), factory: factory).increment()
            Meter(label: "metrics_executor_activeTasks", dimensions: dims(info.executor), factory: factory).increment()
        case .taskEnd(let info, let error, let m):
            Meter(label: "metrics_executor_activeTasks", dimensions: dims(info.executor), factory: factory).decrement()
            Counter(label: error == nil ? "metrics_executor_completedTasks_total" : "metrics_executor_failedTasks_total",
                    dimensions: dims(info.executor), factory: factory).increment()
            Counter(label: "metrics_executor_totalShuffleRead_bytes_total", dimensions: dims(info.executor), factory: factory)
                .increment(by: Int(m.shuffleReadBytes))
            Counter(label: "metrics_executor_totalShuffleWrite_bytes_total", dimensions: dims(info.executor), factory: factory)
                .increment(by: Int(m.shuffleWriteBytes))
            Gauge(label: "metrics_executor_memoryUsed_bytes", dimensions: dims(info.executor), factory: factory)
                .record(Double(m.peakExecutionMemory))
        case .executorRemoved(let id, let reason, _, _, _, _) where AppStatusStore.reasonKind(reason) != "idle":
            Counter(label: "metrics_executor_losses_total",
                    dimensions: [("application_id", appId), ("executor_id", id), ("reason", AppStatusStore.reasonKind(reason))],
                    factory: factory).increment()
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
