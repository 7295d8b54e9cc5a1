// SortKeys: the evaluated sort-key columns of a batch, and a row comparator over them that works
// within one batch (sorting) and across batches (the driver's k-way merge of sorted partitions).
// Nulls go first for ascending and last for descending keys unless the order says otherwise (Spark).

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public struct SortKeys: Sendable {
    @_spi(EmberInternal) public let columns: [ColumnVector]
    @_spi(EmberInternal) public let orders: [BoundSortOrder]

    @_spi(EmberInternal) public init(_ batch: ColumnarBatch, orders: [BoundSortOrder]) throws {
        self.columns = try orders.map { try $0.expression.evaluate(batch) }
        self.orders = orders
    }

    /// Keys already evaluated: `columns[k]` is the value of `orders[k]`.
    @_spi(EmberInternal) public init(columns: [ColumnVector], orders: [BoundSortOrder]) {
        self.columns = columns
        self.orders = orders
    }

    /// Compares row i of `self` with row j of `other` (same orders): < 0, 0 or > 0.
    @inline(__always)
    @_spi(EmberInternal) public func compare(_ i: Int, _ other: SortKeys, _ j: Int) -> Int {
        for k in 0..<columns.count {
            let a = columns[k], b = other.columns[k]
            let order = orders[k]
            let an = a.isNull(i), bn = b.isNull(j)
            if an || bn {
                if an && bn { continue }
                return (an ? -1 : 1) * (order.nullsFirst ? 1 : -1)
            }
            var c = 0
            switch (a.values, b.values) {
            case (.long(let x), .long(let y)), (.timestamp(let x), .timestamp(let y)):
                c = x[i] < y[j] ? -1 : (x[i] == y[j] ? 0 : 1)
            case (.double(let x), .double(let y)):
                c = doubleCompare(x[i], y[j])
            case (.date(let x), .date(let y)):
                c = x[i] < y[j] ? -1 : (x[i] == y[j] ? 0 : 1)
            case (.boolean(let x), .boolean(let y)):
                c = x[i] == y[j] ? 0 : (x[i] ? 1 : -1)
            case (.string(let x), .string(let y)):
                c = x.compare(i, y, j)
            default:
                c = compareValues(a.value(at: i), b.value(at: j))
            }
            if c != 0 { return order.ascending ? c : -c }
        }
        return 0
    }

    /// A stable permutation that sorts the rows.
    @_spi(EmberInternal) public func sortedPermutation(count: Int) -> [Int32] {
        var perm = (0..<count).map { Int32($0) }
        perm.sort { a, b in
            let c = compare(Int(a), self, Int(b))
            return c < 0 || (c == 0 && a < b)
        }
        return perm
    }
}
