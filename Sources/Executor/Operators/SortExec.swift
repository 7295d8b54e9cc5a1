// SortExec: sorts the partition's rows by the sort orders and emits them in batches, within the
// task's memory: an ExternalSorter spills sorted runs when its reservation is refused and merges
// them at the end.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class SortExec: BatchConsumer, SpillingOperator {
    let downstream: any BatchConsumer
    let sorter: ExternalSorter

    @_spi(EmberInternal) public init(orders: [BoundSortOrder], schema: StructType, downstream: any BatchConsumer, resources: SortResources? = nil) {
        self.downstream = downstream
        sorter = ExternalSorter(orders: orders, schema: schema, resources: resources)
    }

    @_spi(EmberInternal) public var spillCount: Int { sorter.spillCount }
    @_spi(EmberInternal) public var memoryBytesSpilled: Int64 { sorter.memoryBytesSpilled }
    @_spi(EmberInternal) public var diskBytesSpilled: Int64 { sorter.diskBytesSpilled }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws { try sorter.insert(batch) }

    @_spi(EmberInternal) public func finish() throws {
        do {
            try sorter.finish { batch in
                try downstream.consume(batch)
                return true
            }
        } catch is PipelineStop {}
        try downstream.finish()
    }
}
