// LogCapture: a swift-log logger whose lines a test can read, without bootstrapping the process's
// logging system.

import Logging
import Synchronization

/// Collects the lines logged through `logger`.
final class LogCapture: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])
    var all: [(Logger.Level, String)] { lines.withLock { $0 } }
    var warnings: [String] { all.filter { $0.0 == .warning }.map(\.1) }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.lines.withLock { $0.append((event.level, event.message.description)) }
        }
    }
}
