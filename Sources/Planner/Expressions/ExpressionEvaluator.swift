// Vectorized evaluation of BoundExpressions: one call per batch and node, producing a whole
// ColumnVector. Each node switches once on the column types, then runs a tight typed loop.
// Semantics follow Spark with `spark.sql.ansi.enabled=false`: integer arithmetic wraps, division
// by zero gives null, `/` always returns double.

extension BoundExpression {
    /// Evaluates the expression over every row of `batch`.
    @_spi(EmberInternal) public func evaluate(_ batch: ColumnarBatch) throws -> ColumnVector {
        let n = batch.numRows
        switch self {
        case .column(let i, _):
            return batch.columns[i]
        case .literal(let v, let t):
            return .constant(v, type: t, count: n)
        case .arithmetic(let op, let l, let r, let t):
            return try Arithmetic.evaluate(op, try l.evaluate(batch), try r.evaluate(batch), resultType: t)
        case .comparison(let op, let l, let r):
            if case .literal(let v, _) = r, v != .null {
                let column = try l.evaluate(batch)
                return try ScalarComparison.evaluate(op, column, v) ?? Comparison.evaluate(op, column, r.evaluate(batch))
            }
            if case .literal(let v, _) = l, v != .null {
                let column = try r.evaluate(batch)
                return try ScalarComparison.evaluate(ScalarComparison.flipped(op), column, v)
                    ?? Comparison.evaluate(op, l.evaluate(batch), column)
            }
            return Comparison.evaluate(op, try l.evaluate(batch), try r.evaluate(batch))
        case .equalNullSafe(let l, let r):
            let a = try l.evaluate(batch), b = try r.evaluate(batch)
            let equal = Comparison.evaluate(.equal, a, b)
            guard case .boolean(var v) = equal.values else { throw typeError("<=>", equal) }
            if a.hasNulls || b.hasNulls {
                for i in 0..<n where a.isNull(i) || b.isNull(i) { v[i] = a.isNull(i) && b.isNull(i) }
            }
            return ColumnVector(.boolean(v))
        case .and(let l, let r):
            return Logic.and(try l.evaluate(batch), try r.evaluate(batch))
        case .or(let l, let r):
            return Logic.or(try l.evaluate(batch), try r.evaluate(batch))
        case .not(let e):
            let c = try e.evaluate(batch)
            guard case .boolean(let v) = c.values else { throw typeError("NOT", c) }
            return ColumnVector(.boolean(v.map { !$0 }), validity: c.validity)
        case .negate(let e):
            let c = try e.evaluate(batch)
            switch c.values {
            case .long(let v): return ColumnVector(.long(v.map { 0 &- $0 }), validity: c.validity)
            case .double(let v): return ColumnVector(.double(v.map { -$0 }), validity: c.validity)
            default: throw typeError("negation", c)
            }
        case .isNull(let e):
            let c = try e.evaluate(batch)
            guard let bits = c.validity else { return .constant(.boolean(false), type: .boolean, count: n) }
            return ColumnVector(.boolean((0..<n).map { !bits[$0] }))
        case .isNotNull(let e):
            let c = try e.evaluate(batch)
            guard let bits = c.validity else { return .constant(.boolean(true), type: .boolean, count: n) }
            return ColumnVector(.boolean((0..<n).map { bits[$0] }))
        case .lower(let e):
            return try StringFunctions.mapCase(try e.evaluate(batch), upper: false)
        case .upper(let e):
            return try StringFunctions.mapCase(try e.evaluate(batch), upper: true)
        case .length(let e):
            return try StringFunctions.length(try e.evaluate(batch))
        case .trim(let e):
            return try StringFunctions.trim(try e.evaluate(batch))
        case .split(let e, let pattern):
            return try StringSplitter.compile(pattern).split(try e.evaluate(batch))
        case .coalesce(let es, let t):
            let cols = try es.map { try $0.evaluate(batch) }
            var b = ColumnBuilder(type: t, capacity: n)
            for i in 0..<n {
                if let c = cols.first(where: { !$0.isNull(i) }) { b.append(c.value(at: i)) } else { b.appendNull() }
            }
            return b.finish()
        case .cast(let e, let t):
            return try Cast.evaluate(try e.evaluate(batch), to: t)
        case .randstr(let e, let length):
            return StringFunctions.randstr(try e.evaluate(batch), length: length)
        case .call(let f, let es, let t):
            return try f.evaluate(try es.map { try $0.evaluate(batch) }, resultType: t, numRows: n)
        }
    }

    /// Evaluates a boolean predicate and returns the indices of rows where it is true (null = false).
    @_spi(EmberInternal) public func selectedRows(_ batch: ColumnarBatch) throws -> [Int32] {
        var mask = SelectionMask(rows: batch.numRows)
        try mask.and(try evaluate(batch))
        return mask.rows()
    }
}

func typeError(_ what: String, _ c: ColumnVector) -> EmberError {
    EmberError(.internal, "\(what) cannot be applied to a column of type \(c.dataType)",
               hint: "the analyzer should have rejected this; please report it")
}

/// AND of two validity bitmaps (nil = all valid).
func mergeValidity(_ a: Bitmap?, _ b: Bitmap?) -> Bitmap? {
    guard let a else { return b }
    guard let b else { return a }
    var out = a
    for w in 0..<out.words.count { out.words[w] &= b.words[w] }
    return out
}

/// Widens a long column to double (other types unchanged).
func asDoubles(_ c: ColumnVector) -> [Double]? {
    switch c.values {
    case .double(let v): return v
    case .long(let v): return v.map { Double($0) }
    default: return nil
    }
}

enum Arithmetic {
    static func evaluate(_ op: BinaryOperator, _ l: ColumnVector, _ r: ColumnVector, resultType: DataType) throws -> ColumnVector {
        var validity = mergeValidity(l.validity, r.validity)
        let n = l.count
        if resultType == .long, case .long(let a) = l.values, case .long(let b) = r.values {
            var out = [Int64](repeating: 0, count: n)
            switch op {
            case .add: for i in 0..<n { out[i] = a[i] &+ b[i] }
            case .subtract: for i in 0..<n { out[i] = a[i] &- b[i] }
            case .multiply: for i in 0..<n { out[i] = a[i] &* b[i] }
            case .remainder:
                for i in 0..<n {
                    if b[i] == 0 {
                        if validity == nil { validity = Bitmap(count: n, value: true) }
                        validity![i] = false
                    } else { out[i] = a[i] == .min && b[i] == -1 ? 0 : a[i] % b[i] }
                }
            default: throw EmberError(.internal, "operator \(op.rawValue) is not arithmetic on bigint")
            }
            clearNullSlots(&out, validity)
            return ColumnVector(.long(out), validity: validity)
        }
        guard let a = asDoubles(l), let b = asDoubles(r) else { throw typeError("operator \(op.rawValue)", l) }
        var out = [Double](repeating: 0, count: n)
        switch op {
        case .add: for i in 0..<n { out[i] = a[i] + b[i] }
        case .subtract: for i in 0..<n { out[i] = a[i] - b[i] }
        case .multiply: for i in 0..<n { out[i] = a[i] * b[i] }
        case .divide, .remainder:
            for i in 0..<n {
                if b[i] == 0 {
                    if validity == nil { validity = Bitmap(count: n, value: true) }
                    validity![i] = false
                } else {
                    out[i] = op == .divide ? a[i] / b[i] : a[i].truncatingRemainder(dividingBy: b[i])
                }
            }
        default: throw EmberError(.internal, "operator \(op.rawValue) is not arithmetic")
        }
        clearNullSlots(&out, validity)
        return ColumnVector(.double(out), validity: validity)
    }

    /// Writes 0 into the null slots, so no stale sum of a null row stays in the column (hashing and
    /// grouping ignore null slots anyway; this keeps the buffers canonical for everything else).
    static func clearNullSlots<T: Numeric>(_ out: inout [T], _ validity: Bitmap?) {
        guard let validity else { return }
        out.withUnsafeMutableBufferPointer { values in validity.forEachClearBit { values[$0] = 0 } }
    }
}

enum Logic {
    /// Three-valued AND: false wins over null.
    static func and(_ l: ColumnVector, _ r: ColumnVector) -> ColumnVector {
        guard case .boolean(let a) = l.values, case .boolean(let b) = r.values else { return l }
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        if l.validity == nil && r.validity == nil {
            for i in 0..<n { out[i] = a[i] && b[i] }
            return ColumnVector(.boolean(out))
        }
        var valid = Bitmap(count: n, value: true)
        for i in 0..<n {
            let ln = l.isNull(i), rn = r.isNull(i)
            if (!ln && !a[i]) || (!rn && !b[i]) { out[i] = false } else if ln || rn { valid[i] = false } else { out[i] = true }
        }
        return ColumnVector(.boolean(out), validity: valid)
    }

    /// Three-valued OR: true wins over null.
    static func or(_ l: ColumnVector, _ r: ColumnVector) -> ColumnVector {
        guard case .boolean(let a) = l.values, case .boolean(let b) = r.values else { return l }
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        if l.validity == nil && r.validity == nil {
            for i in 0..<n { out[i] = a[i] || b[i] }
            return ColumnVector(.boolean(out))
        }
        var valid = Bitmap(count: n, value: true)
        for i in 0..<n {
            let ln = l.isNull(i), rn = r.isNull(i)
            if (!ln && a[i]) || (!rn && b[i]) { out[i] = true } else if ln || rn { valid[i] = false } else { out[i] = false }
        }
        return ColumnVector(.boolean(out), validity: valid)
    }
}
