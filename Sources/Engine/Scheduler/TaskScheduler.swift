// TaskScheduler: the executors' task slots and the task attempts running in them (the slot side of
// Spark's TaskSchedulerImpl). Each launched attempt has one RunningTask record, from its launch
// until its status arrives, its executor is lost, or it vanishes from its executor's heartbeats;
// everything the driver tracks about a running attempt (where, since when, whether a kill was
// asked, how heartbeats saw it, its event info) lives in that record, so ending a task is one call
// that also frees its slot. Kills are its too (TaskScheduler+Kills).
//
// THREADING: owned by the DAGScheduler's event loop; time comes in as `now` from its clock.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// One task attempt the driver launched and has not heard the end of.
struct RunningTask {
    let executor: ExecutorID
    /// When it was launched (the scheduler's clock; heartbeats judge only tasks older than a grace period).
    let launchedAt: Double
    /// Its identity for the listeners (its end event), also after its job ended.
    var info: TaskEventInfo
    /// Heartbeats in a row of its executor that did not list it (see HeartbeatReceiver).
    var unlistedHeartbeats = 0
    /// Set once the scheduler asked it to stop, until it reports.
    var kill: (stage: StageID, partition: Int)? = nil
}

struct TaskScheduler {
    /// Where kill requests go.
    let backend: any ExecutorBackend
    struct ExecutorSlot {
        let info: ExecutorInfo
        var freeCores: Int
    }
    /// Registered executors and their free task slots.
    private(set) var executors: [ExecutorID: ExecutorSlot] = [:]
    /// Launched attempts not yet ended, also across jobs (a killed task of an ended job holds its slot).
    private(set) var running: [TaskID: RunningTask] = [:]
    private var nextTaskId = 0

    init(backend: any ExecutorBackend) { self.backend = backend }

    mutating func addExecutor(_ info: ExecutorInfo, cores: Int) { executors[info.id] = ExecutorSlot(info: info, freeCores: cores) }

    /// Removes an executor and the records of the tasks that ran on it (their slots went with it).
    mutating func removeExecutor(_ id: ExecutorID) -> (removed: Bool, tasks: [(TaskID, RunningTask)]) {
        let removed = executors.removeValue(forKey: id) != nil
        let lost = running.filter { $0.value.executor == id }.sorted { $0.key.value < $1.key.value }
        for (task, _) in lost { running[task] = nil }
        return (removed, lost.map { ($0.key, $0.value) })
    }

    func hasFreeSlot(_ id: ExecutorID) -> Bool { (executors[id]?.freeCores ?? 0) > 0 }
    var hasFreeSlots: Bool { executors.values.contains { $0.freeCores > 0 } }

    /// The id the next launched attempt gets.
    mutating func newTaskID() -> TaskID {
        defer { nextTaskId += 1 }
        return TaskID(nextTaskId)
    }

    /// A task was launched: it takes a slot of its executor.
    mutating func launched(_ task: TaskID, _ record: RunningTask) {
        running[task] = record
        executors[record.executor]?.freeCores -= 1
    }

    /// A task ended (its status arrived, or it vanished): its record goes, its slot is free again.
    mutating func ended(_ task: TaskID) -> RunningTask? {
        guard let record = running.removeValue(forKey: task) else { return nil }
        executors[record.executor]?.freeCores += 1
        return record
    }

    /// Records a kill request; false if the task is not running or was already asked to stop.
    mutating func requestKill(_ task: TaskID, stage: StageID, partition: Int) -> Bool {
        guard running[task] != nil, running[task]?.kill == nil else { return false }
        running[task]?.kill = (stage, partition)
        return true
    }

    /// Counts a heartbeat of the task's executor that did not list it; returns how many in a row.
    mutating func unlisted(_ task: TaskID) -> Int {
        running[task]?.unlistedHeartbeats += 1
        return running[task]?.unlistedHeartbeats ?? 0
    }

    mutating func listed(_ task: TaskID) { running[task]?.unlistedHeartbeats = 0 }

    /// Tasks running on an executor, by id.
    func tasks(on id: ExecutorID) -> [TaskID] { running.filter { $0.value.executor == id }.map(\.key).sorted { $0.value < $1.value } }

    func isBusy(_ id: ExecutorID) -> Bool { running.values.contains { $0.executor == id } }

    /// Forgets every record (the application ends).
    mutating func abandonAll() -> [(TaskID, RunningTask)] {
        defer { running = [:] }
        return running.sorted { $0.key.value < $1.key.value }.map { ($0.key, $0.value) }
    }
}
