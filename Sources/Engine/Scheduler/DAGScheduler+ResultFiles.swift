// DAGScheduler+ResultFiles: result files nobody can take any more. A task writes its result into
// the application directory as `result_<task id>_<token>` and the driver removes it once read, or
// when the status of a task it no longer needs arrives (see handleStatus). A task whose status
// never arrives (its executor was lost or killed after writing, or it vanished from heartbeats)
// leaves its file behind; so before a job starts, when no result receiver holds any task's file,
// the files of tasks that are no longer running are removed.

import Foundation
@_spi(EmberInternal) import Planner

extension DAGScheduler {
    func removeOrphanedResultFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: cluster.appDir) else { return }
        for name in names where name.hasPrefix("result_") {
            let owner = name.dropFirst("result_".count).prefix { $0 != "_" }
            guard let id = Int(owner), tasks.running[TaskID(id)] == nil else { continue }   // the driver's own, or still running
            unlink(cluster.appDir + "/" + name)
        }
    }
}
