// CacheWriteExec: passes batches on and keeps a copy; at the end of the partition the copy becomes
// a block in the executor's BlockManager (Spark's cache/persist materializing on first use).

import Planner

final class CacheWriteExec: BatchConsumer {
    let spec: CacheSpec
    let partition: Int
    let blocks: BlockManager
    let downstream: any BatchConsumer
    var kept: [ColumnarBatch] = []
    private(set) var stored: CachedBlockInfo?

    init(spec: CacheSpec, partition: Int, blocks: BlockManager, downstream: any BatchConsumer) {
        self.spec = spec
        self.partition = partition
        self.blocks = blocks
        self.downstream = downstream
    }

    func consume(_ batch: ColumnarBatch) throws {
        kept.append(batch)
        try downstream.consume(batch)
    }

    func finish() throws {
        stored = try blocks.put(cacheId: spec.id, partition: partition, batches: kept, schema: spec.schema, level: spec.level)
        kept = []
        try downstream.finish()
    }
}
