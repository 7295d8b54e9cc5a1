// ScanDictionaryColumns: which string columns a scan gives dictionary codes: CSV and JSON lines
// encode them while reading, Parquet keeps its dictionary pages' ids. Text codes cost a lookup per
// value in the scan, and any codes cost memory where batches are kept; they pay off only where a
// consumer reads them: the hash aggregate's grouping keys, when all of them are strings. So a
// string column is marked when such an aggregate groups by it, directly, through filters and
// through projections that pass it on unchanged, and only if all its keys are file columns of one
// scan. Parquet's codes cost only their copy, so a Parquet string column is also marked where the
// filter right above its scan compares it with a literal (`l_shipmode = 'AIR'`) and the
// projection above drops it: the comparison is then made once per dictionary value. Runs last, on the pruned plan, where the scan's columns
// are final.
//
//   Aggregate [country#2, device#3] …                           same aggregate
//     Filter (amount#4 > 10)                          ──►         same filter
//       Scan csv [user_id, country, device, amount]                 Scan csv … DictionaryColumns: [country, device]

extension Optimizer {
    static func markScanDictionaryColumns(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            if case .project(let expressions, let schema, .filter(let condition, .scan(var scan))) = node, case .parquet = scan.format {
                // Only columns the projection drops: their codes end at the filter, never charged
                // to the memory of the operators above.
                let projected = expressions.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
                let compared = literalComparedStrings(condition).subtracting(projected)
                    .filter { $0 < scan.requiredColumns.count && scan.requiredColumns[$0] < scan.dataSchema.count }
                guard !compared.isEmpty else { return node }
                scan.dictionaryColumns = Array(Set(scan.dictionaryColumns).union(compared)).sorted()
                return .project(expressions, schema, .filter(condition, .scan(scan)))
            }
            guard case .aggregate(let keys, let aggregates, let schema, let child) = node else { return node }
            // The aggregate reads codes only when every key is a string column that has them.
            let positions = Set(keys.compactMap { key -> Int? in
                if case .column(let i, .string) = key { return i }
                return nil
            })
            guard !positions.isEmpty, positions.count == Set(keys).count else { return node }
            return .aggregate(keys: keys, aggregates: aggregates, schema, markDictionary(child, positions) ?? child)
        }
    }

    /// String columns that `condition` compares with a literal.
    private static func literalComparedStrings(_ condition: BoundExpression) -> Set<Int> {
        switch condition {
        case .comparison(_, .column(let i, .string), .literal), .comparison(_, .literal, .column(let i, .string)): return [i]
        default: return condition.children.reduce(into: Set<Int>()) { $0.formUnion(literalComparedStrings($1)) }
        }
    }

    /// Marks output columns `positions` of `plan` in the scan that produces them, or returns nil
    /// when not all of them come unchanged from one scan's files (then none is worth marking).
    private static func markDictionary(_ plan: ResolvedPlan, _ positions: Set<Int>) -> ResolvedPlan? {
        switch plan {
        case .scan(var scan):
            let fileStrings = positions.allSatisfy { p in
                p < scan.requiredColumns.count && scan.requiredColumns[p] < scan.dataSchema.count
                    && scan.dataSchema.fields[scan.requiredColumns[p]].dataType == .string
            }
            guard fileStrings else { return nil }
            scan.dictionaryColumns = Array(Set(scan.dictionaryColumns).union(positions)).sorted()
            return .scan(scan)
        case .filter(let condition, let child):
            return markDictionary(child, positions).map { .filter(condition, $0) }
        case .project(let expressions, let schema, let child):
            let below = Set(positions.compactMap { p -> Int? in
                guard p < expressions.count, case .column(let i, _) = expressions[p] else { return nil }
                return i
            })
            guard below.count == positions.count else { return nil }
            return markDictionary(child, below).map { .project(expressions, schema, $0) }
        default:
            return nil
        }
    }
}
