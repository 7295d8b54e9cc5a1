// PartitionPruning: a filter on a scan's partition columns (from `col=value` directories) drops
// the files of the partitions it rules out before any task runs (Spark's PartitionFilters). The
// conjuncts that read partition columns only are evaluated once per distinct partition (a batch
// of the partitions' values); the splits of partitions where they are not true are removed. The
// filter itself stays (it is true for every row that is left, and cheap). Runs after predicate
// pushdown, which brings filters down to the scans, and before column pruning.
//
//   Filter (k = 1 AND x > 5)                 Filter (k = 1 AND x > 5)
//     Scan csv [x, k] 8 splits        ──►      Scan csv [x, k] 2 splits, PartitionFilters: [(k#1 = 1)],
//                                                 partitions read: 1 of 4 (3 pruned), files read: 2 of 8

/// What partition pruning did to a scan, for explain.
@_spi(EmberInternal) public struct PartitionPruning: Sendable, Codable, Hashable {
    /// The conjuncts evaluated on partition values, as explain shows them.
    @_spi(EmberInternal) public var filters: [String]
    @_spi(EmberInternal) public var partitionsTotal: Int
    @_spi(EmberInternal) public var partitionsRead: Int
    @_spi(EmberInternal) public var filesTotal: Int
    @_spi(EmberInternal) public var filesRead: Int

    @_spi(EmberInternal) public var description: String {
        "PartitionFilters: [\(filters.joined(separator: ", "))], partitions read: \(partitionsRead) of \(partitionsTotal) "
            + "(\(partitionsTotal - partitionsRead) pruned), files read: \(filesRead) of \(filesTotal)"
    }
}

extension Optimizer {
    static func prunePartitions(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            guard case .filter(let condition, .scan(let scan)) = node, !scan.partitionSchema.fields.isEmpty, scan.pruning == nil,
                  let pruned = pruned(scan, by: condition) else { return node }
            return .filter(condition, .scan(pruned))
        }
    }

    /// The scan without the splits of partitions `condition` rules out (nil: it reads no partition column alone).
    static func pruned(_ scan: FileScan, by condition: BoundExpression) -> FileScan? {
        let dataCount = scan.dataSchema.count
        let filters = condition.conjuncts.filter { c in
            let columns = c.referencedColumns
            return !columns.isEmpty && columns.allSatisfy { $0 < scan.requiredColumns.count && scan.requiredColumns[$0] >= dataCount }
        }
        guard let test = BoundExpression.conjunction(filters) else { return nil }
        var partitions: [[Value]] = []
        var seen = Set<PartitionKey>()
        for split in scan.splits where seen.insert(PartitionKey(split.partitionValues)).inserted { partitions.append(split.partitionValues) }
        // One row per partition, in the scan's output columns (file columns are null: unread).
        let output = scan.outputSchema
        let columns = scan.requiredColumns.enumerated().map { position, index in
            var builder = ColumnBuilder(type: output.fields[position].dataType, capacity: partitions.count)
            for values in partitions { builder.append(index >= dataCount ? values[index - dataCount] : .null) }
            return builder.finish()
        }
        guard let result = try? test.evaluate(ColumnarBatch(schema: output, columns: columns, numRows: partitions.count)) else { return nil }
        var kept = Set<PartitionKey>()
        for (i, values) in partitions.enumerated() where result.value(at: i) == .boolean(true) { kept.insert(PartitionKey(values)) }
        var pruned = scan
        pruned.splits = scan.splits.filter { kept.contains(PartitionKey($0.partitionValues)) }
        pruned.pruning = PartitionPruning(filters: filters.map { $0.describe(output) }, partitionsTotal: partitions.count,
                                          partitionsRead: kept.count, filesTotal: Set(scan.splits.map(\.path)).count,
                                          filesRead: Set(pruned.splits.map(\.path)).count)
        return pruned
    }
}

/// One partition's values as a set key, equal only when the values are identical. Value's own `==`
/// would lose rows here: NaN is unequal to itself (a NaN partition that passes the filter would
/// never be found among the kept ones again), and it calls 0.0 and -0.0, or canonically
/// equivalent strings in different bytes, equal (two directories a filter tells apart, of which
/// only the first would be evaluated).
struct PartitionKey: Hashable {
    let values: [Value]

    init(_ values: [Value]) { self.values = values }

    static func == (a: PartitionKey, b: PartitionKey) -> Bool {
        a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { x, y in
            switch (x, y) {
            case (.double(let u), .double(let v)): return u.bitPattern == v.bitPattern || (u.isNaN && v.isNaN)
            case (.string(let u), .string(let v)): return u.utf8.elementsEqual(v.utf8)
            default: return x == y
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        for value in values {
            switch value {
            case .double(let d): hasher.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
            case .string(let s):
                hasher.combine(s.utf8.count)
                for byte in s.utf8 { hasher.combine(byte) }
            default: hasher.combine(value)
            }
        }
    }
}
