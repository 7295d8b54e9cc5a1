// TaskKillFlag: the cancellation flag of one task attempt (Spark's TaskContext.isInterrupted and
// killTaskIfInterrupted). The executor's message loop sets it when the driver sends killTask; the
// task's own thread checks it between batches, so a killed task stops at the next batch boundary:
//
//   driver ── killTask(t) ──► executor loop: flags[t].kill(reason)
//   task thread: source ─batch─► CancellationPoint ─► operator ─► CancellationPoint ─► … ─► sink
//                                  └─ flag set? throw TaskKilled ─► TaskRunner reports KILLED
//
// Checks sit in front of every operator and the sink, so both the source's loop (scan, range,
// shuffle read, cache read) and the loops of blocking operators that emit from finish() (an
// aggregate's groups) stop within one batch.

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization

/// Set once to ask a running task attempt to stop; read by the task's thread between batches.
@_spi(EmberInternal) public final class TaskKillFlag: Sendable {
    private let killed = Atomic<Bool>(false)
    private let why = Mutex<String>("")

    @_spi(EmberInternal) public init() {}

    /// Asks the task to stop at its next batch boundary.
    @_spi(EmberInternal) public func kill(reason: String) {
        why.withLock { if $0.isEmpty { $0 = reason } }
        killed.store(true, ordering: .releasing)
    }

    @_spi(EmberInternal) public var isKilled: Bool { killed.load(ordering: .acquiring) }

    /// Why the task was asked to stop (empty while it was not).
    @_spi(EmberInternal) public var reason: String { why.withLock { $0 } }

    /// Throws ``TaskKilled`` if the task was asked to stop.
    @inline(__always)
    @_spi(EmberInternal) public func check() throws {
        if isKilled { throw TaskKilled(reason: reason) }
    }

    /// Sleeps `millis`, waking every 10 ms to stop early (throwing ``TaskKilled``) if the task is killed.
    @_spi(EmberInternal) public func sleep(millis: Int) throws {
        var left = millis
        while left > 0 {
            try check()
            let step = Swift.min(left, 10)
            usleep(UInt32(step) * 1000)
            left -= step
        }
        try check()
    }
}

/// Thrown inside a task whose kill flag was set; the task ends with state KILLED, not FAILED.
@_spi(EmberInternal) public struct TaskKilled: Error, CustomStringConvertible {
    @_spi(EmberInternal) public let reason: String
    @_spi(EmberInternal) public var description: String { "task killed: \(reason)" }
}

/// A batch boundary: checks the task's kill flag before passing each batch on.
final class CancellationPoint: RawRowsConsumer {
    let flag: TaskKillFlag
    let downstream: any BatchConsumer

    init(_ flag: TaskKillFlag, downstream: any BatchConsumer) {
        self.flag = flag
        self.downstream = downstream
    }

    func consume(_ batch: ColumnarBatch) throws {
        try flag.check()
        try downstream.consume(batch)
    }

    func finish() throws {
        try flag.check()
        try downstream.finish()
    }

    func acceptsRawRows(keyCount: Int) -> Bool {
        (downstream as? any RawRowsConsumer)?.acceptsRawRows(keyCount: keyCount) ?? false
    }

    func consumeRaw(_ batch: ColumnarBatch) throws {
        try flag.check()
        guard let raw = downstream as? any RawRowsConsumer else { throw EmberError(.internal, "raw rows sent to a consumer that takes none") }
        try raw.consumeRaw(batch)
    }
}

/// Fault injection: a straggler that spends `millis` before passing on each batch (still killable).
final class SlowBatches: BatchConsumer {
    let flag: TaskKillFlag
    let millis: Int
    let downstream: any BatchConsumer

    init(millis: Int, flag: TaskKillFlag, downstream: any BatchConsumer) {
        self.millis = millis
        self.flag = flag
        self.downstream = downstream
    }

    func consume(_ batch: ColumnarBatch) throws {
        try flag.sleep(millis: millis)
        try downstream.consume(batch)
    }

    func finish() throws { try downstream.finish() }
}
