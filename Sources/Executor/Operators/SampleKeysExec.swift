// SampleKeysExec: the sampling job's operator for a range exchange (the sketch of Spark's
// RangePartitioner). It keeps a reservoir sample of the partition's sort keys and emits them at
// the end, each with its weight: the partition's rows / the rows sampled.
//
//   reservoir: the first k rows are kept; row l (1-based, l > k) replaces slot j = random(0..<l)
//              when j < k, so every row is kept with probability k / rows
//
// The random stream is seeded by the partition index, so the same input samples the same keys.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class SampleKeysExec: BatchConsumer {
    let sampling: KeySampling
    let downstream: any BatchConsumer
    private var reservoir: [[Value]] = []
    private var rows = 0
    private var random: SplitMix64

    @_spi(EmberInternal) public init(_ sampling: KeySampling, partition: Int, downstream: any BatchConsumer) {
        self.sampling = sampling
        self.downstream = downstream
        random = SplitMix64(seed: 0x5A3F_1E00_0000 &+ UInt64(truncatingIfNeeded: partition))
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        let keys = try sampling.orders.map { try $0.expression.evaluate(batch) }
        let k = sampling.perPartition
        for i in 0..<batch.numRows {
            rows += 1
            if reservoir.count < k {
                reservoir.append(keys.map { $0.value(at: i) })
            } else {
                let j = random.below(rows)
                if j < k { reservoir[j] = keys.map { $0.value(at: i) } }
            }
        }
    }

    @_spi(EmberInternal) public func finish() throws {
        let weight = reservoir.isEmpty ? 0 : Double(rows) / Double(reservoir.count)
        let batch = ColumnarBatch.fromRows(reservoir.map { $0 + [.double(weight)] }, schema: sampling.schema)
        reservoir = []
        try emitAll([batch], to: downstream)
    }
}
