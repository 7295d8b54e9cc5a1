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
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Executor

// Prometheus has types of these names too: these are swift-metrics' ones.
private typealias Counter = CoreMetrics.Counter
private typealias Meter = CoreMetrics.Meter
private typealias Gauge = CoreMetrics.Gauge

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

    /// One executor's metrics, created when it is first seen and reused for every event.
    private struct Instruments: Sendable {
        let totalTasks, completedTasks, failedTasks, shuffleRead, shuffleWrite: Counter
        let activeTasks: Meter
        let memoryUsed: Gauge
    }
    private let instruments = Mutex<[String: Instruments]>([:])
    /// Loss counters, by executor and kind of reason.
    private let lossCounters = Mutex<[String: Counter]>([:])

    private func instruments(_ executor: String) -> Instruments {
        instruments.withLock { known in
            if let existing = known[executor] { return existing }
            let dims = [("application_id", appId), ("application_name", appName), ("executor_id", executor)]
            func counter(_ label: String) -> Counter { Counter(label: label, dimensions: dims, factory: factory) }
            let made = Instruments(totalTasks: counter("metrics_executor_totalTasks_total"),
                                   completedTasks: counter("metrics_executor_completedTasks_total"),
                                   failedTasks: counter("metrics_executor_failedTasks_total"),
                                   shuffleRead: counter("metrics_executor_totalShuffleRead_bytes_total"),
                                   shuffleWrite: counter("metrics_executor_totalShuffleWrite_bytes_total"),
                                   activeTasks: Meter(label: "metrics_executor_activeTasks", dimensions: dims, factory: factory),
                                   memoryUsed: Gauge(label: "metrics_executor_memoryUsed_bytes", dimensions: dims, factory: factory))
            known[executor] = made
            return made
        }
    }

    private func lossCounter(_ executor: String, _ kind: String) -> Counter {
        lossCounters.withLock { known in
            if let existing = known[executor + "\u{0}" + kind] { return existing }
            let made = Counter(label: "metrics_executor_losses_total",
                               dimensions: [("application_id", appId), ("executor_id", executor), ("reason", kind)], factory: factory)
            known[executor + "\u{0}" + kind] = made
            return made
        }
    }

    func record(_ event: SchedulerEvent) {
        switch event {
        case .taskStart(let info):
            let metrics = instruments(info.executor)
            metrics.totalTasks.increment()
            metrics.activeTasks.increment()
        case .taskEnd(let info, let failure, let m):
            let metrics = instruments(info.executor)
            metrics.activeTasks.decrement()
            // As Spark's status store counts them: a killed task is neither completed nor failed.
            if failure == nil { metrics.completedTasks.increment() } else if failure?.isKilled == false { metrics.failedTasks.increment() }
            metrics.shuffleRead.increment(by: Int(m.shuffleReadBytes))
            metrics.shuffleWrite.increment(by: Int(m.shuffleWriteBytes))
            metrics.memoryUsed.record(Double(m.peakExecutionMemory))
        case .executorRemoved(let id, _, let kind, _, _, _, _) where kind.isLoss:
            lossCounter(id, kind.rawValue).increment()
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
