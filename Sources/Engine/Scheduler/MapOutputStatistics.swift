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
    /// Reduce partitions at least `factor` times the median size of the non-empty ones and at least
    /// `minBytes` (Spark's skew test: spark.sql.adaptive.skewJoin.skewedPartitionFactor = 5).
    public func skewedPartitions(factor: Int64 = 5, minBytes: Int64 = 64 << 10) -> Set<Int> {
        let sizes = bytesByPartition.filter { $0 > 0 }.sorted()
        guard sizes.count >= 2 else { return [] }
        let median = sizes[sizes.count / 2]
        return Set(bytesByPartition.indices.filter { bytesByPartition[$0] >= minBytes && bytesByPartition[$0] >= factor * Swift.max(median, 1) })
    }
}
