// ResultMerger: streaming k-way merge of result partitions that the tasks already sorted (a
// top-level orderBy), through SortedMerge: one batch per partition in memory, ties to the lower
// partition index (a stable merge); the consumer can stop it early (a limit).

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

extension TaskResultReader: SortedBatchSource {
    mutating func nextBatch() throws -> ColumnarBatch? { try next() }
}

enum ResultMerger {
    /// Merges sorted inputs into `consume`, in batches of up to `ColumnarBatch.defaultCapacity`
    /// rows; stops as soon as `consume` returns false.
    static func mergeSorted(_ inputs: [TaskResultReader], orders: [BoundSortOrder], schema: StructType,
                            _ consume: (ColumnarBatch) throws -> Bool) throws {
        try SortedMerge.merge(inputs, orders: orders, schema: schema, consume)
    }
}
