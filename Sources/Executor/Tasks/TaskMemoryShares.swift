// TaskMemoryShares: how a task's execution memory is split among the operators that hold memory
// across batches: aggregates with keys, the fused word count, sorts, join build sides and the shuffle
// writer. Each may hold
// an equal part. These operators feed one another (an aggregate emits into the next aggregate or
// the writer), so one that held the whole share would starve the operator it feeds, which could
// then not take even one batch; and a writer that took all the rest would leave an aggregate
// below it no room to finish a spill bucket. Every holder spills or emits at its own part, and
// what it emits always finds room downstream. An operator alone in its task holds it all.

import Planner

struct TaskMemoryShares {
    let memory: TaskMemoryReservation?
    /// How many operators of the task hold memory.
    let holders: Int

    init(_ task: TaskDescription, _ memory: TaskMemoryReservation?) {
        self.memory = memory
        var count = 0
        func countHolders(_ n: PhysicalPlan) {
            if n.holdsMemory { count += 1 }
            n.children.forEach(countHolders)
        }
        countHolders(task.plan)
        if case .shuffle = task.output { count += 1 }
        holders = count
    }

    /// The reservation one holder uses.
    func budget() -> (any MemoryReservation)? {
        holders > 1 ? memory.map { ShareOfReservation($0, fraction: 1 / Double(holders)) } : memory
    }
}

private extension PhysicalPlan {
    /// Whether the operator reserves task memory that it holds across batches.
    var holdsMemory: Bool {
        switch self {
        case .hashAggregate(_, let keys, _, _, _): return HashAggregateExec.holdsMemory(keys: keys)
        case .tokenCount, .hashJoin, .sort: return true
        default: return false
        }
    }
}
