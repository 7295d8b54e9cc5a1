// TaskRunner: runs one task attempt inside an executor process. It turns the stage's operator
// tree into a push pipeline (source → operators → sink; see TaskRunner+Pipeline), runs the source
// for the task's partition and reports a TaskStatus: the MapStatus of a shuffle map task, or the
// result of a result task (encoded batches in the status frame's binary part, or a result file
// when they are larger than the task's maxDirectResultSize).
//
// Outcomes: FINISHED (output complete, cached blocks stored), FAILED (an EmberError), KILLED (the
// task's kill flag was set: it stopped at a batch boundary and left no output behind).

import Foundation
import Planner
import Shuffle

public struct TaskRunner: Sendable {
    public let executorId: ExecutorID
    /// The application's local directory (shuffle files live here and outlive the executor).
    public let localDir: String
    /// The executor's execution memory (nil: unbounded, for in-process use).
    public let memory: ExecutorMemoryManager?
    /// The executor's cached partitions.
    public let blocks: BlockManager

    public init(executorId: ExecutorID, localDir: String, memory: ExecutorMemoryManager? = nil, blocks: BlockManager? = nil) {
        self.executorId = executorId
        self.localDir = localDir
        self.memory = memory
        self.blocks = blocks ?? BlockManager(directory: localDir, memory: memory)
    }

    /// Runs a task; never throws — failures become a FAILED status with an EmberError, a kill a
    /// KILLED status.
    public func run(_ task: TaskDescription, kill: TaskKillFlag = TaskKillFlag()) -> (TaskStatus, [UInt8]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var metrics = TaskMetrics()
        memory?.taskStarted(task.taskId)
        defer { memory?.taskEnded(task.taskId) }
        let reservation = memory.map { TaskMemoryReservation(manager: $0, task: task.taskId, limit: task.faults.memoryLimit) }
        let shares = TaskMemoryShares(task, reservation)
        var resultSink: ResultSink? = nil
        do {
            if task.faults.delayMillis > 0 { try kill.sleep(millis: task.faults.delayMillis) }
            if task.faults.fail {
                throw EmberError(.execution, "injected failure of \(task.displayName)", hint: "set by SessionConfig.faults.failTasks")
            }
            var binary: [UInt8] = []
            var cacheWriters: [CacheWriteExec] = []
            var status = TaskStatus(taskId: task.taskId, executorId: executorId, state: .finished, metrics: metrics)
            switch task.output {
            case .shuffle(let shuffleId, let partitioning):
                let writer = try ShuffleMapWriter(
                    shuffleId: shuffleId, mapId: task.taskId, mapIndex: task.partition, executorId: executorId,
                    numPartitions: partitioning.numPartitions, schema: task.plan.schema, directory: localDir,
                    compressionLevel: task.compressionLevel, memory: shares.budget())
                if task.faults.fullDisk { writer.injectedWriteDevice = "/dev/full" }
                let sink = try ShuffleWriteSink(writer: writer, partitioning: partitioning)
                do {
                    try runPipeline(task, sink: sink, metrics: &metrics, shares: shares, kill: kill, cacheWriters: &cacheWriters)
                } catch {
                    writer.abort()
                    throw error
                }
                guard let mapStatus = sink.status else {
                    throw EmberError(.internal, "shuffle map task finished without committing its output")
                }
                status.mapStatus = mapStatus
                metrics.shuffleWriteRows = sink.rows
                metrics.shuffleWriteBytes = mapStatus.partitionLengths.reduce(0, +)
                metrics.spillCount += writer.spillCount
                metrics.diskBytesSpilled += writer.spilledBytes
                metrics.memoryBytesSpilled += writer.memoryBytesSpilled
                metrics.peakExecutionMemory = Int64(reservation?.peakBytes ?? writer.peakBufferedBytes)
            case .result:
                let localDir = self.localDir
                let sink = ResultSink(maxDirectBytes: task.maxDirectResultSize) {
                    try ResultFileWriter(directory: localDir, taskId: task.taskId, compressionLevel: task.compressionLevel)
                }
                resultSink = sink
                try runPipeline(task, sink: sink, metrics: &metrics, shares: shares, kill: kill, cacheWriters: &cacheWriters)
                status.resultBatches = sink.batches
                status.resultBytes = sink.encodedBytes
                metrics.outputRows = sink.rows
                metrics.resultSize = sink.encodedBytes
            }
            if task.faults.failAtEnd {
                throw EmberError(.execution, "injected late failure of \(task.displayName)", hint: "set by SessionConfig.faults.failTasksAtEnd")
            }
            // The output is complete: only now do the partitions this task cached become blocks.
            try kill.check()
            status.cachedBlocks = try cacheWriters.compactMap { try $0.store() }
            if let sink = resultSink {
                switch sink.output() {
                case .direct(let bytes): binary = bytes
                case .file(let ref): status.resultFile = ref
                }
            }
            metrics.durationNanos = DispatchTime.now().uptimeNanoseconds - started
            metrics.executorPeakRSS = processPeakRSS()
            status.metrics = metrics
            status.storage = blocks.storageReport()
            return (status, binary)
        } catch {
            resultSink?.abort()
            metrics.durationNanos = DispatchTime.now().uptimeNanoseconds - started
            metrics.peakExecutionMemory = Int64(reservation?.peakBytes ?? 0)
            metrics.executorPeakRSS = processPeakRSS()
            var status = TaskStatus(taskId: task.taskId, executorId: executorId, state: error is TaskKilled ? .killed : .failed,
                                    error: Self.failure(error, task, executorId), metrics: metrics)
            status.storage = blocks.storageReport()
            return (status, [])
        }
    }

    /// The EmberError a task reports for what stopped it, naming the task and executor.
    static func failure(_ error: any Error, _ task: TaskDescription, _ executorId: ExecutorID) -> EmberError {
        var failure: EmberError
        if let killed = error as? TaskKilled {
            failure = EmberError(.killed, "\(task.displayName) was killed: \(killed.reason)")
        } else {
            failure = EmberError.wrap(error)
        }
        if failure.context("task") == nil {
            failure = failure.with("task", task.displayName).with("executor", executorId.value)
        }
        return failure
    }

    /// Builds the operator chain above the plan's leaf and pushes the leaf's batches through it.
    /// A CancellationPoint in front of every operator and the sink checks the kill flag, so a killed
    /// task stops within one batch wherever its time goes; the source's counts are recorded even
    /// when the pipeline stops early, so a killed task's metrics say how far it got.
    func runPipeline(_ task: TaskDescription, sink: any BatchConsumer, metrics: inout TaskMetrics,
                     shares: TaskMemoryShares, kill: TaskKillFlag, cacheWriters: inout [CacheWriteExec]) throws {
        var node = task.plan
        var head: any BatchConsumer = CancellationPoint(kill, downstream: sink)
        var chain: [PhysicalPlan] = []
        while true {
            switch node {
            case .project(_, _, let c), .filter(_, let c), .generate(_, let c), .hashAggregate(_, _, _, _, let c), .tokenCount(_, let c), .cache(_, let c),
                 .sort(_, let c), .limit(_, let c), .topK(_, _, let c), .sampleKeys(_, let c):
                chain.append(node)
                node = c
                continue
            case .exchange:
                throw EmberError(.internal, "a stage plan still contains an exchange")
            case .fileScan, .range, .shuffleRead, .cacheRead:
                break
            }
            break
        }
        // chain[0] is the root: wrap from the sink downward so each operator knows its downstream.
        var spillers: [any SpillingOperator] = []
        defer {
            for a in spillers {
                metrics.spillCount += a.spillCount
                metrics.memoryBytesSpilled += a.memoryBytesSpilled
                metrics.diskBytesSpilled += a.diskBytesSpilled
            }
        }
        for op in chain {
            switch op {
            case .project(let e, let s, _): head = ProjectExec(expressions: e, schema: s, downstream: head)
            case .filter(let e, _): head = FilterExec(predicate: e, downstream: head)
            case .generate(let g, _): head = GenerateExec(generator: g, downstream: head)
            case .tokenCount(let t, _):
                head = try TokenCountExec(t, downstream: head, memory: shares.budget())
            case .cache(let spec, _):
                let writer = CacheWriteExec(spec: spec, partition: task.partition, blocks: blocks, downstream: head)
                cacheWriters.append(writer)
                head = writer
            case .hashAggregate(let m, let k, let a, let s, _):
                let aggregate = HashAggregateExec(mode: m, keys: k, aggregates: a, schema: s, downstream: head,
                                                  resources: AggregateResources(memory: shares.budget(), spillDirectory: localDir, taskId: task.taskId))
                spillers.append(aggregate)
                head = aggregate
            case .sort(let o, let c):
                let sort = SortExec(orders: o, schema: c.schema, downstream: head,
                                    resources: SortResources(memory: shares.budget(), spillDirectory: localDir, taskId: task.taskId))
                spillers.append(sort)
                head = sort
            case .limit(let n, _): head = LimitExec(limit: n, downstream: head)
            case .topK(let n, let o, let c): head = TopKExec(limit: n, orders: o, schema: c.schema, downstream: head)
            case .sampleKeys(let k, _): head = SampleKeysExec(k, partition: task.partition, downstream: head)
            default: break
            }
            head = CancellationPoint(kill, downstream: head)
        }
        if task.faults.millisPerBatch > 0 { head = SlowBatches(millis: task.faults.millisPerBatch, flag: kill, downstream: head) }
        let pipeline = head
        var rows: Int64 = 0
        var bytes: Int64 = 0
        do {
            switch node {
            case .fileScan(let scan):
                guard task.partition < scan.splits.count else { break }
                let split = scan.splits[task.partition]
                bytes = split.length
                defer {
                    metrics.inputRows = rows
                    metrics.inputBytes = bytes
                }
                switch scan.format {
                case .text:
                    try TextScanner.scan(split, batchSize: ColumnarBatch.defaultCapacity) { batch in
                        rows += Int64(batch.numRows)
                        try pipeline.consume(batch)
                    }
                case .csv(let options):
                    try CSVScanner.scan(split, options: options, dataSchema: scan.dataSchema, requiredColumns: scan.requiredColumns,
                                        batchSize: ColumnarBatch.defaultCapacity) { batch in
                        rows += Int64(batch.numRows)
                        try pipeline.consume(batch)
                    }
                }
            case .cacheRead(let spec):
                guard let batches = try blocks.get(cacheId: spec.id, partition: task.partition, schema: spec.schema) else {
                    throw EmberError(.execution, "cached block rdd_\(spec.id)_\(task.partition) is not on executor \(executorId)",
                                     context: [.init(cacheBlockMissingKey, "\(spec.id):\(task.partition)")],
                                     hint: "the executor that held it was lost; the driver recomputes the partition")
                }
                for batch in batches {
                    rows += Int64(batch.numRows)
                    try pipeline.consume(batch)
                }
            case .range(let spec):
                defer { metrics.inputRows = rows }
                try RangeSource.generate(spec, partition: task.partition) { batch in
                    rows += Int64(batch.numRows)
                    try pipeline.consume(batch)
                }
            case .shuffleRead(let shuffleId, let schema, let numPartitions):
                guard let input = task.shuffleInputs.first(where: { $0.shuffleId == shuffleId }) else {
                    throw EmberError(.internal, "task has no map output locations for shuffle \(shuffleId)")
                }
                var reader = ShuffleReader(schema: schema)
                var summary = task.keySummary.flatMap { $0.shuffleId == shuffleId ? KeySummary($0) : nil }
                defer {
                    metrics.heavyKey = summary?.heavyKey
                    metrics.shuffleReadRows = rows
                    metrics.shuffleReadBytes = reader.bytesRead
                    metrics.shuffleBlocksFetched = reader.blocksRead
                }
                try reader.read(reduceId: task.partition, numPartitions: numPartitions, blocks: input.blocks) { batch in
                    rows += Int64(batch.numRows)
                    try summary?.add(batch)
                    try pipeline.consume(batch)
                }
            default:
                break
            }
        } catch is PipelineStop {}
        try pipeline.finish()
    }
}

/// Context key of the error a task raises when a cached block it should read is gone.
public let cacheBlockMissingKey = "cacheBlockMissing"
