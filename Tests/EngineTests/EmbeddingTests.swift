// A Session embedded in a host program leaves the host's process-wide state alone: a program that
// bootstrapped swift-metrics itself can create Sessions (and may hand Ember its factory), SIGPIPE's
// disposition is what the program set, and an event log on a full disk, or a stderr on a full
// disk, never crashes the driver.

@testable import Engine
import Foundation
import Metrics
import Synchronization
import Testing

/// The host program's own metrics backend: remembers the counters it was asked for.
final class RecordingMetrics: MetricsFactory {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler {
        func increment(by: Int64) {}
        func reset() {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
    let labels = Mutex<[String]>([])
    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        labels.withLock { $0.append(label) }
        return Handler()
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        labels.withLock { $0.append(label) }
        return Handler()
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler { Handler() }
    func destroyCounter(_ handler: CounterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}
}

/// A SIGPIPE handler only this test installs, to see whether a Session replaces it.
private func hostPipeHandler(_ signo: Int32) {}

@Suite(.serialized) struct EmbeddingTests {
    func config(_ configure: (inout SessionConfig) -> Void = { _ in }) -> SessionConfig {
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 2, memory: 128 << 20)
        config.shufflePartitions = 3
        config.eventLogDir = nil
        config.printRootCauseReport = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        configure(&config)
        return config
    }

    func job(_ s: Session) throws -> [String] {
        try s.range(0, 3000).groupBy((col("id") % 3).alias("k")).count().orderBy("k").collect().map(\.description)
    }
    let expected = ["[0,1000]", "[1,1000]", "[2,1000]"]

    @Test func aHostThatBootstrappedMetricsCanUseSessions() throws {
        // The host program bootstraps swift-metrics, as a server does at start (once per process).
        let host = RecordingMetrics()
        MetricsSystem.bootstrap(host)
        let plain = try Session(config: config { $0.uiEnabled = false })
        #expect(try job(plain) == expected)
        #expect(ExecutorMetrics.text().contains("metrics_executor_completedTasks_total{application_id=\"\(plain.appId)\""),
                "Ember's own registry still serves /metrics")
        plain.stop()
        #expect(host.labels.withLock { $0 }.isEmpty, "Ember did not report through the global system uninvited")
        // The host hands Ember its factory: it gets Ember's metrics too.
        let shared = try Session(config: config { $0.uiEnabled = false; $0.metricsFactory = host })
        defer { shared.stop() }
        #expect(try job(shared) == expected)
        #expect(host.labels.withLock { $0 }.contains("metrics_executor_completedTasks_total"))
    }

    @Test func aSessionLeavesSigpipeAlone() throws {
        var hostAction = sigaction()
        hostAction.__sigaction_handler.sa_handler = hostPipeHandler
        sigemptyset(&hostAction.sa_mask)
        var previous = sigaction()
        sigaction(SIGPIPE, &hostAction, &previous)
        defer { sigaction(SIGPIPE, &previous, nil) }
        let s = try Session(config: config { $0.uiEnabled = false })
        #expect(try job(s) == expected)
        s.stop()
        var now = sigaction()
        sigaction(SIGPIPE, nil, &now)
        let handler = unsafeBitCast(now.__sigaction_handler.sa_handler, to: Int.self)
        #expect(handler == unsafeBitCast(hostAction.__sigaction_handler.sa_handler, to: Int.self), "SIGPIPE's handler is the host's")
    }

    @Test func anEventLogOnAFullDiskDoesNotStopTheDriver() throws {
        let dir = ScratchDir("fulllog")
        defer { dir.cleanup() }
        let s = try Session(config: config { $0.uiEnabled = false; $0.eventLogDir = dir.path; $0.faults.fullEventLogDisk = true })
        defer { s.stop() }
        #expect(try job(s) == expected)
        #expect(try job(s) == expected, "the driver keeps running jobs")
        let log = try #require(s.eventLogPath)
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)).isEmpty, "nothing reached the full disk")
    }

    @Test func aFullStderrDoesNotCrashTheTool() throws {
        let dir = ScratchDir("fullerr")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", "a,b\n1,2\n")
        let process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("ember")
        process.arguments = ["groupby", input, "--by", "missing", "--output", dir.file("o.csv"), "--no-ui", "--no-event-log"]
        process.standardError = FileHandle(forWritingAtPath: "/dev/full")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1,
                "the error could not be printed, but the tool still exits 1 (got \(process.terminationReason.rawValue)/\(process.terminationStatus))")
    }
}
