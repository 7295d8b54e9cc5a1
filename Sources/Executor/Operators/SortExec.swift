// SortExec: sorts the partition's rows by the sort orders and emits them in batches, within the
// task's memory: an ExternalSorter spills sorted runs when its reservation is refused and merges
// them at the end.

import Planner

package final class SortExec: BatchConsumer, SpillingOperator {
    let downstream: any BatchConsumer
    let sorter: ExternalSorter

    package init(orders: [BoundSortOrder], schema: StructType, downstream: any BatchConsumer, resources: SortResources? = nil) {
        self.downstream = downstream
        sorter = ExternalSorter(orders: orders, schema: schema, resources: resources)
    }

    package var spillCount: Int { sorter.spillCount }
    package var memoryBytesSpilled: Int64 { sorter.memoryBytesSpilled }
    package var diskBytesSpilled: Int64 { sorter.diskBytesSpilled }

    package func consume(_ batch: ColumnarBatch) throws { try sorter.insert(batch) }

    package func finish() throws {
        do {
            try sorter.finish { batch in
                try downstream.consume(batch)
                return true
            }
        } catch is PipelineStop {}
        try downstream.finish()
    }
}
