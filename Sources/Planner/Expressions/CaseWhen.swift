// CaseWhen: `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 … [ELSE e] END`, vectorized. Each row takes the
// value of the first branch whose condition is true (a null condition counts as false), else the
// ELSE value, else null. Every branch is evaluated over the whole batch (non-ANSI expressions
// cannot fail), then one pass picks per row which column to read, and one typed gather builds the
// result (`ColumnChoice`).

enum CaseWhen {
    static func evaluate(_ args: [ColumnVector], hasElse: Bool, type: DataType, numRows n: Int) throws -> ColumnVector {
        let branches = (args.count - (hasElse ? 1 : 0)) / 2
        var values: [ColumnVector] = (0..<branches).map { args[2 * $0 + 1] }
        if hasElse, let last = args.last { values.append(last) }
        var choice = [Int32](repeating: hasElse ? Int32(branches) : -1, count: n)
        var decided = [Bool](repeating: false, count: n)
        for k in 0..<branches {
            let condition = args[2 * k]
            guard case .boolean(let holds) = condition.values else { throw typeError("a WHEN condition", condition) }
            let validity = condition.validity
            for i in 0..<n where !decided[i] && holds[i] && (validity?[i] ?? true) {
                choice[i] = Int32(k)
                decided[i] = true
            }
        }
        return try ColumnChoice.gather(values, choice: choice, type: type)
    }
}

/// Builds a column whose row i is row i of `columns[choice[i]]` (null where choice[i] < 0).
enum ColumnChoice {
    static func gather(_ columns: [ColumnVector], choice: [Int32], type: DataType) throws -> ColumnVector {
        let n = choice.count
        var validity = Bitmap(count: n, value: true)
        for i in 0..<n {
            let k = Int(choice[i])
            if k < 0 || columns[k].isNull(i) { validity[i] = false }
        }
        func pick<T>(_ zero: T, _ extract: (ColumnVector) -> [T]?) throws -> [T] {
            let arrays = try columns.map { c -> [T] in
                guard let a = extract(c) else { throw typeError("CASE WHEN of type \(type)", c) }
                return a
            }
            var out = [T](repeating: zero, count: n)
            for i in 0..<n where validity[i] { out[i] = arrays[Int(choice[i])][i] }
            return out
        }
        switch type {
        case .long: return ColumnVector(.long(try pick(0) { if case .long(let v) = $0.values { v } else { nil } }), validity: validity)
        case .double: return ColumnVector(.double(try pick(0) { if case .double(let v) = $0.values { v } else { nil } }), validity: validity)
        case .boolean: return ColumnVector(.boolean(try pick(false) { if case .boolean(let v) = $0.values { v } else { nil } }), validity: validity)
        case .date: return ColumnVector(.date(try pick(0) { if case .date(let v) = $0.values { v } else { nil } }), validity: validity)
        case .timestamp: return ColumnVector(.timestamp(try pick(0) { if case .timestamp(let v) = $0.values { v } else { nil } }), validity: validity)
        case .string:
            let arrays = try columns.map { c -> StringArray in
                guard case .string(let s) = c.values else { throw typeError("CASE WHEN of type string", c) }
                return s
            }
            var out = StringArray()
            for i in 0..<n {
                if validity[i] { out.append(from: arrays[Int(choice[i])], at: i) } else { out.appendEmpty() }
            }
            return ColumnVector(.string(out), validity: validity)
        case .array:
            var b = ColumnBuilder(type: type, capacity: n)
            for i in 0..<n { if validity[i] { b.append(columns[Int(choice[i])].value(at: i)) } else { b.appendNull() } }
            return b.finish()
        }
    }
}
