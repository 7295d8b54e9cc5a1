// PlanStatistics: a plan's estimated output size in bytes, before it runs, for choosing broadcast
// joins (Spark's sizeInBytes without cost-based statistics): a scan is its files' bytes scaled to
// the columns it reads; filters and sorts keep their input's size (no selectivity guesses);
// projections and aggregates scale it to their columns (an aggregate without keys is one row); a limit caps it; semi and anti joins are
// their left side, other joins the product of their inputs (duplicate keys multiply rows; Spark's
// estimate, saturating), unions the sum of their inputs.

extension ResolvedPlan {
    @_spi(EmberInternal) public var estimatedSizeInBytes: Int64 {
        func scaled(_ bytes: Int64, _ columns: Int, of total: Int) -> Int64 {
            total <= 0 ? bytes : bytes / Int64(total) * Int64(max(columns, 1))
        }
        switch self {
        case .scan(let s): return s.estimatedSizeInBytes
        case .range(let r): return r.count &* 8
        case .filter(_, let c), .sort(_, let c), .sortWithinPartitions(_, let c), .repartition(_, let c), .coalesce(_, let c), .cache(_, _, let c), .broadcastHint(let c), .generate(_, let c):
            return c.estimatedSizeInBytes
        case .aggregate(let keys, _, let s, _) where keys.isEmpty:
            return 8 &* Int64(Swift.max(s.count, 1))   // one row
        case .project(_, let s, let c), .aggregate(_, _, let s, let c), .window(_, let s, let c):
            return scaled(c.estimatedSizeInBytes, s.count, of: c.schema.count)
        case .limit(let n, let c): return Swift.min(c.estimatedSizeInBytes, Int64(n) &* 8 &* Int64(Swift.max(c.schema.count, 1)))
        case .join(let j, let l, let r):
            guard j.type.outputsRightColumns else { return l.estimatedSizeInBytes }
            let (product, overflow) = Swift.max(l.estimatedSizeInBytes, 1).multipliedReportingOverflow(by: Swift.max(r.estimatedSizeInBytes, 1))
            return overflow ? .max : product
        case .union(let cs, _): return cs.reduce(Int64(0)) { $0 &+ $1.estimatedSizeInBytes }
        }
    }

    /// Whether the plan carries a broadcast hint (through operators that keep rows as they are).
    @_spi(EmberInternal) public var hasBroadcastHint: Bool {
        switch self {
        case .broadcastHint: return true
        case .filter(_, let c), .project(_, _, let c), .sort(_, let c), .limit(_, let c): return c.hasBroadcastHint
        default: return false
        }
    }
}

extension FileScan {
    /// Its splits' bytes scaled to the columns it reads.
    @_spi(EmberInternal) public var estimatedSizeInBytes: Int64 {
        let bytes = splits.reduce(Int64(0)) { $0 &+ $1.length }
        let total = dataSchema.count + partitionSchema.count
        return total <= 0 ? bytes : bytes / Int64(total) * Int64(Swift.max(requiredColumns.count, 1))
    }
}
