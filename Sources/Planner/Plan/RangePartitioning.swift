// RangePartitioning: a global sort's exchange (Spark's RangePartitioner). Rows go to the partition
// whose key range holds their sort key: partition i holds keys ≤ bounds[i] and > bounds[i - 1], so
// reading the partitions in order reads the rows in order. The bounds come from a sample of the
// child's keys that the driver takes in a job of its own before the shuffle (KeySampling), so a
// plan's range exchanges have no bounds until the driver fills them in.

@_spi(EmberInternal) public struct RangePartitioning: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var orders: [BoundSortOrder]
    @_spi(EmberInternal) public var numPartitions: Int
    /// The sort-key values that end partitions 0, 1, …, strictly increasing in sort order (at most
    /// numPartitions - 1; fewer when keys repeat). nil until the sampling job ran.
    @_spi(EmberInternal) public var bounds: [[Value]]?

    @_spi(EmberInternal) public init(orders: [BoundSortOrder], numPartitions: Int, bounds: [[Value]]? = nil) {
        self.orders = orders
        self.numPartitions = max(1, numPartitions)
        self.bounds = bounds
    }

    /// Spark's `spark.sql.execution.rangeExchange.sampleSizePerPartition`: keys sampled per output partition.
    @_spi(EmberInternal) public static let samplePerOutputPartition = 100
    /// Spark's cap on the total sample.
    @_spi(EmberInternal) public static let maxSampleSize = 1_000_000

    /// What each of `inputPartitions` map tasks samples (Spark over-samples 3×, assuming balanced input).
    @_spi(EmberInternal) public func sampling(inputPartitions: Int) -> KeySampling {
        let total = min(Self.samplePerOutputPartition * numPartitions, Self.maxSampleSize)
        let perPartition = (3 * total + max(1, inputPartitions) - 1) / max(1, inputPartitions)
        return KeySampling(orders: orders, perPartition: max(1, perPartition))
    }
}

/// A sampling job's operator: a reservoir sample of the sort keys of each partition (at most
/// `perPartition` rows), each sampled row weighted by how many rows it stands for.
@_spi(EmberInternal) public struct KeySampling: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var orders: [BoundSortOrder]
    @_spi(EmberInternal) public var perPartition: Int

    @_spi(EmberInternal) public init(orders: [BoundSortOrder], perPartition: Int) {
        self.orders = orders
        self.perPartition = perPartition
    }

    /// Output: one column per sort key (`key0`, `key1`, …) and the row's weight.
    @_spi(EmberInternal) public var schema: StructType {
        StructType(orders.enumerated().map { StructField("key\($0.offset)", $0.element.expression.dataType) }
                   + [StructField("weight", .double)])
    }

    /// The orders over the output's key columns.
    @_spi(EmberInternal) public var keyOrders: [BoundSortOrder] {
        orders.enumerated().map {
            BoundSortOrder(expression: .column($0.offset, $0.element.expression.dataType), ascending: $0.element.ascending,
                           nullsFirst: $0.element.nullsFirst)
        }
    }
}

extension BoundSortOrder {
    /// `expr ASC NULLS FIRST` (plans and explain()).
    @_spi(EmberInternal) public func describe(_ schema: StructType) -> String {
        "\(expression.describe(schema)) \(ascending ? "ASC" : "DESC") NULLS \(nullsFirst ? "FIRST" : "LAST")"
    }
}
