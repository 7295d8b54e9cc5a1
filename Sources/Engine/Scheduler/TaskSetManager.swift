// TaskSetManager: the tasks of one stage attempt. It hands out pending partitions when executors
// offer free slots (low partition indices first), tracks running attempts, and counts failures per
// partition against `task.maxFailures`. Failures that are not the task's fault (executor lost,
// fetch failures) do not count. Locality preferences and delay scheduling build on this type.

import Planner

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

    init(stage: Stage, attempt: Int, partitions: [Int]) {
        self.stage = stage
        self.stageAttempt = attempt
        self.partitions = partitions
        self.pending = partitions.reversed()   // popLast gives low indices first
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

    /// Takes the next partition to launch on `executor` and records the attempt. A partition that
    /// failed on this executor waits for another one, unless every live executor has failed it.
    mutating func next(taskId: TaskID, executor: ExecutorID, liveExecutors: Set<ExecutorID>, now: Double = 0) -> (partition: Int, attempt: Int)? {
        guard !isZombie else { return nil }
        pending.removeAll { finished.contains($0) }
        guard let index = pending.lastIndex(where: { p in
            guard let bad = failedOn[p], bad.contains(executor) else { return true }
            return liveExecutors.isSubset(of: bad)
        }) else { return nil }
        let p = pending.remove(at: index)
        let attempt = attempts[p, default: 0]
        attempts[p] = attempt + 1
        running[taskId] = (p, executor)
        launchedAt[taskId] = now
        return (p, attempt)
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
