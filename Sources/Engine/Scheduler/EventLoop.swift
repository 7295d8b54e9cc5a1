// EventLoop: the scheduler's one source of things to do: events from a queue (what executors say
// and how they end) and timers on the scheduler's clock (SchedulerClock). Each turn gives one:
//
//   an event already queued ─► .event          (what happened is handled before time is judged)
//   else a timer due by now ─► .timer          (earliest first; a periodic one is re-armed from now)
//   else wait on the clock until the earliest timer's time, an event, or a wake-up
//                            ─► .event, or .woken (then the caller looks at its requests and turns again)
//
// Timers are keys the owner chooses. A one-shot timer is armed for a time (`schedule(_:at:)`,
// replacing its earlier time); a periodic one fires every `period` seconds (`schedule(_:every:)`).
// Deadlines that only ever move later (an executor heard from again) may be armed early: the
// owner looks, finds nothing due, and arms the timer again for the new earliest time.
//
// THREADING: owned by the thread that runs the scheduler; others reach it only by posting to the
// queue or waking it (`BlockingQueue.wake`).

struct EventLoop<Event: Sendable, Timer: Hashable & Comparable> {
    let clock: any SchedulerClock
    let queue: BlockingQueue<Event>
    private var due: [Timer: Double] = [:]
    private var periods: [Timer: Double] = [:]

    init(clock: any SchedulerClock, queue: BlockingQueue<Event>) {
        self.clock = clock
        self.queue = queue
    }

    enum Turn {
        case event(Event)
        case timer(Timer)
        /// The wait ended without an event: a timer came due, or the loop was woken.
        case woken
    }

    /// Arms a one-shot timer for `time` (`.infinity`: disarms it).
    mutating func schedule(_ timer: Timer, at time: Double) {
        periods[timer] = nil
        due[timer] = time.isFinite ? time : nil
    }

    /// Arms a periodic timer: it fires `period` seconds from now, then every `period` after it fired.
    mutating func schedule(_ timer: Timer, every period: Double) {
        periods[timer] = period
        due[timer] = clock.now() + period
    }

    mutating func cancel(_ timer: Timer) {
        due[timer] = nil
        periods[timer] = nil
    }

    /// When a timer fires next (nil: not armed).
    func dueTime(of timer: Timer) -> Double? { due[timer] }

    /// The next thing to do; waits on the clock when there is nothing yet.
    mutating func next() -> Turn {
        if let event = queue.poll() { return .event(event) }
        let earliest = due.min { ($0.value, $0.key) < ($1.value, $1.key) }
        if let (timer, time) = earliest {
            let now = clock.now()
            if time <= now {
                if let period = periods[timer] { due[timer] = now + period } else { due[timer] = nil }
                return .timer(timer)
            }
        }
        if let event = clock.take(from: queue, before: earliest?.value ?? .infinity) { return .event(event) }
        return .woken
    }

    /// An event already queued, without waiting (to catch up before judging time).
    func queued() -> Event? { queue.poll() }
}
