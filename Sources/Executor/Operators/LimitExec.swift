// LimitExec: passes the first n rows of the partition, then asks the source to stop.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class LimitExec: BatchConsumer {
    let limit: Int
    var seen = 0
    let downstream: any BatchConsumer

    @_spi(EmberInternal) public init(limit: Int, downstream: any BatchConsumer) {
        self.limit = limit
        self.downstream = downstream
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        if seen >= limit { throw PipelineStop() }
        let keep = min(batch.numRows, limit - seen)
        seen += keep
        try downstream.consume(keep == batch.numRows ? batch : batch.take((0..<keep).map { Int32($0) }))
        if seen >= limit { throw PipelineStop() }
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
