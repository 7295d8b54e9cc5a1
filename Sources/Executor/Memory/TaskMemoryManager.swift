// TaskMemoryManager: one task's execution memory, shared by the operators that hold memory across
// batches (Spark's TaskMemoryManager and MemoryConsumer). Sorts, join build sides, aggregates with
// keys, the fused word count, the shuffle writer and the Parquet writer each reserve through a
// MemoryConsumer of their own; what the task may hold comes from its executor
// (TaskMemoryReservation: the pool, the 1/N share of running tasks, an injected limit).
//
//   a consumer asks for n bytes
//     ├─ fits in the task's memory, leaving each other consumer its floor → granted
//     ├─ refused → the other consumers that can spill now are asked to (Spark's order: the
//     │            smallest that holds enough, then the largest first) until the request fits
//     └─ still refused → false: the requester spills itself, its own refusal path (a sort writes
//                        a run, a final aggregate spills its table, a partial one emits it, the
//                        writer spills its buffers), then asks again, or fails with OUT_OF_MEMORY
//
// The floor: operators of a task feed one another (an aggregate emits into the shuffle writer)
// and one that is emitting cannot spill, so a consumer that took everything would starve the one
// it feeds. Each consumer the task's plan has is guaranteed 1/(2N) of the task's memory (N
// consumers, counting those not created yet; as Spark guarantees each of N tasks 1/2N of the
// pool). Above its floor a consumer takes what the others leave, and gives it back when asked;
// above its fair share (1/N) only while it can be asked (see MemoryReservation).

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class TaskMemoryManager {
    /// What the task may hold, granted by its executor.
    let grant: TaskMemoryReservation
    /// How many consumers the task's plan has (a sort-merge join's probe sorter may add one).
    let plannedConsumers: Int
    private var consumers: [WeakConsumer] = []
    /// Consumers on the call stack now, asking for memory or spilling: never asked to spill.
    private var busy: Set<ObjectIdentifier> = []
    /// How many times another consumer spilled to make room for a request.
    private(set) var spillsForOthers = 0

    init(grant: TaskMemoryReservation, plannedConsumers: Int) {
        self.grant = grant
        self.plannedConsumers = Swift.max(1, plannedConsumers)
    }

    convenience init(_ task: TaskDescription, grant: TaskMemoryReservation) {
        self.init(grant: grant, plannedConsumers: Self.consumers(in: task))
    }

    /// A new consumer for one operator.
    func consumer(_ name: String) -> MemoryConsumer {
        let c = MemoryConsumer(name: name, manager: self)
        consumers.removeAll { $0.consumer == nil }
        consumers.append(WeakConsumer(consumer: c))
        return c
    }

    private var live: [MemoryConsumer] { consumers.compactMap(\.consumer) }

    /// Each consumer's part of the task's memory.
    var fairShare: Int { grant.cap / expectedConsumers(live) }

    /// The consumers to share among: those of the plan, or more if more were created.
    private func expectedConsumers(_ present: [MemoryConsumer]) -> Int { Swift.max(plannedConsumers, present.count) }

    /// Who holds what, for out-of-memory errors.
    var usageReport: String {
        "the task holds \(grant.reservedBytes) of the \(grant.cap) bytes it may use: "
            + live.map { "\($0.name) \($0.reservedBytes)" }.joined(separator: ", ")
    }

    /// Grants `bytes` to `requester`, asking other consumers to spill if that makes it fit.
    func acquire(_ bytes: Int, for requester: MemoryConsumer) throws -> Bool {
        if tryGrant(bytes, requester) { return true }
        let me = ObjectIdentifier(requester)
        let added = busy.insert(me).inserted
        defer { if added { busy.remove(me) } }
        for other in spillCandidates(needing: bytes, besides: requester) {
            let id = ObjectIdentifier(other)
            guard !busy.contains(id), let spiller = other.spiller else { continue }
            busy.insert(id)
            defer { busy.remove(id) }
            guard try spiller.spillForOtherConsumer() > 0 else { continue }
            spillsForOthers += 1
            if tryGrant(bytes, requester) { return true }
        }
        return false
    }

    /// Consumers to ask, in Spark's order: the smallest whose spill frees enough, then the others
    /// largest first. What a spill frees for the request is what the consumer holds above its floor.
    private func spillCandidates(needing bytes: Int, besides requester: MemoryConsumer) -> [MemoryConsumer] {
        let (floor, others) = floorAndOthers(besides: requester)
        let shortfall = requester.reservedBytes + bytes + others - grant.cap
        // Short of the task's memory, only what others hold above their floors helps; short of the
        // executor's pool (other tasks hold it), anything they hold does.
        let least = shortfall > 0 ? floor : 0
        var candidates = live.filter { $0 !== requester && $0.reservedBytes > least && $0.spiller != nil }
        candidates.sort { $0.reservedBytes > $1.reservedBytes }
        let needed = shortfall > 0 ? shortfall : bytes
        if let i = candidates.lastIndex(where: { $0.reservedBytes - least >= needed }), i > 0 {
            candidates.insert(candidates.remove(at: i), at: 0)
        }
        return candidates
    }

    /// Each consumer's floor, and what the consumers besides `requester` hold or are guaranteed
    /// (consumers not created yet count with their floor).
    private func floorAndOthers(besides requester: MemoryConsumer) -> (floor: Int, others: Int) {
        let present = live
        let expected = expectedConsumers(present)
        let floor = grant.cap / (2 * expected)
        var others = Swift.max(0, expected - present.count) * floor
        for c in present where c !== requester { others += Swift.max(floor, c.reservedBytes) }
        return (floor, others)
    }

    /// Grants `bytes` if the requester stays within the task's memory less the others' floors.
    func tryGrant(_ bytes: Int, _ requester: MemoryConsumer) -> Bool {
        let others = floorAndOthers(besides: requester).others
        guard requester.reservedBytes + bytes + others <= grant.cap, grant.tryGrow(bytes) else { return false }
        requester.reservedBytes += bytes
        return true
    }

    /// Gives back bytes a consumer held.
    func release(_ bytes: Int, for consumer: MemoryConsumer) {
        let freed = Swift.min(bytes, consumer.reservedBytes)
        consumer.reservedBytes -= freed
        grant.shrink(freed)
    }

    /// How many consumers a task's plan has: aggregates with keys, word counts, sorts, window group
    /// buffers, join build sides (two sorters for a sort-merge join), the shuffle writer, and a
    /// file writer that buffers row groups (Parquet).
    static func consumers(in task: TaskDescription) -> Int { consumers(in: task.plan, output: task.output) }

    /// The operators of a stage's plan that hold memory, with its output's writer.
    @_spi(EmberInternal) public static func consumers(in plan: PhysicalPlan, output: StageOutput) -> Int {
        var count = 0
        func visit(_ n: PhysicalPlan) {
            switch n {
            case .hashAggregate(_, let keys, _, _, _): if HashAggregateExec.holdsMemory(keys: keys) { count += 1 }
            case .tokenCount, .sort, .window: count += 1
            case .hashJoin(let spec, _, _): count += spec.strategy == .sortMerge ? 2 : 1
            default: break
            }
            n.children.forEach(visit)
        }
        visit(plan)
        if case .shuffle = output { count += 1 }
        if case .write(let spec) = output, spec.format.holdsMemory { count += 1 }
        return count
    }
}

/// One operator's share of its task's memory (Spark's MemoryConsumer).
final class MemoryConsumer: MemoryReservation {
    let name: String
    let manager: TaskMemoryManager
    /// The operator to ask when another consumer needs memory.
    private(set) weak var spiller: (any Spillable)?
    fileprivate(set) var reservedBytes = 0

    fileprivate init(name: String, manager: TaskMemoryManager) {
        self.name = name
        self.manager = manager
    }

    func tryGrow(_ bytes: Int) throws -> Bool {
        bytes <= 0 ? true : try manager.acquire(bytes, for: self)
    }

    func shrink(_ bytes: Int) { manager.release(bytes, for: self) }

    func tryGrowFromFree(_ bytes: Int) -> Bool { bytes <= 0 || manager.tryGrant(bytes, self) }

    var fairShare: Int { manager.fairShare }

    var usageReport: String { manager.usageReport }

    func register(spiller: any Spillable) { self.spiller = spiller }

    deinit { manager.release(reservedBytes, for: self) }
}

private struct WeakConsumer {
    weak var consumer: MemoryConsumer?
}
