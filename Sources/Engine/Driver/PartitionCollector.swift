// PartitionCollector: a ResultReceiver that keeps every result partition's batches, by partition
// (the scheduler's tests and tools that want a small job's partitions as they are).

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// Used by the thread that runs the job only.
final class PartitionCollector: ResultReceiver, @unchecked Sendable {
    let schema: StructType
    let appDir: String
    private(set) var partitions: [Int: [ColumnarBatch]] = [:]
    var delivered: Set<Int> { Set(partitions.keys) }

    init(schema: StructType, appDir: String) {
        self.schema = schema
        self.appDir = appDir
    }

    func receive(_ result: TaskResult) throws -> Bool {
        defer { result.discard(appDir: appDir) }
        var reader = try result.reader(schema: schema, appDir: appDir)
        var batches: [ColumnarBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        partitions[result.partition] = batches
        return true
    }
}
