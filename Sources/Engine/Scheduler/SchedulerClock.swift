// SchedulerClock: the scheduler's time. Everything time-driven in the scheduler (heartbeat
// timeouts, silence warnings, registration deadlines, speculation, dynamic allocation, settling
// killed tasks) reads `now()` and waits through `take(from:before:)`, so a test can drive it with
// a ManualClock (Spark's ManualClock): the loop sleeps until an event arrives or the test moves the
// clock, never on the wall clock.
//
//   MonotonicClock  seconds since boot; waiting is a timed wait on the queue
//   ManualClock     time moves only by `advance(by:)`, which wakes a loop whose wait it ended (its
//                   next timer came due), as time passing would; no other

import Foundation
import Synchronization

protocol SchedulerClock: Sendable {
    /// Seconds since an arbitrary origin; never goes back.
    func now() -> Double
    /// The oldest event of `queue`, waiting until one is posted, the queue is woken, or this clock
    /// reaches `deadline` (`.infinity`: no deadline); nil when the wait ended without an event.
    func take<Event>(from queue: BlockingQueue<Event>, before deadline: Double) -> Event?
}

/// Production time: the system's monotonic clock.
struct MonotonicClock: SchedulerClock {
    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func take<Event>(from queue: BlockingQueue<Event>, before deadline: Double) -> Event? {
        queue.take(timeout: deadline.isFinite ? Swift.max(0, deadline - now()) : .infinity)
    }
}

/// Test time: starts at 0 and moves only when the test advances it.
final class ManualClock: SchedulerClock {
    private struct Waiter {
        let wake: @Sendable () -> Void
        /// Until when it waits: nothing it owns is due before.
        let deadline: Double
    }
    private struct State {
        var now: Double = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    init() {}

    func now() -> Double { state.withLock { $0.now } }

    /// The clock as a closure (for parts that take one, e.g. the progress bar).
    var read: @Sendable () -> Double { { [self] in now() } }

    /// Moves time forward and wakes the threads whose wait it ended.
    func advance(by seconds: Double) {
        let due = state.withLock { s -> [Waiter] in
            s.now += seconds
            return s.waiters.values.filter { $0.deadline <= s.now }
        }
        for waiter in due { waiter.wake() }
    }

    func take<Event>(from queue: BlockingQueue<Event>, before deadline: Double) -> Event? {
        // Checking the time and registering to be woken are one step, so an advance cannot slip between.
        let id = state.withLock { s -> Int? in
            guard s.now < deadline else { return nil }
            defer { s.nextWaiter += 1 }
            s.waiters[s.nextWaiter] = Waiter(wake: { queue.wake() }, deadline: deadline)
            return s.nextWaiter
        }
        guard let id else { return queue.poll() }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: id) } }
        return queue.take(timeout: .infinity)
    }

    /// Whether a thread waits on this clock until after `time`: everything it has to do by then
    /// is done (tests wait for this before judging "not yet").
    func isWaiting(at time: Double) -> Bool {
        state.withLock { s in s.waiters.values.contains { $0.deadline > time } }
    }
}
