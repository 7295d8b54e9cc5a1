// Processes seen through /proc, for tests that look for, stop and end real processes: a process's
// name, state and parent from /proc/<pid>/stat, its live children, and cleanup for processes a
// test stopped with SIGSTOP.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The start of a process's /proc/<pid>/stat line: name, state and parent.
struct ProcessStat {
    let name: String
    /// R, S, D, T (stopped), Z (zombie)…
    let state: Character
    let parent: Int32

    /// Nil when the process is gone.
    init?(_ pid: Int32) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come the fields from 3 (state) on; the name may hold spaces and parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        name = String(text[text.index(after: open)..<close])
        self.state = state
        self.parent = parent
    }

    /// True while the process exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool { ProcessStat(pid).map { $0.state != "Z" } ?? false }

    /// The live (not zombie) processes whose parent is `parent`.
    static func children(of parent: Int32) -> [Int32] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        return pids.filter { pid in ProcessStat(pid).map { $0.parent == parent && $0.state != "Z" } ?? false }
    }

    /// Ends those of `pids` that are still stopped (a test froze them): SIGCONT, then SIGKILL.
    /// Only stopped ones, so a pid reused by another process since is left alone.
    static func killStopped(_ pids: [Int32]) {
        for pid in pids where ProcessStat(pid)?.state == "T" {
            kill(pid, SIGCONT)
            kill(pid, SIGKILL)
        }
    }
}
