// RootCause+Disk: the finding for a local disk that refused writes. Tasks whose shuffle, spill or
// cache files could not be written (ENOSPC, EDQUOT, EIO: EmberError code LOCAL_DISK) are retried
// like any failed task; this finding says why they failed, which files, how much room is left, and
// where to point Ember's local directory instead.

import Foundation
@_spi(EmberInternal) import Planner

extension RootCauseAnalyzer {
    /// One finding per kind of disk failure (full, over quota, I/O error) among the job's failures.
    static func diskFindings(_ failures: [(TaskEventInfo, EmberError)], failed: Bool, config: SessionConfig,
                             appDir: String) -> [RootCauseReport.Finding] {
        let diskFailures = failures.filter { isDiskFailure($0.1) }
        let kinds = Dictionary(grouping: diskFailures) { Int32($0.1.context("errno") ?? "") ?? 0 }
        return kinds.keys.sorted().map { number in
            let list = kinds[number]!
            let what: String
            switch number {
            case ENOSPC: what = "the local disk is full"
            case EDQUOT: what = "the disk quota of this user is exhausted"
            case EIO: what = "the local disk reported an I/O error"
            default: what = "the local disk refused a write"
            }
            var evidence = list.prefix(3).map { info, error in
                "\(taskName(info)) failed: \(error.message)"
                    + (error.context("errno").map { " (file: \(error.context("file") ?? "?"), errno \($0))" } ?? "")
            }
            if list.count > 3 { evidence.append("… and \(list.count - 3) more task attempt(s) like these") }
            if let room = freeSpace(appDir) { evidence.append("free space under \(appDir) now: \(room)") }
            let place = "point Ember's local directory at a disk with room: SessionConfig.localDir or EMBER_LOCAL_DIR "
                + "(now \(config.localDir ?? ProcessInfo.processInfo.environment["EMBER_LOCAL_DIR"] ?? "the temp directory"))"
            let remedy = number == EIO ? "check the disk's health (dmesg), or \(place)" : "free space on that disk, or \(place)"
            return RootCauseReport.Finding(
                cause: "\(what): \(list.count) task attempt(s) could not write their local files",
                component: "the local disk under \(appDir) (shuffle, spill and cache files)",
                evidence: evidence,
                fix: failed ? remedy : "none needed now: the retried tasks succeeded; if this repeats, \(remedy)")
        }
    }

    static func isDiskFailure(_ error: EmberError) -> Bool { error.code == .localDisk }

    /// "1.2 GiB of 50.0 GiB" for the file system holding `path`, if it can be asked.
    static func freeSpace(_ path: String) -> String? {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return nil }
        let unit = Double(fs.f_frsize)
        func gib(_ blocks: UInt) -> String { String(format: "%.1f GiB", Double(blocks) * unit / Double(1 << 30)) }
        return "\(gib(UInt(fs.f_bavail))) of \(gib(UInt(fs.f_blocks)))"
    }

    static func taskName(_ i: TaskEventInfo) -> String { "task \(i.partition).\(i.attempt) of stage \(i.stage) (TID \(i.taskId))" }
}
