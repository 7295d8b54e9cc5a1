// ScanFilterPushdown: the conjuncts of a filter right above a Parquet scan that compare one of the
// file's columns with a literal (or test it for null) go to the scan as `ScanPredicate`s (Spark's
// PushedFilters), so the reader can skip row groups whose min/max statistics rule them out. The
// filter itself stays: statistics only ever drop row groups with no matching row. Runs last, on
// the pruned plan, where the scan's columns are final.
//
//   Filter (l_shipdate#2 <= 1998-09-02 AND l_tax#1 > 0.01)       same filter
//     Scan parquet [l_tax, l_shipdate]                    ──►      Scan parquet … PushedFilters: [l_shipdate <= …, l_tax > …]

/// A comparison of a file column with a literal that a file format can check against statistics.
@_spi(EmberInternal) public struct ScanPredicate: Sendable, Codable, Hashable, CustomStringConvertible {
    @_spi(EmberInternal) public enum Comparison: String, Sendable, Codable, Hashable {
        case equal = "=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case isNull = "IS NULL", isNotNull = "IS NOT NULL"
    }

    /// Index into the scan's `dataSchema`.
    @_spi(EmberInternal) public var column: Int
    @_spi(EmberInternal) public var comparison: Comparison
    /// The literal (null for the null tests).
    @_spi(EmberInternal) public var value: Value

    @_spi(EmberInternal) public init(column: Int, comparison: Comparison, value: Value) {
        self.column = column
        self.comparison = comparison
        self.value = value
    }

    @_spi(EmberInternal) public var description: String { describe(nil) }

    /// `name op value`, with the column named from `schema` when given.
    @_spi(EmberInternal) public func describe(_ schema: StructType?) -> String {
        let name = schema.flatMap { column < $0.count ? $0.fields[column].name : nil } ?? "#\(column)"
        return value.isNull ? "\(name) \(comparison.rawValue)" : "\(name) \(comparison.rawValue) \(value)"
    }
}

extension Optimizer {
    static func pushScanFilters(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            guard case .filter(let condition, .scan(var scan)) = node, case .parquet = scan.format, scan.pushedFilters.isEmpty else { return node }
            let predicates = condition.conjuncts.compactMap { scanPredicate($0, scan) }
            guard !predicates.isEmpty else { return node }
            scan.pushedFilters = predicates
            return .filter(condition, .scan(scan))
        }
    }

    /// The conjunct as a predicate on a file column, if it is one.
    static func scanPredicate(_ e: BoundExpression, _ scan: FileScan) -> ScanPredicate? {
        let flipped: [BinaryOperator: ScanPredicate.Comparison] = [
            .equal: .equal, .less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual,
        ]
        let direct: [BinaryOperator: ScanPredicate.Comparison] = [
            .equal: .equal, .less: .less, .lessOrEqual: .lessOrEqual, .greater: .greater, .greaterOrEqual: .greaterOrEqual,
        ]
        let position: Int, comparison: ScanPredicate.Comparison, value: Value
        switch e {
        case .comparison(let op, .column(let i, let t), .literal(let v, let lt)) where !v.isNull && t == lt:
            guard let c = direct[op] else { return nil }
            (position, comparison, value) = (i, c, v)
        case .comparison(let op, .literal(let v, let lt), .column(let i, let t)) where !v.isNull && t == lt:
            guard let c = flipped[op] else { return nil }
            (position, comparison, value) = (i, c, v)
        case .isNull(.column(let i, _)): (position, comparison, value) = (i, .isNull, .null)
        case .isNotNull(.column(let i, _)): (position, comparison, value) = (i, .isNotNull, .null)
        default: return nil
        }
        guard position < scan.requiredColumns.count, scan.requiredColumns[position] < scan.dataSchema.count else { return nil }
        return ScanPredicate(column: scan.requiredColumns[position], comparison: comparison, value: value)
    }
}
