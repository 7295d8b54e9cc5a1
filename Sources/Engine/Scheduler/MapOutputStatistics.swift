// MapOutputStatistics: what the driver knows of a shuffle's size per reduce partition, from the
// MapStatuses (bytes and rows). Kept for adaptive execution and skew diagnosis.

@_spi(EmberInternal) import Planner

public struct MapOutputStatistics: Sendable {
    public let shuffleId: ShuffleID
    /// Map outputs registered.
    public let mapOutputs: Int
    /// Compressed bytes per reduce partition, summed over the map outputs.
    public let bytesByPartition: [Int64]
    /// Rows per reduce partition.
    public let rowsByPartition: [Int64]

    /// Reduce partitions the SkewRule calls skewed (judged once, when the statistics are taken).
    let skewedPartitions: Set<Int>

    init(shuffleId: ShuffleID, mapOutputs: Int, bytesByPartition: [Int64], rowsByPartition: [Int64]) {
        self.shuffleId = shuffleId
        self.mapOutputs = mapOutputs
        self.bytesByPartition = bytesByPartition
        self.rowsByPartition = rowsByPartition
        let rule = SkewRule(sizes: bytesByPartition)
        skewedPartitions = Set(bytesByPartition.indices.filter { rule.isSkewed(bytesByPartition[$0]) })
    }

    public var totalBytes: Int64 { bytesByPartition.reduce(0, +) }
    public var totalRows: Int64 { rowsByPartition.reduce(0, +) }
}
