// HelperThread: one helper thread working through a FIFO of jobs while its owner's thread goes on
// (BackgroundFileWriter's write(2) calls, FramePipeline's compression). It runs `work` on each job
// in order, outside the lock, keeps the first error, and after one hands the remaining jobs over
// with `failed: true` so their buffers can be given back without work.
//
// The thread holds `work`, and through it the owner, until `close()`; a deinit could never stop
// it. So owners close it on every path, errors included, and `close()` drops `work` to break the
// cycle. Owners may guard the state they share with `work` by `condition`.

import Foundation

final class HelperThread<Job>: @unchecked Sendable {
    let condition: NSCondition
    // Guarded by `condition`.
    private var queue: [Job] = []
    private var closing = false
    private var exited = false
    private var failure: (any Error)?
    private var work: ((Job, _ failed: Bool) throws -> Void)?

    /// `condition`: pass one in when `work` itself needs the lock.
    init(stackSize: Int, condition: NSCondition = NSCondition(), work: @escaping (Job, _ failed: Bool) throws -> Void) {
        self.condition = condition
        self.work = work
        let thread = Thread { [self] in run() }
        thread.stackSize = stackSize
        thread.start()
    }

    /// Queues a job (takes the lock).
    func submit(_ job: Job) {
        condition.lock()
        queue.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Jobs not yet taken by the thread; call with `condition` locked.
    var queuedLocked: Int { queue.count }
    /// The first error `work` threw; call with `condition` locked.
    var failureLocked: (any Error)? { failure }

    /// Waits until every queued job is done and the thread has exited; then throws the first error.
    /// Safe to call more than once.
    func close() throws {
        condition.lock()
        closing = true
        condition.broadcast()
        while !exited { condition.wait() }
        let error = failure
        condition.unlock()
        if let error { throw error }
    }

    private func run() {
        condition.lock()
        while true {
            while queue.isEmpty && !closing { condition.wait() }
            guard !queue.isEmpty, let work else { break }
            let job = queue.removeFirst()
            let failed = failure != nil
            condition.unlock()
            var error: (any Error)? = nil
            do { try work(job, failed) } catch let e { error = e }
            condition.lock()
            if let error, failure == nil { failure = error }
            condition.broadcast()
        }
        exited = true
        work = nil
        condition.broadcast()
        condition.unlock()
    }
}
