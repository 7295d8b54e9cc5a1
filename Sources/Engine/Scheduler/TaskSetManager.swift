// TaskSetManager: the tasks of one stage attempt. It hands out pending partitions when executors
// offer free slots, tracks running attempts, and counts failures per partition against
// `task.maxFailures`. Failures that are not the task's fault (executor lost, fetch failures) do
// not count.
//
// Locality and delay scheduling (Spark's TaskSetManager): each partition may prefer executors and
// hosts. An offer gets the pending partition with the best locality level for that executor that
// the current allowed level permits (lowest partition index first). The allowed level starts at
// the best level this task set has and moves one level worse each time `locality.wait` passes
// without a launch at the current level; levels without pending tasks are skipped at once
// (SPARK-4939); a launch at a better level brings the allowed level back to it.
//
// THREADING: owned by the DAGScheduler's event loop; time comes in as `now` (seconds), so tests
// drive it with a manual clock.

@_spi(EmberInternal) import Planner

struct TaskSetManager {
    let stage: Stage
    let stageAttempt: Int
    private(set) var pending: [Int]
    private(set) var running: [TaskID: (partition: Int, executor: ExecutorID)] = [:]
    private(set) var finished: Set<Int> = []
    private(set) var failures: [Int: Int] = [:]
    private var attempts: [Int: Int] = [:]
    /// A zombie task set launches nothing more (its stage attempt failed or finished).
    var isZombie = false
    let partitions: [Int]

    // LOCALITY
    /// Preferred places per partition (none: NO_PREF).
    let preferred: [Int: [TaskLocation]]
    let waits: LocalityWaits
    /// Rack of each host (hosts without one have no rack).
    let racks: [String: String]
    /// The levels this task set has tasks for, best first; always ends with ANY.
    let levels: [TaskLocality]
    private var localityIndex = 0
    private var lastLaunchTime: Double

    init(stage: Stage, attempt: Int, partitions: [Int], preferred: [Int: [TaskLocation]] = [:],
         waits: LocalityWaits = LocalityWaits(), racks: [String: String] = [:], now: Double = 0) {
        self.stage = stage
        self.stageAttempt = attempt
        self.partitions = partitions
        self.pending = partitions.reversed()
        self.preferred = preferred
        self.waits = waits
        self.racks = racks
        var levels: [TaskLocality] = []
        let prefs = partitions.compactMap { preferred[$0] }.filter { !$0.isEmpty }
        if prefs.contains(where: { $0.contains { $0.executor != nil } }) { levels.append(.processLocal) }
        if !prefs.isEmpty { levels.append(.nodeLocal) }
        if partitions.contains(where: { (preferred[$0] ?? []).isEmpty }) { levels.append(.noPref) }
        if prefs.contains(where: { $0.contains { racks[$0.host] != nil } }) { levels.append(.rackLocal) }
        levels.append(.any)
        self.levels = levels
        self.lastLaunchTime = now
    }

    /// The best level at which partition p could run on `place`.
    func level(of p: Int, on place: ExecutorPlace) -> TaskLocality {
        guard let prefs = preferred[p], !prefs.isEmpty else { return .noPref }
        if prefs.contains(where: { $0.executor == place.id }) { return .processLocal }
        if prefs.contains(where: { $0.host == place.host }) { return .nodeLocal }
        if let rack = place.rack, prefs.contains(where: { racks[$0.host] == rack }) { return .rackLocal }
        return .any
    }

    /// Whether any pending partition has preferences of the kind a level serves.
    private func hasPendingTasks(at level: TaskLocality) -> Bool {
        switch level {
        case .processLocal: return pending.contains { (preferred[$0] ?? []).contains { $0.executor != nil } }
        case .nodeLocal: return pending.contains { !(preferred[$0] ?? []).isEmpty }
        case .noPref: return pending.contains { (preferred[$0] ?? []).isEmpty }
        case .rackLocal: return pending.contains { (preferred[$0] ?? []).contains { racks[$0.host] != nil } }
        case .any: return !pending.isEmpty
        }
    }

    /// Spark's getAllowedLocalityLevel: the worst level an offer may use now.
    mutating func allowedLevel(now: Double) -> TaskLocality {
        while localityIndex < levels.count - 1 {
            let level = levels[localityIndex]
            if !hasPendingTasks(at: level) {
                localityIndex += 1   // nothing waits at this level: no reason to wait for it
                lastLaunchTime = now
            } else if now - lastLaunchTime >= waits.wait(for: level) {
                lastLaunchTime += waits.wait(for: level)
                localityIndex += 1
            } else {
                break
            }
        }
        return levels[localityIndex]
    }

    /// When delay scheduling lets pending tasks take the next worse level if no launch comes first
    /// (nil: no task waits for time: none is pending, or the level is already the worst).
    var nextLocalityTimeout: Double? {
        guard hasPending, localityIndex < levels.count - 1 else { return nil }
        return lastLaunchTime + waits.wait(for: levels[localityIndex])
    }

    var isComplete: Bool { finished.count == partitions.count }
    var hasPending: Bool { !pending.isEmpty && !isZombie }

    /// Executors each partition failed on: a retry goes elsewhere while another executor is alive.
    private var failedOn: [Int: Set<ExecutorID>] = [:]
    /// When each running attempt started, and how long successful attempts took (seconds).
    private var launchedAt: [TaskID: Double] = [:]
    private var durations: [Double] = []
    /// Partitions chosen for a speculative copy, not yet launched / already launched.
    private(set) var speculatable: [Int] = []
    private var speculated: Set<Int> = []

    /// Spark's checkSpeculatableTasks: once `quantile` of the tasks finished, marks running tasks slower
    /// than max(multiplier × median duration, minRuntime) for a copy. Returns how many were marked.
    mutating func checkSpeculatable(now: Double, quantile: Double, multiplier: Double, minRuntime: Double) -> Int {
        guard !isZombie, Double(finished.count) >= quantile * Double(partitions.count), !durations.isEmpty else { return 0 }
        let median = durations.sorted()[durations.count / 2]
        let threshold = Swift.max(multiplier * median, minRuntime)
        var marked = 0
        for (task, (p, _)) in running where !finished.contains(p) && !speculated.contains(p) {
            if let start = launchedAt[task], now - start > threshold {
                speculated.insert(p)
                speculatable.append(p)
                marked += 1
            }
        }
        return marked
    }

    /// A speculative copy to run on `executor` (never where the partition is already running).
    mutating func nextSpeculative(taskId: TaskID, executor: ExecutorID, now: Double) -> (partition: Int, attempt: Int)? {
        guard !isZombie else { return nil }
        speculatable.removeAll { finished.contains($0) }
        guard let index = speculatable.firstIndex(where: { p in !running.values.contains { $0.partition == p && $0.executor == executor } }) else {
            return nil
        }
        let p = speculatable.remove(at: index)
        let attempt = attempts[p, default: 0]
        attempts[p] = attempt + 1
        running[taskId] = (p, executor)
        launchedAt[taskId] = now
        return (p, attempt)
    }

    var hasSpeculatable: Bool { !isZombie && !speculatable.isEmpty }

    /// Running attempts of a partition other than `taskId` (to kill when one copy wins).
    func otherAttempts(of partition: Int, besides taskId: TaskID) -> [(TaskID, ExecutorID)] {
        running.filter { $0.value.partition == partition && $0.key != taskId }.map { ($0.key, $0.value.executor) }
    }

    /// Spark's resourceOffer: the pending partition to launch on `place` (best locality level within
    /// what delay scheduling allows, then lowest index), recorded as a new attempt. A partition that
    /// failed on this executor waits for another one, unless every live executor has failed it.
    mutating func next(taskId: TaskID, place: ExecutorPlace, liveExecutors: Set<ExecutorID>,
                       now: Double = 0) -> (partition: Int, attempt: Int, locality: TaskLocality)? {
        guard !isZombie else { return nil }
        pending.removeAll { finished.contains($0) }
        let allowed = allowedLevel(now: now)
        var best: (index: Int, level: TaskLocality, partition: Int)? = nil
        for (index, p) in pending.enumerated() {
            if let bad = failedOn[p], bad.contains(place.id), !liveExecutors.isSubset(of: bad) { continue }
            let level = level(of: p, on: place)
            guard level <= allowed else { continue }
            if best == nil || level < best!.level || (level == best!.level && p < best!.partition) { best = (index, level, p) }
        }
        guard let best else { return nil }
        pending.remove(at: best.index)
        let p = best.partition
        let attempt = attempts[p, default: 0]
        attempts[p] = attempt + 1
        running[taskId] = (p, place.id)
        launchedAt[taskId] = now
        if let i = levels.firstIndex(of: best.level) {
            localityIndex = i
            lastLaunchTime = now
        }
        return (p, attempt, best.level)
    }

    /// `next` for a place without locality labels (tests, single host).
    mutating func next(taskId: TaskID, executor: ExecutorID, liveExecutors: Set<ExecutorID>, now: Double = 0) -> (partition: Int, attempt: Int)? {
        next(taskId: taskId, place: ExecutorPlace(id: executor, host: "localhost"), liveExecutors: liveExecutors, now: now)
            .map { ($0.partition, $0.attempt) }
    }

    func partition(of taskId: TaskID) -> Int? { running[taskId]?.partition }

    /// Marks a task finished; returns false if the partition had already finished (a duplicate).
    mutating func succeeded(_ taskId: TaskID, now: Double = 0) -> Bool {
        guard let (p, _) = running.removeValue(forKey: taskId) else { return false }
        if let start = launchedAt.removeValue(forKey: taskId) { durations.append(now - start) }
        return finished.insert(p).inserted
    }

    /// Records a failure and re-queues the partition. Returns the partition's failure count.
    mutating func failed(_ taskId: TaskID, counts: Bool) -> Int {
        guard let (p, executor) = running.removeValue(forKey: taskId) else { return 0 }
        if counts {
            failures[p, default: 0] += 1
            failedOn[p, default: []].insert(executor)
        }
        if !finished.contains(p) && !isZombie { pending.append(p) }
        return failures[p, default: 0]
    }

    /// Tasks running on an executor that was lost; they are re-queued without counting a failure.
    mutating func executorLost(_ executor: ExecutorID) -> [TaskID] {
        let lost = running.filter { $0.value.executor == executor }.map(\.key)
        for t in lost { _ = failed(t, counts: false) }
        return lost
    }
}
