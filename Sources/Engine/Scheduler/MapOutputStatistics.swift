// MapOutputStatistics: what the driver knows of a shuffle's size per reduce partition, from the
// MapStatuses (bytes and rows). Kept for adaptive execution and skew diagnosis.

import Planner

public struct MapOutputStatistics: Sendable {
    public let shuffleId: ShuffleID
    /// Map outputs registered.
    public let mapOutputs: Int
    /// Compressed bytes per reduce partition, summed over the map outputs.
    public let bytesByPartition: [Int64]
    /// Rows per reduce partition.
    public let rowsByPartition: [Int64]

    public var totalBytes: Int64 { bytesByPartition.reduce(0, +) }
    public var totalRows: Int64 { rowsByPartition.reduce(0, +) }
}

extension MapOutputStatistics {
    /// Reduce partitions the SkewRule calls skewed.
    var skewedPartitions: Set<Int> {
        let rule = SkewRule(sizes: bytesByPartition)
        return Set(bytesByPartition.indices.filter { rule.isSkewed(bytesByPartition[$0]) })
    }
}
