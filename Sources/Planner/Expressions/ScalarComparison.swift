// ScalarComparison: a column compared with a non-null literal (`l_shipdate >= date '1994-01-01'`,
// `l_quantity < 24`), the common shape of filters, without building a column of the literal.
// Same semantics as Comparison (Spark's double order: NaN greatest, -0.0 = 0.0); a pair of types
// it does not cover returns nil and the caller takes the general path. A dictionary-encoded string
// column is compared once per distinct value, then each row reads its code's answer (when the
// dictionary holds at most half as many values as the batch has rows; else row by row).

enum ScalarComparison {
    /// `column op literal`, or nil when the types need the general path.
    static func evaluate(_ op: BinaryOperator, _ column: ColumnVector, _ literal: Value) -> ColumnVector? {
        let out: [Bool]
        switch (column.values, literal) {
        case (.string, .string(let s)) where column.dictionary.map { $0.values.count * 2 <= $0.codes.count } ?? false:
            out = dictionaryCompare(op, column.dictionary!, Array(s.utf8))
        case (.long(let a), .long(let c)), (.timestamp(let a), .timestamp(let c)): out = loop(op, a, c)
        case (.date(let a), .date(let c)): out = loop(op, a, c)
        case (.double(let a), .double(let c)): out = doubles(op, a, c)
        case (.double(let a), .long(let c)): out = doubles(op, a, Double(c))
        case (.string(let a), .string(let s)) where op == .equal || op == .notEqual:
            out = stringEquals(a, Array(s.utf8), equal: op == .equal)
        default: return nil
        }
        return ColumnVector(.boolean(out), validity: column.validity)
    }

    /// The operator with its sides swapped: `c < x` is `x > c`.
    static func flipped(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        default: return op
        }
    }

    private static func loop<T: Comparable>(_ op: BinaryOperator, _ a: [T], _ c: T) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { v in
                switch op {
                case .equal: for i in 0..<n { o[i] = v[i] == c }
                case .notEqual: for i in 0..<n { o[i] = v[i] != c }
                case .less: for i in 0..<n { o[i] = v[i] < c }
                case .lessOrEqual: for i in 0..<n { o[i] = v[i] <= c }
                case .greater: for i in 0..<n { o[i] = v[i] > c }
                case .greaterOrEqual: for i in 0..<n { o[i] = v[i] >= c }
                default: break
                }
            }
        }
        return out
    }

    private static func doubles(_ op: BinaryOperator, _ a: [Double], _ c: Double) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { v in
                for i in 0..<n { o[i] = Comparison.holds(op, doubleCompare(v[i], c)) }
            }
        }
        return out
    }

    /// `op` against each distinct value once (byte order, as Comparison), then one lookup per row;
    /// null rows (code -1) read false, their validity says null.
    private static func dictionaryCompare(_ op: BinaryOperator, _ dictionary: StringDictionary, _ literal: [UInt8]) -> [Bool] {
        let literalArray = StringArray(offsets: [0, Int32(literal.count)], bytes: literal)
        var answers = [Bool](repeating: false, count: dictionary.values.count + 1)
        for k in 0..<dictionary.values.count {
            answers[k + 1] = Comparison.holds(op, dictionary.values.compare(k, literalArray, 0))
        }
        let n = dictionary.codes.count
        return [Bool](unsafeUninitializedCapacity: n) { out, initialized in
            answers.withUnsafeBufferPointer { a in
                dictionary.codes.withUnsafeBufferPointer { codes in
                    for i in 0..<n { out[i] = a[Int(codes[i]) &+ 1] }
                }
            }
            initialized = n
        }
    }

    private static func stringEquals(_ a: StringArray, _ s: [UInt8], equal: Bool) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: !equal, count: n)
        a.bytes.withUnsafeBufferPointer { bytes in
            s.withUnsafeBufferPointer { lit in
                for i in 0..<n {
                    let start = Int(a.offsets[i]), end = Int(a.offsets[i + 1])
                    guard end - start == lit.count else { continue }
                    var k = 0
                    while k < lit.count && bytes[start + k] == lit[k] { k += 1 }
                    if k == lit.count { out[i] = equal }
                }
            }
        }
        return out
    }
}
