// HashAggregateExec: hash aggregation in Partial mode (raw rows → keys ++ buffers, before the
// shuffle) or Final mode (keys ++ buffers → keys ++ results, after it).
//
//   per batch:  keys ──GroupTable──► group ids ──► each Accumulator folds its column by group id
//   finish:     GroupTable.keyColumns() ++ accumulator buffers (Partial) or results (Final)
//
// An aggregate without keys has exactly one group, which exists even with no input (so count()
// of nothing is 0, sum of nothing is null).

import Planner

public final class HashAggregateExec: BatchConsumer {
    let mode: AggregateMode
    let keys: [BoundExpression]
    let aggregates: [BoundAggregate]
    let schema: StructType
    let downstream: any BatchConsumer
    let table: GroupTable
    let accumulators: [any Accumulator]
    /// Where each aggregate's buffer columns start in the Final-mode input.
    let bufferOffsets: [Int]
    var groupIds: [Int32] = []

    public init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
                downstream: any BatchConsumer) {
        self.mode = mode
        self.keys = keys
        self.aggregates = aggregates
        self.schema = schema
        self.downstream = downstream
        self.table = GroupTable(keyTypes: keys.map(\.dataType))
        self.accumulators = aggregates.map(makeAccumulator)
        var offsets: [Int] = []
        var next = keys.count
        for a in aggregates {
            offsets.append(next)
            next += a.bufferTypes.count
        }
        self.bufferOffsets = offsets
        if keys.isEmpty {
            table.ensureGlobalGroup()
            for acc in accumulators { acc.resize(1) }
        }
    }

    public func consume(_ batch: ColumnarBatch) throws {
        let n = batch.numRows
        if n == 0 { return }
        if keys.isEmpty {
            groupIds = [Int32](repeating: 0, count: n)
        } else {
            let keyColumns = try keys.map { try $0.evaluate(batch) }
            table.groupIds(keys: keyColumns, numRows: n, into: &groupIds)
            for acc in accumulators { acc.resize(table.count) }
        }
        switch mode {
        case .partial:
            for (acc, agg) in zip(accumulators, aggregates) {
                acc.update(groupIds, try agg.input?.evaluate(batch))
            }
        case .final:
            for (k, acc) in accumulators.enumerated() {
                let start = bufferOffsets[k]
                acc.merge(groupIds, batch.columns[start..<(start + aggregates[k].bufferTypes.count)])
            }
        }
    }

    public func finish() throws {
        var columns = table.keyColumns()
        for acc in accumulators {
            switch mode {
            case .partial: columns.append(contentsOf: acc.buffers())
            case .final: columns.append(acc.result())
            }
        }
        let output = ColumnarBatch(schema: schema, columns: columns, numRows: table.count)
        try emitAll(chunked(output), to: downstream)
    }
}
