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
            if case .project(let expressions, let schema, let filter) = node, case .filter(let condition, .scan(let scan)) = filter,
               case .parquet = scan.format {
                // Only columns the projection drops: their codes end at the filter, never charged
                // to the memory of the operators above.
                let compared = literalComparedStrings(condition).subtracting(BoundExpression.referencedColumns(expressions))
                    .filter { isFileString($0, of: scan) }
                guard !compared.isEmpty, let marked = markDictionary(filter, compared) else { return node }
                return .project(expressions, schema, marked)
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

    /// Whether output column `p` of `scan` is a string column of its files (not of its directories).
    private static func isFileString(_ p: Int, of scan: FileScan) -> Bool {
        p < scan.requiredColumns.count && scan.requiredColumns[p] < scan.dataSchema.count
            && scan.dataSchema.fields[scan.requiredColumns[p]].dataType == .string
    }

    /// Marks output columns `positions` of `plan` in the scan that produces them, or returns nil
    /// when not all of them come unchanged from one scan's files (then none is worth marking).
    private static func markDictionary(_ plan: ResolvedPlan, _ positions: Set<Int>) -> ResolvedPlan? {
        switch plan {
        case .scan(var scan):
            guard positions.allSatisfy({ isFileString($0, of: scan) }) else { return nil }
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
