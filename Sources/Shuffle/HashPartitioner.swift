// HashPartitioner: assigns each row of a batch to a reduce partition by hashing its key columns
// with the fixed partition seed, so every process sends equal keys to the same reducer.

@_spi(EmberInternal) import Planner

/// Spark's `HashPartitioner` for columnar batches: `partition = pmod(hash(keys), numPartitions)`.
///
/// ```
///  key columns ──FixedSeedHash.hashRows(seed: partitionSeed)──► [UInt64] hashes (scratch)
///             ──pmod(Int64(bitPattern: h), P)──────────────────► [Int32] partition ids in 0..<P
/// ```
///
/// The hash is `FixedSeedHash` with `FixedSeedHash.partitionSeed`, never Swift's `Hasher` (which
/// is seeded per process). The aggregate's table uses another seed, so the keys of one reduce
/// partition do not pile into a few of its buckets.
///
/// The partitioner keeps the per-row hash buffer between calls so that partitioning a stream of
/// batches allocates nothing after the first; that is why ``partitionIds(keys:numRows:into:)`` is
/// `mutating`. Copies are cheap (the buffer is copy-on-write) and independent, so one value per
/// task is the intended use.
@_spi(EmberInternal) public struct HashPartitioner: Sendable {
    @_spi(EmberInternal) public let numPartitions: Int
    /// Reused per-row hashes (capacity grows to the largest batch seen).
    private var hashes: [UInt64] = []

    @_spi(EmberInternal) public init(numPartitions: Int) {
        precondition(numPartitions > 0 && numPartitions <= Int(Int32.max),
                     "numPartitions must be in 1...\(Int32.max), got \(numPartitions)")
        self.numPartitions = numPartitions
    }

    /// Writes the reduce partition of each of the `numRows` rows into `out` (resized to `numRows`).
    /// Nulls hash to a fixed value, so all-null keys go to one partition; no key columns put every
    /// row in the same partition.
    @_spi(EmberInternal) public mutating func partitionIds(keys: [ColumnVector], numRows: Int, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        if numPartitions == 1 {
            out.append(contentsOf: repeatElement(0, count: numRows))
            return
        }
        FixedSeedHash.hashRows(keys, numRows: numRows, seed: FixedSeedHash.partitionSeed, into: &hashes)
        out.append(contentsOf: repeatElement(0, count: numRows))
        let n = Int64(numPartitions)
        let mask = UInt64(numPartitions - 1)
        let powerOfTwo = numPartitions & (numPartitions - 1) == 0
        hashes.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { ids in
                if powerOfTwo {
                    // pmod by a power of two is the low bits, in two's complement as well.
                    for i in 0..<numRows { ids[i] = Int32(truncatingIfNeeded: h[i] & mask) }
                } else {
                    for i in 0..<numRows { ids[i] = HashPartitioner.pmod(h[i], n) }
                }
            }
        }
    }

    /// The partition of one precomputed hash (for callers that hash rows themselves).
    @_spi(EmberInternal) public func partition(ofHash hash: UInt64) -> Int {
        Int(HashPartitioner.pmod(hash, Int64(numPartitions)))
    }

    /// Spark's non-negative modulo over the hash read as a signed 64-bit value:
    /// `r = h % n; r < 0 ? r + n : r`.
    @inline(__always)
    static func pmod(_ hash: UInt64, _ n: Int64) -> Int32 {
        let r = Int64(bitPattern: hash) % n
        return Int32(truncatingIfNeeded: r < 0 ? r &+ n : r)
    }
}
