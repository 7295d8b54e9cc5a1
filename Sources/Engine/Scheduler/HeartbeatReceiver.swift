// HeartbeatReceiver: whether each executor is alive (Spark's HeartbeatReceiver). An executor
// launched must register within executorStartTimeoutSeconds of its launch; a registered one must
// be heard from (any message) within executorHeartbeatTimeoutSeconds. What heartbeats tell beyond
// "alive" is read here too:
//
//   - A task the driver believes runs on an executor, launched longer than a grace period ago,
//     that two heartbeats of the executor in a row do not list was lost on the way (its launch or
//     its status): it is logged and runs again, without counting as a failure. An executor lists a
//     task until after it sent the task's status, so an unlisted task's status would have arrived
//     first. (Two in a row: one heartbeat taken just before the launch arrived may be handled late,
//     behind a long event such as a result partition being written.)
//   - An executor silent for several heartbeat intervals, before the heartbeat timeout declares it
//     lost, is logged as a warning once, so a stalled job says what it is waiting for.
//
// It decides and logs; the DAGScheduler acts (kills and replaces an executor, runs a vanished task
// again). Its deadlines are the scheduler's timers (`nextRegistrationDeadline`, `nextExpiry`,
// `nextWarning`). One that moves later (a heartbeat) leaves its timer early: it fires, finds
// nothing, and is armed again; one that may move earlier (a launch, a registration, an executor
// heard from after a warning) is flagged, and the timers are armed again after that turn.
//
// THREADING: owned by the scheduler's event loop; time comes in as `now` from its clock.

@_spi(EmberInternal) import Executor
import Foundation
import Logging
@_spi(EmberInternal) import Planner

struct HeartbeatReceiver {
    let heartbeatTimeout: Double
    let registrationTimeout: Double
    let heartbeatInterval: Double
    /// A launch this recent may not have reached the executor when it took its heartbeat.
    var heartbeatGrace: Double { Swift.max(2 * heartbeatInterval, 1) }
    /// Silence this long is worth a warning (and comes well before the heartbeat timeout).
    var silenceWarning: Double { Swift.min(3 * heartbeatInterval, heartbeatTimeout / 2) }
    /// The scheduler's log lines about liveness (tasks lost from heartbeats, silent executors).
    var log = Logger(label: "ember.scheduler")

    /// Executors launched whose registration is still awaited, with when they were launched.
    private(set) var launching: [ExecutorID: Double] = [:]
    /// When each registered executor was last heard from.
    private(set) var lastHeard: [ExecutorID: Double] = [:]
    /// Executors the silence warning was logged for (until they are heard from again).
    private var warned: Set<ExecutorID> = []
    /// Set when a deadline may have moved earlier (a launch, a registration, an executor heard from
    /// after a warning), until the timers are armed again.
    private var deadlinesMoved = false

    init(config: SessionConfig) {
        heartbeatTimeout = config.executorHeartbeatTimeoutSeconds
        registrationTimeout = config.executorStartTimeoutSeconds
        heartbeatInterval = Double(config.heartbeatIntervalMillis) / 1000
    }

    mutating func launched(_ id: ExecutorID, at now: Double) {
        launching[id] = now
        deadlinesMoved = true
    }

    /// An executor registered; false if it is not awaited (given up on, or reported lost): it must not join.
    mutating func registered(_ id: ExecutorID, at now: Double) -> Bool {
        guard launching.removeValue(forKey: id) != nil else { return false }
        lastHeard[id] = now
        deadlinesMoved = true
        return true
    }

    /// A registered executor said something.
    mutating func heard(from id: ExecutorID, at now: Double) {
        if warned.remove(id) != nil {
            log.info("executor \(id) is heard from again")
            deadlinesMoved = true
        }
        if lastHeard[id] != nil { lastHeard[id] = now }
    }

    /// An executor is gone (lost, removed, or given up on); returns whether it was still launching.
    mutating func forget(_ id: ExecutorID) -> Bool {
        lastHeard[id] = nil
        warned.remove(id)
        return launching.removeValue(forKey: id) != nil
    }

    /// Tasks the driver believes run on `id` that this heartbeat, and the one before, do not list
    /// although they were launched longer than the grace period ago; each is logged.
    func vanishedTasks(on id: ExecutorID, listed: [TaskID], tasks: inout TaskScheduler, now: Double) -> [TaskID] {
        let listedSet = Set(listed)
        var vanished: [TaskID] = []
        for task in tasks.tasks(on: id) {
            let launchedAt = tasks.running[task]?.launchedAt ?? now
            guard !listedSet.contains(task), now - launchedAt > heartbeatGrace else {
                tasks.listed(task)
                continue
            }
            if tasks.unlisted(task) >= 2 {
                log.warning("task \(task) is not in executor \(id)'s heartbeats \(String(format: "%.1f", now - launchedAt)) s after its launch; treating it as lost and resubmitting it")
                vanished.append(task)
            }
        }
        return vanished
    }

    /// Registered executors silent for the heartbeat timeout or longer, with how long.
    func expired(now: Double) -> [(id: ExecutorID, silence: Double)] {
        // The same sums as the timers' due times (nextExpiry…), so a timer that fires finds its executor due.
        lastHeard.filter { $0.value + heartbeatTimeout <= now }.sorted { $0.key < $1.key }.map { ($0.key, now - $0.value) }
    }

    /// Launched executors that did not register within the registration timeout.
    func overdueRegistrations(now: Double) -> [ExecutorID] {
        launching.filter { $0.value + registrationTimeout <= now }.keys.sorted()
    }

    /// Logs, once per silence, executors not heard from for several heartbeat intervals;
    /// `busy`: how many tasks run on an executor.
    mutating func warnAboutSilentExecutors(now: Double, busy: (ExecutorID) -> Int) {
        for (id, heard) in lastHeard.sorted(by: { $0.key < $1.key }) where heard + silenceWarning <= now && !warned.contains(id) {
            warned.insert(id)
            log.warning("executor \(id) has sent no heartbeat for \(String(format: "%.1f", now - heard)) s (one is due every \(String(format: "%.1f", heartbeatInterval)) s) while \(busy(id)) of its tasks run; waiting, it is declared lost after \(Int(heartbeatTimeout)) s of silence")
        }
    }

    /// Whether a deadline may have moved earlier since the last call (then the timers are armed again).
    mutating func takeDeadlinesMoved() -> Bool {
        defer { deadlinesMoved = false }
        return deadlinesMoved
    }

    /// The earliest time a launched executor's registration deadline passes (`.infinity`: none).
    var nextRegistrationDeadline: Double { (launching.values.min() ?? .infinity) + registrationTimeout }
    /// The earliest time a registered executor's heartbeat timeout passes.
    var nextExpiry: Double { (lastHeard.values.min() ?? .infinity) + heartbeatTimeout }
    /// The earliest time an executor not yet warned about becomes worth a warning.
    var nextWarning: Double {
        (lastHeard.filter { !warned.contains($0.key) }.values.min() ?? .infinity) + silenceWarning
    }
}
