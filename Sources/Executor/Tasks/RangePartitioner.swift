// RangePartitioner: the bounds of a range exchange, computed by the driver from the sampled keys
// (Spark's RangePartitioner.determineBounds), and the partition of each row that a map task finds
// by binary search over them (over integers when the sort prefix is the whole key).
//
//   samples (key, weight) sorted by key; step = Σ weight / P
//   walk them adding weights: at each multiple of step take the key as the next bound, unless it
//   does not sort after the previous bound (repeated keys make fewer, never equal, bounds)
//   row → the first partition whose bound sorts at or after its key (bounds.count if none)
//
// Equal keys always land in one partition; nulls and NaN fall where the sort order puts them.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public struct RangePartitioner {
    let orders: [BoundSortOrder]
    let bounds: SortKeys
    let boundCount: Int
    /// The bounds' sort prefixes when they are the whole key (SortPrefix.isExact): rows whose keys
    /// are exact too are placed by comparing integers.
    let boundPrefixes: [UInt64]?

    @_spi(EmberInternal) public init(_ partitioning: RangePartitioning) throws {
        guard let values = partitioning.bounds else {
            throw EmberError(.internal, "a range exchange reached a map task without its sampled bounds")
        }
        let schema = StructType(partitioning.orders.enumerated().map { StructField("bound\($0.offset)", $0.element.expression.dataType) })
        let batch = ColumnarBatch.fromRows(values, schema: schema)
        orders = partitioning.orders
        bounds = SortKeys(columns: batch.columns, orders: partitioning.orders)
        let count = min(values.count, partitioning.numPartitions - 1)
        boundCount = count
        boundPrefixes = SortPrefix.isExact([bounds]) ? SortPrefix.compute(bounds, count: values.count).map { Array($0.prefix(count)) } : nil
    }

    /// The partition of every row of `batch`, into `out`.
    @_spi(EmberInternal) public func partitionIds(_ batch: ColumnarBatch, into out: inout [Int32]) throws {
        out.removeAll(keepingCapacity: true)
        guard boundCount > 0 else {
            out.append(contentsOf: repeatElement(0, count: batch.numRows))
            return
        }
        let keys = try SortKeys(batch, orders: orders)
        if let boundPrefixes, SortPrefix.isExact([keys]), let prefixes = SortPrefix.compute(keys, count: batch.numRows) {
            // prefix(row) ≤ prefix(bound) exactly when the row sorts at or before the bound, so a
            // row's partition is the number of bounds below its prefix: a binary search without
            // branches (keys in random order would mispredict every step of one with them).
            let n = prefixes.count
            guard !boundPrefixes.isEmpty else { return out.append(contentsOf: repeatElement(0, count: n)) }
            boundPrefixes.withUnsafeBufferPointer { b in
                out.append(contentsOf: (0..<n).lazy.map { i -> Int32 in
                    let p = prefixes[i]
                    var base = 0, length = b.count
                    while length > 1 {
                        let half = length / 2
                        base += b[base + half] < p ? half : 0
                        length -= half
                    }
                    return Int32(base + (b[base] < p ? 1 : 0))
                })
            }
            return
        }
        for i in 0..<batch.numRows {
            var low = 0, high = boundCount
            while low < high {
                let mid = (low + high) / 2
                if keys.compare(i, bounds, mid) <= 0 { high = mid } else { low = mid + 1 }
            }
            out.append(Int32(low))
        }
    }

    /// The bounds for `partitions` ranges from the sampling job's output (key columns + weight, as
    /// `sampling.schema`).
    @_spi(EmberInternal) public static func determineBounds(samples: [ColumnarBatch], sampling: KeySampling, partitions: Int) throws -> [[Value]] {
        guard partitions > 1 else { return [] }
        let schema = sampling.schema
        let sorted = try SortedRows(samples, orders: sampling.keyOrders, schema: schema)
        guard sorted.count > 0 else { return [] }
        let all = sorted.batch(0..<sorted.count)
        let keys = try SortKeys(all, orders: sampling.keyOrders)
        guard case .double(let weights) = all.columns[schema.count - 1].values else {
            throw EmberError(.internal, "the key sample has no weight column")
        }
        let step = weights.reduce(0, +) / Double(partitions)
        var cumulative = 0.0
        var target = step
        var previous: Int? = nil
        var bounds: [[Value]] = []
        for i in 0..<all.numRows where bounds.count < partitions - 1 {
            cumulative += weights[i]
            guard cumulative >= target else { continue }
            if let previous, keys.compare(i, keys, previous) <= 0 { continue }
            bounds.append(Array(all.row(i).prefix(sampling.orders.count)))
            target += step
            previous = i
        }
        return bounds
    }
}
