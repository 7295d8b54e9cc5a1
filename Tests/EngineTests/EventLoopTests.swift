// The scheduler's EventLoop on a ManualClock, alone: a loop waiting for its next timer sleeps until
// the test moves the clock past the timer's time, and not before; events queued come before due
// timers; timers due together fire earliest first; a periodic timer is armed again from the time
// it fired; a wake-up ends the wait without an event. Nothing here waits on the wall clock except
// for a condition, with a generous deadline.

@testable import Engine
import Foundation
import Synchronization
import Testing

@Suite struct EventLoopTests {
    enum Timer: Int, Comparable {
        case first, second
        static func < (a: Timer, b: Timer) -> Bool { a.rawValue < b.rawValue }
    }

    @Test func aWaitingLoopFiresItsTimerWhenTheClockPassesItsTimeAndNotBefore() {
        let clock = ManualClock()
        let queue = BlockingQueue<Int>()
        let fired = Mutex<[(Timer, Double)]>([])
        let done = Atomic<Bool>(false)
        Thread {
            var loop = EventLoop<Int, Timer>(clock: clock, queue: queue)
            loop.schedule(.first, at: 10)
            while true {
                if case .timer(let timer) = loop.next() {
                    fired.withLock { $0.append((timer, clock.now())) }
                    break
                }
            }
            done.store(true, ordering: .releasing)
        }.start()
        #expect(waitUntil(seconds: 60) { clock.isWaiting(at: 0) })
        clock.advance(by: 9.5)
        #expect(waitUntil(seconds: 60) { clock.isWaiting(at: 9.5) }, "the loop still waits, for 10")
        #expect(fired.withLock { $0.isEmpty }, "not before its time")
        clock.advance(by: 0.5)
        #expect(waitUntil(seconds: 60) { done.load(ordering: .acquiring) })
        #expect(fired.withLock { $0.map(\.0) } == [.first] && fired.withLock { $0.first?.1 } == 10)
    }

    @Test func queuedEventsComeBeforeDueTimersAndDueTimersFireEarliestFirst() {
        let clock = ManualClock()
        let queue = BlockingQueue<Int>()
        var loop = EventLoop<Int, Timer>(clock: clock, queue: queue)
        loop.schedule(.second, at: 2)
        loop.schedule(.first, at: 3)
        clock.advance(by: 5)
        queue.post(7)
        var turns: [String] = []
        for _ in 0..<3 {
            switch loop.next() {
            case .event(let e): turns.append("event \(e)")
            case .timer(let t): turns.append("timer \(t)")
            case .woken: turns.append("woken")
            }
        }
        #expect(turns == ["event 7", "timer second", "timer first"])
        #expect(loop.dueTime(of: .first) == nil && loop.dueTime(of: .second) == nil, "one-shot timers are disarmed once fired")
    }

    @Test func aPeriodicTimerIsArmedAgainFromTheTimeItFired() {
        let clock = ManualClock()
        var loop = EventLoop<Int, Timer>(clock: clock, queue: BlockingQueue<Int>())
        loop.schedule(.first, every: 1)
        #expect(loop.dueTime(of: .first) == 1)
        clock.advance(by: 3.5)   // several periods at once: it fires once, then a period after now
        guard case .timer(.first) = loop.next() else {
            Issue.record("the periodic timer was due")
            return
        }
        #expect(loop.dueTime(of: .first) == 4.5)
        loop.cancel(.first)
        #expect(loop.dueTime(of: .first) == nil)
    }

    @Test func aWakeUpEndsTheWaitWithoutAnEvent() {
        let clock = ManualClock()
        let queue = BlockingQueue<Int>()
        let turn = Mutex<String?>(nil)
        Thread {
            var loop = EventLoop<Int, Timer>(clock: clock, queue: queue)   // no timer: it waits for an event or a wake-up
            let next = loop.next()
            turn.withLock { $0 = if case .woken = next { "woken" } else { "\(next)" } }
        }.start()
        #expect(waitUntil(seconds: 60) { clock.isWaiting(at: 0) })
        queue.wake()
        #expect(waitUntil(seconds: 60) { turn.withLock { $0 != nil } })
        #expect(turn.withLock { $0 } == "woken")
        #expect(queue.poll() == nil)
    }
}
