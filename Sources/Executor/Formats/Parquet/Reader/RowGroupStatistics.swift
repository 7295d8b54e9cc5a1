// RowGroupStatistics: whether a row group's column statistics (min, max, null count) prove that
// no row can pass a pushed-down filter, so the scan skips it. Statistics are used only where
// their order is Ember's: min_value/max_value under the type-defined column order (the
// deprecated min/max only for integers and floats, whose signed order was right), converted to
// Ember values the same way as the column's values (monotonically, so bounds stay bounds).
// FLOAT and DOUBLE columns never skip on > or >=: Spark orders NaN above every number, and statistics
// leave NaN out of the max.

@_spi(EmberInternal) import Planner

enum RowGroupStatistics {
    /// True when some predicate is false for every row of the group.
    static func rulesOut(_ group: RowGroup, predicates: [(ScanPredicate, ParquetColumn)], orders: [ColumnOrder]?) -> Bool {
        predicates.contains { predicate, column in
            guard column.leafIndex < group.columns.count, let meta = group.columns[column.leafIndex].metaData,
                  let stats = meta.statistics else { return false }
            if let orders, column.leafIndex < orders.count, orders[column.leafIndex] != .typeDefinedOrder { return false }
            switch predicate.comparison {
            case .isNull: return stats.nullCount == 0
            case .isNotNull: return stats.nullCount == group.numRows
            default: break
            }
            guard let (min, max) = bounds(stats, column) else { return false }
            let v = predicate.value
            guard let lowCompare = compare(v, min), let highCompare = compare(v, max) else { return false }
            let isDouble = [.float, .double, .float16].contains(column.conversion)   // may hold NaN
            switch predicate.comparison {
            case .equal: return lowCompare < 0 || highCompare > 0                // v < min or v > max
            case .less: return lowCompare <= 0                                   // min >= v
            case .lessOrEqual: return lowCompare < 0                             // min > v
            case .greater: return !isDouble && highCompare >= 0                  // max <= v
            case .greaterOrEqual: return !isDouble && highCompare > 0            // max < v
            case .isNull, .isNotNull: return false
            }
        }
    }

    /// -1, 0, 1 for a < b, a = b, a > b; nil when the values do not compare (types differ, NaN).
    static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.long(let x), .long(let y)), (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.double(let x), .double(let y)):
            guard !x.isNaN && !y.isNaN else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)):
            let (p, q) = (Array(x.utf8), Array(y.utf8))
            return p.lexicographicallyPrecedes(q) ? -1 : (p == q ? 0 : 1)
        default: return nil
        }
    }

    /// The group's min and max of the column as Ember values, when trustworthy.
    static func bounds(_ stats: Statistics, _ column: ParquetColumn) -> (Value, Value)? {
        let signedOrderIsRight: Bool
        switch column.conversion {
        case .int32(unsigned: false), .int64, .date, .timestamp, .float, .double: signedOrderIsRight = true
        default: signedOrderIsRight = false
        }
        guard let low = stats.minValue ?? (signedOrderIsRight ? stats.min : nil),
              let high = stats.maxValue ?? (signedOrderIsRight ? stats.max : nil),
              let min = value(low, column), let max = value(high, column) else { return nil }
        return (min, max)
    }

    /// One PLAIN-encoded statistics value as the Ember value the column reads it as.
    static func value(_ bytes: [UInt8], _ column: ParquetColumn) -> Value? {
        if column.conversion == .string {
            let text = String(decoding: bytes, as: UTF8.self)
            return Array(text.utf8) == bytes ? .string(text) : nil   // repaired UTF-8 would not be a bound
        }
        let width = PageValueDecoder.fixedWidth(column)
        guard width > 0, bytes.count == width, column.conversion != .int96 else { return nil }
        var out = ParquetColumnOutput(kind: ScanKind(column.dataType) ?? .string, capacity: 1)
        let converted: Bool = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return false }
            return (try? ParquetValueConversion.appendFixed(base, count: 1, column: column, into: &out)) != nil
        }
        guard converted else { return nil }
        out.markPresent(1)
        let v = out.finish().value(at: 0)
        if case .double(let d) = v, d.isNaN { return nil }
        return v
    }
}
