// ScalarComparisonTests: a comparison with a literal on either side (the scalar path, no column
// of the literal built) answers as the general column-by-column comparison does, on seeded random
// columns with nulls, NaN, ±0.0, infinities, empty and equal strings, for every operator and type.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct ScalarComparisonTests {
    static let operators: [BinaryOperator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    static func column(_ type: DataType, _ rng: inout SplitMix64, count: Int) -> ColumnVector {
        var b = ColumnBuilder(type: type, capacity: count)
        let doubles: [Double] = [.nan, 0.0, -0.0, 1.5, -2, .infinity, -.infinity, 3]
        let strings = ["", "a", "ab", "b", "é", "a\u{0}"]
        for _ in 0..<count {
            if rng.next() % 7 == 0 { b.appendNull(); continue }
            let r = Int(rng.next() % 8)
            switch type {
            case .long: b.append(.long(Int64(r) - 4))
            case .double: b.append(.double(doubles[r]))
            case .date: b.append(.date(Int32(r) - 3))
            case .timestamp: b.append(.timestamp(Int64(r) * 1_000_000))
            case .string: b.append(.string(strings[r % strings.count]))
            default: b.append(.boolean(r % 2 == 0))
            }
        }
        return b.finish()
    }

    @Test(arguments: [DataType.long, .double, .date, .timestamp, .string])
    func literalOnEitherSideEqualsTheGeneralComparison(type: DataType) throws {
        var rng = SplitMix64(seed: 20261201)
        let col = Self.column(type, &rng, count: 300)
        let batch = ColumnarBatch(schema: StructType([StructField("c", type)]), columns: [col])
        var literals: [Value] = (0..<col.count).map { col.value(at: $0) }.filter { $0 != .null }
        if type == .double { literals += [.long(1), .long(-2)] }   // a bigint literal against doubles
        for literal in literals.prefix(12) {
            let literalType: DataType = { if case .long = literal, type == .double { return .long }; return type }()
            let constant = ColumnVector.constant(literal, type: literalType, count: col.count)
            for op in Self.operators {
                let right = try BoundExpression.comparison(op, .column(0, type), .literal(literal, literalType)).evaluate(batch)
                #expect(right == Comparison.evaluate(op, col, constant), "c \(op.rawValue) \(literal)")
                let left = try BoundExpression.comparison(op, .literal(literal, literalType), .column(0, type)).evaluate(batch)
                #expect(left == Comparison.evaluate(op, constant, col), "\(literal) \(op.rawValue) c")
            }
        }
    }

    @Test func constantColumnsEqualTheBuiltOnes() {
        let cases: [(Value, DataType)] = [(.long(7), .long), (.double(-0.0), .double), (.boolean(true), .boolean), (.date(3), .date),
                                          (.timestamp(9), .timestamp), (.string("xy"), .string), (.string(""), .string),
                                          (.null, .long), (.null, .string), (.null, .date)]
        for (value, type) in cases {
            for count in [0, 1, 65, 4096] {
                var b = ColumnBuilder(type: type, capacity: count)
                for _ in 0..<count { b.append(value) }
                #expect(ColumnVector.constant(value, type: type, count: count) == b.finish(), "\(value) × \(count)")
            }
        }
    }
}
