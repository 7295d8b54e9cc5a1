// ApplicationDirectory: the application's local directory, where shuffle files, spills, cached
// blocks and executor logs live. It is private to the user who runs the driver:
//
//   <base>/ember-<millis>-<16 random hex>/     mode 0700, created with mkdir(2), so it never
//       driver                                 reuses an existing directory (or a planted symlink)
//       executor-1.stderr, shuffle_0_3_0.data, …   files 0600
//
// `driver` records the driver's pid and its start time (field 22 of /proc/<pid>/stat): a driver
// that died without cleaning up (SIGKILL, a crash, power loss) left a directory whose driver is
// gone, and the next session of the same user on the same base removes it. The start time keeps a
// reused pid from passing for the old driver.

import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct ApplicationDirectory {
    let appId: String
    let path: String

    static let namePrefix = "ember-"
    static let markerName = "driver"

    /// Creates a fresh private directory under `base` (creating `base` itself if needed) and writes
    /// the driver marker in it.
    static func create(base rawBase: String) throws -> ApplicationDirectory {
        let base = rawBase.hasSuffix("/") && rawBase.count > 1 ? String(rawBase.dropLast()) : rawBase
        let hint = "set SessionConfig.localDir or EMBER_LOCAL_DIR to a writable directory"
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        } catch {
            throw EmberError(.configuration, "cannot create the base of the application directory",
                             context: [.init("path", base)], hint: hint, cause: error)
        }
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        for _ in 0..<8 {
            let appId = "\(namePrefix)\(millis)-\(FileOps.randomToken())"
            let path = base + "/" + appId
            if !FileOps.makePrivateDirectory(path) {
                if errno == EEXIST { continue }
                throw EmberError(.configuration, "cannot create the application directory: \(String(cString: strerror(errno)))",
                                 context: [.init("path", path)], hint: hint)
            }
            do {
                let marker = try PosixFile.create(path + "/" + markerName)
                let text = "pid \(getpid())\nstart \(processStartTime(getpid()) ?? 0)\n"
                try Array(text.utf8).withUnsafeBytes { try marker.write($0) }
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw EmberError.wrap(error, .configuration).with("path", path)
            }
            return ApplicationDirectory(appId: appId, path: path)
        }
        throw EmberError(.configuration, "cannot find an unused name for the application directory",
                         context: [.init("base", base)], hint: hint)
    }

    /// Removes the application directories under `base` that belong to this user and whose driver
    /// is gone. Directories without a readable marker are left alone (another driver may be
    /// creating one right now, or an older Ember wrote it).
    static func removeStale(in rawBase: String) {
        let base = rawBase.hasSuffix("/") && rawBase.count > 1 ? String(rawBase.dropLast()) : rawBase
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(namePrefix) {
            let path = base + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() else { continue }
            guard let driver = readMarker(path + "/" + markerName), !isAlive(driver) else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    struct Driver: Equatable {
        var pid: Int32
        var startTime: UInt64
    }

    static func readMarker(_ path: String) -> Driver? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }), pid > 0,
              let start = fields["start"].flatMap({ UInt64($0) }) else { return nil }
        return Driver(pid: pid, startTime: start)
    }

    /// Whether the process that wrote a marker still runs: its pid exists and started when the
    /// marker says (a reused pid has another start time).
    static func isAlive(_ driver: Driver) -> Bool {
        if kill(driver.pid, 0) != 0 && errno == ESRCH { return false }
        guard let now = processStartTime(driver.pid) else { return true }   // cannot tell: keep it
        return driver.startTime == 0 || now == driver.startTime
    }

    /// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot.
    static func processStartTime(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come the fields from 3 (state) on; the command name may hold spaces.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
