// Session+Write: runs a write job (DataFrameWriter.save): plans the query so its last stage's
// tasks keep their rows, runs it with a `.write` output into the FileCommitProtocol, then commits
// the job and publishes the output directory; any failure or cancellation removes what the job
// wrote and leaves the old output as it was (OutputDirectory).

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization

/// Numbers write jobs in the process (with the time, Spark's job tracker id and job number).
private let writeJobs = Atomic<Int>(0)

extension Session {
    /// Writes `plan`'s rows as `template` says into `output` (whose root and job names it fills in).
    /// Returns the committed files' paths, relative to the output directory.
    @discardableResult
    func write(_ plan: LogicalPlan, spec template: FileWriteSpec, into output: OutputDirectory) throws -> [String] {
        var spec = template
        spec.root = output.root
        spec.jobUUID = UUID().uuidString.lowercased()
        spec.jobId = Self.jobTrackerId() + "_" + String(format: "%04d", writeJobs.add(1, ordering: .relaxed).newValue)
        let committer = FileCommitProtocol(spec: spec)
        do {
            let q = try planQuery(plan, resultToDriver: false)
            try committer.setupJob()
            try run(q.physical.plan, output: .write(spec), into: committer, finish: committer.commitJob, discard: {})
            try output.publishOutput()
            return committer.filePaths
        } catch {
            committer.abortJob()
            output.abandon()
            throw error
        }
    }

    /// `yyyyMMddHHmmss` of now, in UTC.
    static func jobTrackerId() -> String {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02d%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
