// SortExec: sorts the partition's rows by the sort orders and emits them in batches, within the
// task's memory: an ExternalSorter spills sorted runs when its reservation is refused and merges
// them at the end.

import Planner

public final class SortExec: BatchConsumer, SpillingOperator {
    let downstream: any BatchConsumer
    let sorter: ExternalSorter

    public init(orders: [BoundSortOrder], schema: StructType, downstream: any BatchConsumer, resources: SortResources? = nil) {
        self.downstream = downstream
        sorter = ExternalSorter(orders: orders, schema: schema, resources: resources)
    }

    public var spillCount: Int { sorter.spillCount }
    public var memoryBytesSpilled: Int64 { sorter.memoryBytesSpilled }
    public var diskBytesSpilled: Int64 { sorter.diskBytesSpilled }

    public func consume(_ batch: ColumnarBatch) throws { try sorter.insert(batch) }

    public func finish() throws {
        do {
            try sorter.finish { batch in
                try downstream.consume(batch)
                return true
            }
        } catch is PipelineStop {}
        try downstream.finish()
    }
}
