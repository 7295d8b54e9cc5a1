// The push-based operator pipeline of one task: a source (file scan or shuffle read) pushes
// batches into a chain of BatchConsumers ending in a sink (shuffle writer or result collector).
//
//   FileScan ──batch──► FilterExec ──► ProjectExec ──► HashAggregateExec(Partial) ──► ShuffleWriteSink
//
// Blocking operators (aggregate, sort) emit their output from `finish()`. Calls happen per batch,
// never per row, so the protocol dispatch costs nothing measurable.

@_spi(EmberInternal) import Planner

/// One stage of a task's pipeline.
@_spi(EmberInternal) public protocol BatchConsumer: AnyObject {
    /// Takes one batch of input.
    func consume(_ batch: ColumnarBatch) throws
    /// Called once after the last batch; blocking operators produce their output here.
    func finish() throws
}

/// An operator that may spill: its spill metrics go into the task's.
@_spi(EmberInternal) public protocol SpillingOperator: AnyObject {
    var spillCount: Int { get }
    /// In-memory bytes of what was spilled (Spark's memoryBytesSpilled).
    var memoryBytesSpilled: Int64 { get }
    /// Bytes of spill files written (Spark's diskBytesSpilled).
    var diskBytesSpilled: Int64 { get }
}

/// Thrown by an operator that needs no more input (a satisfied limit); the source stops reading
/// and calls `finish()` on the pipeline as if the input had ended.
@_spi(EmberInternal) public struct PipelineStop: Error {}

/// Pushes batches produced in `finish()` of a blocking operator, then finishes downstream.
/// A downstream limit that is satisfied early stops the emission without error.
func emitAll(_ batches: [ColumnarBatch], to downstream: any BatchConsumer) throws {
    do {
        for b in batches where b.numRows > 0 { try downstream.consume(b) }
    } catch is PipelineStop {}
    try downstream.finish()
}

/// Splits a batch into batches of at most `size` rows.
func chunked(_ batch: ColumnarBatch, size: Int = ColumnarBatch.defaultCapacity) -> [ColumnarBatch] {
    if batch.numRows <= size { return [batch] }
    return stride(from: 0, to: batch.numRows, by: size).map { start in
        batch.take((start..<min(start + size, batch.numRows)).map { Int32($0) })
    }
}
