// FilterExec: keeps the rows for which the predicate is true (null counts as false).
//
// A predicate of several conjuncts (`a AND b AND c`) is evaluated one conjunct at a time, in the
// order written: once the rows still selected are at most half the rows at hand, the columns the
// remaining conjuncts read are narrowed to those rows, so a selective first conjunct spares the
// others most of their work (as Spark's generated code short-circuits AND row by row). A row is
// kept only when every conjunct is true, so evaluating later conjuncts on fewer rows changes no
// answer.
//
// Under a projection (the pipeline's Project over Filter) it copies only the columns the
// projection reads: a filter on a long comment column that the projection drops no longer copies
// its surviving strings. The other columns come out empty, seen only by that projection.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class FilterExec: BatchConsumer {
    let downstream: any BatchConsumer
    /// The columns the downstream projection reads; nil: all of them.
    let neededColumns: Set<Int>?
    /// The predicate's conjuncts, and for each the columns it and the conjuncts after it read.
    private let conjuncts: [BoundExpression]
    private let columnsFrom: [Set<Int>]

    @_spi(EmberInternal) public init(predicate: BoundExpression, downstream: any BatchConsumer, neededColumns: Set<Int>? = nil) {
        self.downstream = downstream
        self.neededColumns = neededColumns
        let conjuncts = predicate.conjuncts
        self.conjuncts = conjuncts
        columnsFrom = conjuncts.indices.map { BoundExpression.referencedColumns(conjuncts[$0...]) }
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        guard let selected = try selectedRows(batch) else { return try downstream.consume(batch) }
        if selected.isEmpty { return }
        if let neededColumns {
            try downstream.consume(Self.narrowed(batch, to: selected, columns: neededColumns))
        } else {
            try downstream.consume(batch.take(selected))
        }
    }

    /// The rows of `batch` every conjunct holds for, or nil when that is all of them.
    func selectedRows(_ batch: ColumnarBatch) throws -> [Int32]? {
        var current = batch
        var original: [Int32]? = nil   // row i of `current` is row original[i] of `batch` (nil: the same)
        var mask: SelectionMask? = nil // rows of `current` still selected (nil: all)
        for (k, conjunct) in conjuncts.enumerated() {
            if let m = mask, m.selected * 2 <= current.numRows {
                let rows = m.rows()
                current = Self.narrowed(current, to: rows, columns: columnsFrom[k])
                original = original.map { o in rows.map { o[Int($0)] } } ?? rows
                mask = nil
            }
            var m = mask ?? SelectionMask(rows: current.numRows)
            mask = nil   // `m` holds the bytes alone: ANDed in place, not copied
            try m.and(try conjunct.evaluate(current))
            if m.selected == 0 { return [] }
            mask = m
        }
        guard let mask else { return nil }
        if mask.selected == current.numRows { return original }
        let rows = mask.rows()
        guard let original else { return rows }
        return rows.map { original[Int($0)] }
    }

    /// `rows` of `batch`, with only `columns` copied (the others empty).
    static func narrowed(_ batch: ColumnarBatch, to rows: [Int32], columns: Set<Int>) -> ColumnarBatch {
        let kept = batch.columns.indices.map { i in
            columns.contains(i) ? batch.columns[i].take(rows) : ColumnVector.empty(batch.schema.fields[i].dataType)
        }
        return ColumnarBatch(schema: batch.schema, columns: kept, numRows: rows.count)
    }

    @_spi(EmberInternal) public func finish() throws { try downstream.finish() }
}
