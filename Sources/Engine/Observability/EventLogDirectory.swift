// EventLogDirectory: where event logs may be written. Event logs hold data values (error messages
// quote input), so the directory must be private to the user, and nobody else may have put it
// there: a directory another user created in a shared /tmp, or a symlink planted in its place,
// would let that user read or redirect the logs. The default is one directory per user,
// `<tmp>/ember-events-<uid>`, so two users on one machine never share one.
//
//   missing   → created with mode 0700
//   present   → must be a real directory (not a symlink), owned by this user, and not writable by
//               group or others; otherwise the session refuses to start, saying so
//
// That refusal is for a directory the user chose. The default one is only a convention: when
// another user (or a symlink) holds it, or the log cannot be created there, each session says so
// in a warning, naming it and why, and runs without an event log rather than not at all.

import Foundation
import Logging
@_spi(EmberInternal) import Shuffle

enum EventLogDirectory {
    /// `<tmp>/ember-events-<uid>`.
    static var defaultPath: String { NSTemporaryDirectory() + "ember-events-\(geteuid())" }

    /// The session's event log in `directory`; nil, after a warning, when `directory` is the
    /// default one (`config.eventLogDir` was never set) and cannot be used. Any other directory that cannot be used is an error.
    static func openLog(_ directory: String, appId: String, config: SessionConfig) throws -> EventLogWriter? {
        do {
            return try EventLogWriter(directory: directory, appId: appId, config: config)
        } catch let error as EmberError where !config.eventLogDirChosen {
            Logger(label: "ember.driver").warning(
                "running without an event log: \(error.message): \(directory) (the default; not chosen by you)",
                metadata: ["hint": "remove it if it is not yours, or choose another directory with --event-log-dir (SessionConfig.eventLogDir)"])
            return nil
        }
    }

    /// Creates the directory if needed and checks that it is private to this user.
    static func prepare(_ rawPath: String) throws {
        let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        if FileOps.makePrivateDirectory(path) {
            return
        } else if errno != EEXIST {
            throw refusal(path, "cannot be created: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { throw refusal(path, "cannot be examined: \(String(cString: strerror(errno)))") }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFLNK { throw refusal(path, "is a symbolic link") }
        if kind != S_IFDIR { throw refusal(path, "is not a directory") }
        if st.st_uid != geteuid() { throw refusal(path, "belongs to uid \(st.st_uid), not to this user (uid \(geteuid()))") }
        if st.st_mode & 0o022 != 0 {
            throw refusal(path, "is writable by other users (mode \(String(st.st_mode & 0o7777, radix: 8)))")
        }
    }

    static func refusal(_ path: String, _ what: String) -> EmberError {
        EmberError(.configuration, "the event log directory \(what)", context: [.init("path", path)],
                   hint: "event logs must go to a directory private to you: remove this one if it is not yours, "
                       + "or choose another with SessionConfig.eventLogDir (--event-log-dir), "
                       + "or turn the event log off (eventLogDir = nil, --no-event-log)")
    }
}
