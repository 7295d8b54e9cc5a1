// CacheWriteExec: passes batches on and keeps a copy; once the whole task succeeded, `store()`
// makes the copy a block in the executor's BlockManager (Spark's cache/persist materializing on
// first use). A task that fails or is killed after this operator finished stores nothing, so no
// block outlives the attempt that computed it without the driver knowing; nor does a partition
// that a downstream limit cut short.

@_spi(EmberInternal) import Planner

final class CacheWriteExec: BatchConsumer {
    let spec: CacheSpec
    let partition: Int
    let blocks: BlockManager
    let downstream: any BatchConsumer
    var kept: [ColumnarBatch] = []
    private var complete = false
    /// A downstream limit stopped the input early: the copy is not the whole partition.
    private var truncated = false

    init(spec: CacheSpec, partition: Int, blocks: BlockManager, downstream: any BatchConsumer) {
        self.spec = spec
        self.partition = partition
        self.blocks = blocks
        self.downstream = downstream
    }

    func consume(_ batch: ColumnarBatch) throws {
        kept.append(batch)
        do {
            try downstream.consume(batch)
        } catch let stop as PipelineStop {
            truncated = true
            throw stop
        }
    }

    func finish() throws {
        complete = true
        try downstream.finish()
    }

    /// Stores the partition (call once the task succeeded); what was stored, if anything.
    func store() throws -> CachedBlockInfo? {
        guard complete && !truncated else { return nil }
        defer { kept = [] }
        return try blocks.put(cacheId: spec.id, partition: partition, batches: kept, schema: spec.schema, level: spec.level)
    }
}
