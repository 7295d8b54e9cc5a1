// PartialPassThrough: turns raw rows into one-row partial aggregates (keys ++ buffers) without a
// hash table, for a Partial aggregate that backed off because it was not reducing its input.
//
//   count(*) → 1        count(x) → 1 if x is not null, else 0
//   sum(x)   → x        avg(x)   → (x as double, 1) or (0, 0) for null        min/max(x) → x
//   first/last(x) → (x, true), or (null, false) for a null x with ignoreNulls
//   stddev/variance(x) → (n 1, mean x, m2 0), or (0, 0, 0) for null

@_spi(EmberInternal) import Planner

enum PartialPassThrough {
    static func convert(_ batch: ColumnarBatch, keys: [BoundExpression], aggregates: [BoundAggregate],
                        schema: StructType) throws -> ColumnarBatch {
        let n = batch.numRows
        var columns = try keys.map { try $0.evaluate(batch) }
        for agg in aggregates {
            let input = try agg.input?.evaluate(batch)
            switch agg.function {
            case .count:
                if let input, let validity = input.validity {
                    columns.append(ColumnVector(.long((0..<n).map { validity[$0] ? 1 : 0 })))
                } else {
                    columns.append(ColumnVector(.long([Int64](repeating: 1, count: n))))
                }
            case .sum:
                guard let input else { throw EmberError(.internal, "sum without an input") }
                columns.append(input)
            case .avg:
                guard let input, let values = asDoubles(input) else { throw EmberError(.internal, "avg of a non-numeric input") }
                let validity = input.validity
                columns.append(ColumnVector(.double((0..<n).map { validity?[$0] ?? true ? values[$0] : 0 })))
                columns.append(ColumnVector(.long((0..<n).map { validity?[$0] ?? true ? 1 : 0 })))
            case .min, .max:
                guard let input else { throw EmberError(.internal, "\(agg.function.rawValue) without an input") }
                columns.append(input)
            case .first, .last, .firstIgnoreNulls, .lastIgnoreNulls:
                guard let input else { throw EmberError(.internal, "\(agg.function.rawValue) without an input") }
                let ignoreNulls = agg.function == .firstIgnoreNulls || agg.function == .lastIgnoreNulls
                columns.append(input)
                columns.append(ColumnVector(.boolean((0..<n).map { !ignoreNulls || !input.isNull($0) })))
            case .stddevSamp, .stddevPop, .varSamp, .varPop:
                guard let input, case .double(let x) = input.values else { throw EmberError(.internal, "a variance of a non-double input") }
                let validity = input.validity
                columns.append(ColumnVector(.double((0..<n).map { validity?[$0] ?? true ? 1 : 0 })))
                columns.append(ColumnVector(.double((0..<n).map { validity?[$0] ?? true ? x[$0] : 0 })))
                columns.append(ColumnVector(.double([Double](repeating: 0, count: n))))
            }
        }
        return ColumnarBatch(schema: schema, columns: columns, numRows: n)
    }

    static func asDoubles(_ c: ColumnVector) -> [Double]? {
        switch c.values {
        case .double(let v): return v
        case .long(let v): return v.map { Double($0) }
        default: return nil
        }
    }
}
