// TaskRunner: runs one task attempt inside an executor process. It turns the stage's operator
// tree into a push pipeline (source → operators → sink; see TaskRunner+Pipeline), runs the source
// for the task's partition and reports a TaskStatus: the MapStatus of a shuffle map task, or the
// result of a result task (encoded batches in the status frame's binary part, or a result file
// when they are larger than the task's maxDirectResultSize), or the files a write task wrote
// (FileWriteSink; a write task that does not finish removes them).
//
// Outcomes: FINISHED (output complete, cached blocks stored), FAILED (a TaskFailureReason, mapped
// here from the typed error that stopped the task), KILLED (the task's kill flag was set: it
// stopped at a batch boundary and left no output behind).

import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

@_spi(EmberInternal) public struct TaskRunner: Sendable {
    @_spi(EmberInternal) public let executorId: ExecutorID
    /// The application's local directory (shuffle files live here and outlive the executor).
    @_spi(EmberInternal) public let localDir: String
    /// The executor's execution memory (nil: unbounded, for in-process use).
    @_spi(EmberInternal) public let memory: ExecutorMemoryManager?
    /// The executor's cached partitions.
    @_spi(EmberInternal) public let blocks: BlockManager

    @_spi(EmberInternal) public init(executorId: ExecutorID, localDir: String, memory: ExecutorMemoryManager? = nil, blocks: BlockManager? = nil) {
        self.executorId = executorId
        self.localDir = localDir
        self.memory = memory
        self.blocks = blocks ?? BlockManager(directory: localDir, memory: memory)
    }

    /// Runs a task; never throws — failures become a FAILED status with their reason, a kill a
    /// KILLED status.
    @_spi(EmberInternal) public func run(_ task: TaskDescription, kill: TaskKillFlag = TaskKillFlag()) -> (TaskStatus, [UInt8]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var metrics = TaskMetrics()
        memory?.taskStarted(task.taskId)
        defer { memory?.taskEnded(task.taskId) }
        let reservation = memory.map { TaskMemoryReservation(manager: $0, task: task.taskId, limit: task.faults.memoryLimit) }
        let taskMemory = reservation.map { TaskMemoryManager(task, grant: $0) }
        var resultSink: ResultSink? = nil
        var writeSink: FileWriteSink? = nil
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
                    compressionLevel: task.compressionLevel, memory: taskMemory?.consumer("ShuffleMapWriter"))
                if task.faults.fullDisk { writer.injectedWriteDevice = "/dev/full" }
                let sink = try ShuffleWriteSink(writer: writer, partitioning: partitioning)
                do {
                    try runPipeline(task, sink: sink, metrics: &metrics, memory: taskMemory, kill: kill, cacheWriters: &cacheWriters)
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
                try runPipeline(task, sink: sink, metrics: &metrics, memory: taskMemory, kill: kill, cacheWriters: &cacheWriters)
                status.resultBatches = sink.batches
                status.resultBytes = sink.encodedBytes
                metrics.outputRows = sink.rows
                metrics.resultSize = sink.encodedBytes
            case .write(let spec):
                let sink = try FileWriteSink(spec: spec, task: task, memory: spec.format.holdsMemory ? taskMemory?.consumer("FileWriter") : nil)
                writeSink = sink
                try runPipeline(task, sink: sink, metrics: &metrics, memory: taskMemory, kill: kill, cacheWriters: &cacheWriters)
                status.written = sink.report
                metrics.peakExecutionMemory = Int64(reservation?.peakBytes ?? 0)
                metrics.outputRows = sink.rows
                metrics.outputFiles = sink.files.count
                metrics.outputBytes = sink.bytes
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
            writeSink?.abort()
            metrics.durationNanos = DispatchTime.now().uptimeNanoseconds - started
            metrics.peakExecutionMemory = Int64(reservation?.peakBytes ?? 0)
            metrics.executorPeakRSS = processPeakRSS()
            let failure = TaskFailureReason(error).naming(task: task.displayName, executor: executorId)
            var status = TaskStatus(taskId: task.taskId, executorId: executorId, state: failure.isKilled ? .killed : .failed,
                                    failure: failure, metrics: metrics)
            status.storage = blocks.storageReport()
            return (status, [])
        }
    }
}

extension TaskRunner {
    /// Runs the task's operator tree into `sink`, adding what its pipelines counted to `metrics`.
    func runPipeline(_ task: TaskDescription, sink: any BatchConsumer, metrics: inout TaskMetrics,
                     memory: TaskMemoryManager?, kill: TaskKillFlag, cacheWriters: inout [CacheWriteExec]) throws {
        let pipeline = TaskPipeline(task: task, runner: self, memory: memory, kill: kill)
        defer {
            metrics.add(pipeline.metrics)
            cacheWriters += pipeline.cacheWriters
        }
        try pipeline.run(into: sink)
    }
}
