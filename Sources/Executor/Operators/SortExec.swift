// SortExec: sorts all rows of the partition by the sort orders and emits them in batches.
// (In-memory; spilling sorted runs arrives with the memory manager.)

import Planner

public final class SortExec: BatchConsumer {
    let orders: [BoundSortOrder]
    let schema: StructType
    let downstream: any BatchConsumer
    var buffered: [ColumnarBatch] = []

    public init(orders: [BoundSortOrder], schema: StructType, downstream: any BatchConsumer) {
        self.orders = orders
        self.schema = schema
        self.downstream = downstream
    }

    public func consume(_ batch: ColumnarBatch) throws { buffered.append(batch) }

    public func finish() throws {
        let all = ColumnarBatch.concat(buffered, schema: schema)
        buffered = []
        let keys = try SortKeys(all, orders: orders)
        let sorted = all.take(keys.sortedPermutation(count: all.numRows))
        try emitAll(chunked(sorted), to: downstream)
    }
}
