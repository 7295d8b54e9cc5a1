// ScanDictionaryColumns: which string columns a text scan (CSV, JSON lines) dictionary-encodes
// while it reads them. Codes cost a lookup per value in the scan and pay off only where a
// consumer reads them: the hash aggregate's grouping keys, when all of them are strings. So a
// string column is marked when such an aggregate groups by it, directly, through filters and
// through projections that pass it on unchanged. Runs last, on the pruned plan, where the scan's columns are final. (Parquet's
// dictionary pages give codes for free, whatever is marked.)
//
//   Aggregate [country#2, device#3] …                           same aggregate
//     Filter (amount#4 > 10)                          ──►         same filter
//       Scan csv [user_id, country, device, amount]                 Scan csv … DictionaryColumns: [country, device]

extension Optimizer {
    static func markScanDictionaryColumns(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            guard case .aggregate(let keys, let aggregates, let schema, let child) = node else { return node }
            // The aggregate reads codes only when every key is a string column that has them.
            let positions = Set(keys.compactMap { key -> Int? in
                if case .column(let i, .string) = key { return i }
                return nil
            })
            guard !positions.isEmpty, positions.count == Set(keys).count else { return node }
            return .aggregate(keys: keys, aggregates: aggregates, schema, markDictionary(child, positions))
        }
    }

    /// Marks output columns `positions` of `plan` in the scan that produces them, if one does.
    private static func markDictionary(_ plan: ResolvedPlan, _ positions: Set<Int>) -> ResolvedPlan {
        switch plan {
        case .scan(var scan):
            scan.dictionaryColumns = Array(Set(scan.dictionaryColumns).union(positions.filter { $0 < scan.requiredColumns.count })).sorted()
            return .scan(scan)
        case .filter(let condition, let child):
            return .filter(condition, markDictionary(child, positions))
        case .project(let expressions, let schema, let child):
            let below = Set(positions.compactMap { p -> Int? in
                guard p < expressions.count, case .column(let i, _) = expressions[p] else { return nil }
                return i
            })
            return below.isEmpty ? plan : .project(expressions, schema, markDictionary(child, below))
        default:
            return plan
        }
    }
}
