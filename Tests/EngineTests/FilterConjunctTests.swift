// FilterExec evaluates a predicate's conjuncts one at a time, narrowing the columns the later ones
// read to the rows still selected. The answer must be the rows the whole predicate holds for,
// in order: seeded random batches with nulls, conjuncts of every selectivity in every order, with
// and without a projection's needed columns, against the predicate evaluated at once.

@_spi(EmberInternal) @testable import Executor
import Testing
@_spi(EmberInternal) import Planner

/// Keeps the batches an operator emits (whose unneeded columns may be empty).
final class BatchKeeper: BatchConsumer {
    var batches: [ColumnarBatch] = []
    func consume(_ batch: ColumnarBatch) throws { batches.append(batch) }
    func finish() throws {}
}

struct FilterConjunctTests {
    static let schema = StructType([StructField("a", .long), StructField("b", .long), StructField("s", .string)])

    func batch(_ rows: Int, _ rng: inout SeededRandom) -> ColumnarBatch {
        var a = ColumnBuilder(type: .long), b = ColumnBuilder(type: .long), s = ColumnBuilder(type: .string)
        for _ in 0..<rows {
            a.append(Int.random(in: 0..<9, using: &rng) == 0 ? .null : .long(Int64.random(in: 0..<100, using: &rng)))
            b.append(Int.random(in: 0..<9, using: &rng) == 0 ? .null : .long(Int64.random(in: 0..<100, using: &rng)))
            s.append(Int.random(in: 0..<9, using: &rng) == 0 ? .null : .string("v\(Int.random(in: 0..<5, using: &rng))"))
        }
        return ColumnarBatch(schema: Self.schema, columns: [a.finish(), b.finish(), s.finish()], numRows: rows)
    }

    /// A comparison of one column with a literal that holds for about `percent` of the rows.
    func conjunct(_ rng: inout SeededRandom) -> BoundExpression {
        let percent = Int64([1, 10, 40, 60, 95, 100].randomElement(using: &rng)!)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return .comparison(.less, .column(0, .long), .literal(.long(percent), .long))
        case 1: return .comparison(.greaterOrEqual, .column(1, .long), .literal(.long(100 - percent), .long))
        default: return .comparison(.notEqual, .column(2, .string), .literal(.string("v\(Int.random(in: 0..<5, using: &rng))"), .string))
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func conjunctsOneAtATimeSelectWhatTheWholePredicateSelects(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<200 {
            let input = batch(Int.random(in: 0...300, using: &rng), &rng)
            let parts = (0..<Int.random(in: 1...4, using: &rng)).map { _ in conjunct(&rng) }
            let predicate = parts.dropFirst().reduce(parts[0]) { .and($0, $1) }
            // Naively: the whole predicate at once, row by row (null is false).
            let whole = try predicate.evaluate(input)
            let expected = (0..<input.numRows).filter { !whole.isNull($0) && whole.value(at: $0) == .boolean(true) }
            #expect(try predicate.selectedRows(input) == expected.map { Int32($0) })
            let needed: Set<Int>? = Bool.random(using: &rng) ? nil : [Int.random(in: 0..<3, using: &rng)]
            let sink = BatchKeeper()
            try FilterExec(predicate: predicate, downstream: sink, neededColumns: needed).consume(input)
            // The columns the consumer may read, row by row.
            let read = needed.map { $0.sorted() } ?? [0, 1, 2]
            let got = sink.batches.flatMap { b in (0..<b.numRows).map { r in read.map { b.columns[$0].value(at: r) } } }
            let want = expected.map { r in read.map { input.columns[$0].value(at: r) } }
            #expect(got == want, "\(predicate)")
        }
    }
}
