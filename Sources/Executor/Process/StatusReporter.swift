// StatusReporter: sends a finished task's status to the driver. A status that cannot be sent
// while the connection still works (a frame too large, a message that cannot be encoded) must not
// end the executor or look like its loss: the task is reported FAILED instead, with the reason,
// and the driver retries it. Only when even that small status cannot be sent is the driver gone.

import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct StatusReporter {
    let connection: FrameConnection
    let task: TaskDescription
    let blocks: BlockManager

    /// Sends the status (and its binary part); on failure, a FAILED status without the payload.
    /// Exits the process when the driver cannot be reached at all.
    func report(_ status: TaskStatus, _ binary: [UInt8]) {
        do {
            if task.faults.unsendableStatus {
                throw EmberError(.internal, "injected failure to send the status (SessionConfig.faults.unsendableStatus)")
            }
            try connection.send(ExecutorMessage.statusUpdate(status), binary: binary)
            return
        } catch {
            // Nothing else will read the result file, or know of the blocks, of a status that never arrived.
            if let file = status.resultFile { unlink(file.path) }
            for block in status.cachedBlocks { blocks.remove(cacheId: block.cacheId, partition: block.partition) }
            var failed = TaskStatus(taskId: status.taskId, executorId: status.executorId, state: .failed, metrics: status.metrics)
            failed.failure = .exception(EmberError(.execution, "the status of \(task.displayName) could not be sent to the driver: \(error)",
                                                   context: [.init("task", task.displayName), .init("executor", status.executorId.value)],
                                                   hint: "the task is retried; if this repeats, the task's status is too large to send"))
            failed.storage = blocks.storageReport()
            do { try connection.send(ExecutorMessage.statusUpdate(failed)) } catch { exit(ExecutorExitCode.normal) }
        }
    }
}
