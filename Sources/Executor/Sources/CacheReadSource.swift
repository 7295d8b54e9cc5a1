// CacheReadSource: a cached partition from this executor's block manager. A block that is not here
// (its executor was lost, or it was evicted) fails the task with a typed reason (CacheBlockMissing),
// so the driver recomputes the partition instead of retrying the read.

@_spi(EmberInternal) import Planner

enum CacheReadSource {
    static func read(_ spec: CacheSpec, partition: Int, blocks: BlockManager, executorId: ExecutorID,
                     _ emit: (ColumnarBatch) throws -> Void) throws {
        guard let batches = try blocks.get(cacheId: spec.id, partition: partition, schema: spec.schema) else {
            throw CacheBlockMissing(cacheId: spec.id, partition: partition, executorId: executorId)
        }
        // Like before typed inputs, rows read from a cache are not counted as the task's input.
        for batch in batches { try emit(batch) }
    }
}
