// TaskPipeline: turns a stage's operator tree into push pipelines for one task and runs them.
// Each leaf is a source fed by the task's typed input for it (TaskInput); operators wrap their
// downstream, with a CancellationPoint in front of every operator and the sink so a killed task
// stops within one batch wherever its time goes. A join is cut at its build side: the build
// pipeline runs to the end first (filling the hash table), then the probe pipeline streams through
// the join. A union's task runs the one child its partition belongs to; a coalesce's task runs its
// child once per child partition in its share, into one downstream that finishes after the last.
//
//   FileScan ─► Filter ─► HashJoin(probe) ─► Project ─► sink
//   BroadcastRead ─► JoinBuildSide ──────┘ (run first)

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class TaskPipeline {
    let task: TaskDescription
    let runner: TaskRunner
    /// The task's memory (nil: unbounded, in-process use); each memory-holding operator gets a consumer.
    let memory: TaskMemoryManager?
    let kill: TaskKillFlag
    /// The task's inputs by leaf and coalesce slots (see TaskInput).
    let inputs: [InputKey: TaskInputSource]
    struct InputKey: Hashable {
        var leaf: Int
        var slots: [Int]
    }
    /// The child partitions of the coalesces being run, outermost first.
    private(set) var slotPath: [Int] = []
    var metrics = TaskMetrics()
    private(set) var cacheWriters: [CacheWriteExec] = []
    private var spillers: [any SpillingOperator] = []
    /// Shuffle reads (by leaf) under a Final aggregate: the raw rows its Partial aggregates passed
    /// through become one-row buffers as they are read.
    private var rawRowsByLeaf: [Int: RawRowsLayout] = [:]

    init(task: TaskDescription, runner: TaskRunner, memory: TaskMemoryManager?, kill: TaskKillFlag) {
        self.task = task
        self.runner = runner
        self.memory = memory
        self.kill = kill
        self.inputs = Dictionary(task.inputs.map { (InputKey(leaf: $0.leaf, slots: $0.slots), $0.source) }, uniquingKeysWith: { a, _ in a })
    }

    /// Runs the whole plan into `sink`.
    func run(into sink: any BatchConsumer) throws {
        defer {
            for a in spillers {
                metrics.spillCount += a.spillCount
                metrics.memoryBytesSpilled += a.memoryBytesSpilled
                metrics.diskBytesSpilled += a.diskBytesSpilled
            }
        }
        try run(task.plan, firstLeaf: 0, into: CancellationPoint(kill, downstream: sink))
    }

    /// Pushes this task's rows of `node` into `downstream`, then finishes it.
    func run(_ node: PhysicalPlan, firstLeaf: Int, into downstream: any BatchConsumer) throws {
        switch node {
        case .fileScan, .range, .shuffleRead, .broadcastRead, .cacheRead:
            try runSource(node, leaf: firstLeaf, into: downstream)
        case .exchange, .broadcastExchange:
            throw EmberError(.internal, "a stage plan still contains an exchange")
        case .union(let children, _):
            var leaf = firstLeaf
            for c in children {
                let count = c.leaves.count
                if hasInput(leaves: leaf..<leaf + count) { return try run(c, firstLeaf: leaf, into: downstream) }
                leaf += count
            }
            try downstream.finish()
        case .coalesce(_, let child):
            let leaves = firstLeaf..<firstLeaf + child.leaves.count
            let depth = slotPath.count
            let slots = Set(inputs.keys.filter { leaves.contains($0.leaf) && $0.slots.count > depth && $0.slots.starts(with: slotPath) }
                .map { $0.slots[depth] }).sorted()
            let merged = KeepOpen(downstream)
            for slot in slots {
                slotPath.append(slot)
                defer { slotPath.removeLast() }
                try run(child, firstLeaf: firstLeaf, into: merged)
            }
            try downstream.finish()
        case .hashJoin(let planned, let l, let r):
            let leftLeaves = l.leaves.count
            let spec = adaptiveBuildSide(planned, left: l, right: r, firstLeaf: firstLeaf)
            let (buildPlan, buildLeaf, probePlan, probeLeaf) = spec.buildSide == .left
                ? (l, firstLeaf, r, firstLeaf + leftLeaves) : (r, firstLeaf + leftLeaves, l, firstLeaf)
            let resources = resources(for: "\(spec.strategy.rawValue) build side")
            let build = JoinBuildSide(spec: spec, schema: buildPlan.schema, resources: resources)
            defer { build.close() }
            try run(buildPlan, firstLeaf: buildLeaf, into: CancellationPoint(kill, downstream: build))
            let join: any BatchConsumer
            if let sorter = build.sorter {
                let merge = SortMergeJoin(spec: spec, build: sorter, probeSchema: probePlan.schema,
                                          resources: self.resources(for: "sort-merge join probe side"), downstream: downstream, kill: kill)
                spillers.append(merge)
                join = merge
            } else {
                join = HashJoinExec(spec: spec, build: build, probeSchema: probePlan.schema, downstream: downstream, kill: kill)
            }
            try run(probePlan, firstLeaf: probeLeaf, into: CancellationPoint(kill, downstream: join))
        case .project(let expressions, let schema, .filter(let predicate, let child)):
            // The filter copies only what the projection reads.
            let project = ProjectExec(expressions: expressions, schema: schema, downstream: downstream)
            let filter = FilterExec(predicate: predicate, downstream: CancellationPoint(kill, downstream: project),
                                    neededColumns: BoundExpression.referencedColumns(expressions))
            try run(child, firstLeaf: firstLeaf, into: CancellationPoint(kill, downstream: filter))
        default:
            guard let child = node.children.first else { throw EmberError(.internal, "operator without input: \(node.nodeText)") }
            let op = try makeOperator(node, downstream: downstream, inputRows: shuffleRows(child, leaf: firstLeaf))
            if case .hashAggregate(.final, let keys, let aggregates, _, .shuffleRead(_, let partialSchema, _)) = node {
                rawRowsByLeaf[firstLeaf] = RawRowsLayout(partialSchema: partialSchema, keyCount: keys.count, aggregates: aggregates)
            }
            try run(child, firstLeaf: firstLeaf, into: CancellationPoint(kill, downstream: op))
        }
    }

    /// Rows this task reads from `node` when it is a shuffle read (the map outputs' counts), else nil.
    func shuffleRows(_ node: PhysicalPlan, leaf: Int) -> Int? {
        guard case .shuffleRead = node, case .shuffle(_, _, _, let blocks)? = inputs[InputKey(leaf: leaf, slots: slotPath)] else { return nil }
        return Int(clamping: blocks.reduce(Int64(0)) { $0 &+ $1.rows })
    }

    /// The operator of `node` (one input; `inputRows`: how many rows it will be given, when known).
    func makeOperator(_ node: PhysicalPlan, downstream head: any BatchConsumer, inputRows: Int?) throws -> any BatchConsumer {
        switch node {
        case .project(let e, let s, _): return ProjectExec(expressions: e, schema: s, downstream: head)
        case .filter(let e, _): return FilterExec(predicate: e, downstream: head)
        case .generate(let g, _): return GenerateExec(generator: g, downstream: head)
        case .tokenCount(let t, _): return try TokenCountExec(t, downstream: head, memory: memory?.consumer("TokenCount"))
        case .cache(let spec, _):
            let writer = CacheWriteExec(spec: spec, partition: partition, blocks: runner.blocks, downstream: head)
            cacheWriters.append(writer)
            return writer
        case .hashAggregate(let m, let k, let a, let s, _):
            var resources = resources(for: "HashAggregate(\(m.rawValue))", holdsMemory: HashAggregateExec.holdsMemory(keys: k))
            resources.expectedRows = inputRows
            resources.partitionMinRows = task.aggregatePartitionMinRows
            resources.backOffMinRows = task.partialBackOffMinRows
            let aggregate = HashAggregateExec(mode: m, keys: k, aggregates: a, schema: s, downstream: head, resources: resources)
            spillers.append(aggregate)
            return aggregate
        case .sort(let o, let c):
            let sort = SortExec(orders: o, schema: c.schema, downstream: head,
                                resources: resources(for: "Sort"))
            spillers.append(sort)
            return sort
        case .window(let w, let s, let c):
            let window = WindowExec(window: w, childSchema: c.schema, schema: s, downstream: head, resources: resources(for: "Window"))
            spillers.append(window)
            return window
        case .limit(let n, _): return LimitExec(limit: n, downstream: head)
        case .topK(let n, let o, let c): return TopKExec(limit: n, orders: o, schema: c.schema, downstream: head)
        case .sampleKeys(let k, _): return SampleKeysExec(k, partition: partition, downstream: head)
        default: throw EmberError(.internal, "not a unary operator: \(node.nodeText)")
        }
    }

    /// Memory (a consumer of its own) and the spill directory for one operator.
    func resources(for name: String, holdsMemory: Bool = true) -> AggregateResources {
        AggregateResources(memory: holdsMemory ? memory?.consumer(name) : nil, spillDirectory: runner.localDir, taskId: task.taskId)
    }

    /// Reads leaf `leaf`'s input into `downstream` and finishes it. The counts are recorded even
    /// when the pipeline stops early, so a killed task's metrics say how far it got.
    func runSource(_ node: PhysicalPlan, leaf: Int, into consumer: any BatchConsumer) throws {
        var downstream = consumer
        if task.faults.millisPerBatch > 0 { downstream = SlowBatches(millis: task.faults.millisPerBatch, flag: kill, downstream: consumer) }
        do {
            if let input = inputs[InputKey(leaf: leaf, slots: slotPath)] { try read(node, input, leaf: leaf, into: downstream) }
        } catch is PipelineStop {}
        try downstream.finish()
    }

    private func read(_ node: PhysicalPlan, _ input: TaskInputSource, leaf: Int, into downstream: any BatchConsumer) throws {
        let emit: (ColumnarBatch) throws -> Void = { try downstream.consume($0) }
        switch (node, input) {
        case (.fileScan(let scan), .fileSplit(let split)):
            try FileSplitSource.read(scan, split, metrics: &metrics, emit)
        case (.range(let spec), .rangeSlice(let index)):
            try RangeSource.generate(spec, partition: index) { batch in
                metrics.inputRows += Int64(batch.numRows)
                try emit(batch)
            }
        case (.shuffleRead(let id, let schema, _), .shuffle(let inputId, let reduceId, let n, let blocks)) where id == inputId:
            try ShuffleReadSource.read(id, schema: schema, reduceId: reduceId, numPartitions: n, blocks: blocks,
                                       keySummary: task.keySummary, rawRows: rawRowsByLeaf[leaf]?.expansion, metrics: &metrics, emit)
        case (.broadcastRead(let id, let schema, let n), .broadcast(let inputId, let partitions)) where id == inputId && partitions.count == n:
            for (reduceId, blocks) in partitions.enumerated() {
                try ShuffleReadSource.read(id, schema: schema, reduceId: reduceId, numPartitions: n, blocks: blocks,
                                           keySummary: nil, metrics: &metrics, emit)
            }
        case (.cacheRead(let spec), .cacheBlock(let cacheId, let partition)) where spec.id == cacheId:
            try CacheReadSource.read(spec, partition: partition, blocks: runner.blocks, executorId: runner.executorId, emit)
        default:
            throw EmberError(.internal, "task input \(input) does not fit leaf \(node.nodeText)")
        }
    }

    /// Whether the task reads any of these leaves (at the current coalesce slots).
    private func hasInput(leaves: Range<Int>) -> Bool {
        inputs.keys.contains { leaves.contains($0.leaf) && $0.slots.starts(with: slotPath) }
    }

    /// The partition the operators being built compute: a coalesce's child partition, or the task's.
    private var partition: Int { slotPath.last ?? task.partition }
}

/// Passes batches on but not the end of its input: a coalesce's child runs end into it one after
/// another, and the coalesce finishes the downstream once, after the last.
final class KeepOpen: BatchConsumer {
    let downstream: any BatchConsumer
    init(_ downstream: any BatchConsumer) { self.downstream = downstream }
    func consume(_ batch: ColumnarBatch) throws { try downstream.consume(batch) }
    func finish() throws {}
}

extension TaskMetrics {
    /// Adds what a task's pipelines counted (reads and spills) to the task's metrics.
    mutating func add(_ p: TaskMetrics) {
        inputRows += p.inputRows
        inputBytes += p.inputBytes
        decompressedBytes += p.decompressedBytes
        rowGroupsRead += p.rowGroupsRead
        rowGroupsSkipped += p.rowGroupsSkipped
        shuffleReadRows += p.shuffleReadRows
        shuffleReadBytes += p.shuffleReadBytes
        shuffleBlocksFetched += p.shuffleBlocksFetched
        spillCount += p.spillCount
        diskBytesSpilled += p.diskBytesSpilled
        memoryBytesSpilled += p.memoryBytesSpilled
        heavyKey = heavyKey ?? p.heavyKey
    }
}
