// Comparison: =, <>, <, <=, >, >= over two columns of one type, and the total order that sorts,
// min/max and slow paths share. Doubles follow Spark, not IEEE 754: NaN equals NaN and is greater
// than every other double, and -0.0 equals 0.0 (Spark's SQLOrderingUtil.compareDoubles for the
// orderings, and its NaN-aware equality for `=`). So `NaN > 1.0` is true and `NaN = NaN` keeps a
// row, in filters as in sorts, groups and joins.

enum Comparison {
    @inline(__always) static func holds(_ op: BinaryOperator, _ c: Int) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessOrEqual: return c <= 0
        case .greater: return c > 0
        case .greaterOrEqual: return c >= 0
        default: return false
        }
    }

    /// For types whose Swift order is Spark's (integers, dates, timestamps).
    static func compareLoop<T: Comparable>(_ op: BinaryOperator, _ a: [T], _ b: [T]) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        switch op {
        case .equal: for i in 0..<n { out[i] = a[i] == b[i] }
        case .notEqual: for i in 0..<n { out[i] = a[i] != b[i] }
        case .less: for i in 0..<n { out[i] = a[i] < b[i] }
        case .lessOrEqual: for i in 0..<n { out[i] = a[i] <= b[i] }
        case .greater: for i in 0..<n { out[i] = a[i] > b[i] }
        case .greaterOrEqual: for i in 0..<n { out[i] = a[i] >= b[i] }
        default: break
        }
        return out
    }

    /// Doubles in Spark's order (see the file's summary), never Swift's IEEE operators.
    static func compareDoubles(_ op: BinaryOperator, _ a: [Double], _ b: [Double]) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        switch op {
        case .equal: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) == 0 }
        case .notEqual: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) != 0 }
        case .less: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) < 0 }
        case .lessOrEqual: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) <= 0 }
        case .greater: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) > 0 }
        case .greaterOrEqual: for i in 0..<n { out[i] = doubleCompare(a[i], b[i]) >= 0 }
        default: break
        }
        return out
    }

    static func evaluate(_ op: BinaryOperator, _ l: ColumnVector, _ r: ColumnVector) -> ColumnVector {
        let validity = mergeValidity(l.validity, r.validity)
        let n = l.count
        let out: [Bool]
        switch (l.values, r.values) {
        case (.long(let a), .long(let b)), (.timestamp(let a), .timestamp(let b)): out = compareLoop(op, a, b)
        case (.date(let a), .date(let b)): out = compareLoop(op, a, b)
        case (.boolean(let a), .boolean(let b)): out = compareLoop(op, a.map { $0 ? 1 : 0 }, b.map { $0 ? 1 : 0 })
        case (.string(let a), .string(let b)):
            var o = [Bool](repeating: false, count: n)
            if op == .equal || op == .notEqual {
                for i in 0..<n { o[i] = a.equals(i, b, i) == (op == .equal) }
            } else {
                for i in 0..<n { o[i] = holds(op, a.compare(i, b, i)) }
            }
            out = o
        default:
            if let a = asDoubles(l), let b = asDoubles(r) { out = compareDoubles(op, a, b) } else {
                out = (0..<n).map { holds(op, compareValues(l.value(at: $0), r.value(at: $0))) }
            }
        }
        return ColumnVector(.boolean(out), validity: validity)
    }
}

/// Total order over values of the same type (used by sorts and slow paths). Nulls compare lowest.
@_spi(EmberInternal) public func compareValues(_ a: Value, _ b: Value) -> Int {
    switch (a, b) {
    case (.null, .null): return 0
    case (.null, _): return -1
    case (_, .null): return 1
    case (.long(let x), .long(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (!x ? -1 : 1)
    case (.string(let x), .string(let y)):
        // By UTF-8 bytes, as Spark: Swift's `==` would call canonically equivalent texts equal.
        return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x.utf8.elementsEqual(y.utf8) ? 0 : 1)
    case (.array(let x), .array(let y)):
        for (u, v) in zip(x, y) { let c = compareValues(u, v); if c != 0 { return c } }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    default:
        if let x = a.doubleValue, let y = b.doubleValue { return doubleCompare(x, y) }
        return a.description < b.description ? -1 : (a.description == b.description ? 0 : 1)
    }
}

/// Spark's double ordering: NaN is larger than any other value and equal to itself; -0.0 = 0.0.
@inline(__always) @_spi(EmberInternal) public func doubleCompare(_ x: Double, _ y: Double) -> Int {
    if x < y { return -1 }
    if x > y { return 1 }
    if x == y { return 0 }
    return x.isNaN ? (y.isNaN ? 0 : 1) : -1
}
