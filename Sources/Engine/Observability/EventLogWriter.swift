// EventLogWriter: the application's event log, in Spark's format (SparkEventJSON writes each line),
// so Spark's own History Server lists and shows Ember's applications. Named as Spark names a
// single-file event log: <eventLogDir>/<appId>.inprogress while the application runs, renamed to
// <eventLogDir>/<appId> when it ends. (Spark takes a file name's extension for its compression
// codec, so the log has none.) The first lines are SparkListenerLogStart and the session's
// settings (SparkListenerEnvironmentUpdate); every line is flushed as it is written.
// The directory is checked to be private (EventLogDirectory); the file is created new (O_EXCL,
// never through a symlink) with mode 0600. A write that fails (a full disk) turns the log off with
// one warning, and leaves it named .inprogress; it never stops the driver.

import Foundation
import Logging
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class EventLogWriter: SchedulerListener, @unchecked Sendable {
    /// Spark's suffix for the log of an application that has not ended.
    static let inProgressSuffix = ".inprogress"

    /// Where the finished log goes.
    let completedPath: String
    // Guarded by `lock`.
    private let lock = NSLock()
    private var file: PosixFile?
    private var currentPath: String
    private var encoder: SparkEventJSON
    /// The lines that open the log, written with its first event.
    private var header: [OrderedJSON]

    /// The log's path now: `<appId>.inprogress`, then `<appId>` once the application ended.
    var path: String { lock.withLock { currentPath } }

    init(directory: String, appId: String, config: SessionConfig) throws {
        try EventLogDirectory.prepare(directory)
        completedPath = directory + "/" + appId
        currentPath = completedPath + Self.inProgressSuffix
        encoder = SparkEventJSON(user: Self.currentUser)
        do {
            file = try PosixFile.create(currentPath)
        } catch {
            throw EmberError(.output, "cannot create the event log", context: [.init("path", currentPath)],
                             hint: "set SessionConfig.eventLogDir to a writable directory, or nil to turn the event log off", cause: error)
        }
        header = [SparkEventJSON.logStart, SparkEventJSON.environment(config, appId: appId)]
    }

    /// Fault injection: the log's writes go to `device` (/dev/full: a full disk).
    func redirectWrites(to device: String) throws { try file?.redirectWrites(to: device) }

    func onEvent(_ event: SchedulerEvent) {
        lock.lock()
        defer { lock.unlock() }
        for line in header { write(line) }
        header = []
        write(encoder.encode(event))
        if case .applicationEnd = event { markCompleted() }
    }

    /// Writes one line. Called with `lock` held.
    private func write(_ line: OrderedJSON) {
        guard let file else { return }
        do {
            try (line.encoded() + [0x0A]).withUnsafeBytes { try file.write($0) }
        } catch {
            self.file = nil
            Logger(label: "ember.driver").warning("the event log cannot be written any more; its events are dropped from here on",
                                                  metadata: ["path": "\(currentPath)", "error": "\(String(describing: error))"])
        }
    }

    /// Renames the complete log to its final name (Spark then lists the application as completed),
    /// never replacing a file that has that name (link fails if it exists). Called with `lock` held.
    private func markCompleted() {
        guard file != nil, currentPath != completedPath else { return }
        if link(currentPath, completedPath) == 0 {
            _ = unlink(currentPath)
            currentPath = completedPath
        } else {
            Logger(label: "ember.driver").warning("the event log cannot be renamed to its final name; it keeps its .inprogress name",
                                                  metadata: ["path": "\(currentPath)", "error": "\(String(cString: strerror(errno)))"])
        }
    }

    /// The name of the user running the driver (Spark's "User" of the application).
    static var currentUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }
}
