// JoinEmitter: what a join does with candidate pairs, whichever way it found them (hash table or
// merge of sorted inputs): checks the residual condition on each pair, records which probe and
// build rows matched, and emits what the join type asks for — joined rows (inner, outer), left
// rows with or without a match (left semi/anti), and rows of one side with nulls for the other
// (outer joins' unmatched rows). Output columns are always the left's, then the right's.
//
// A left semi or anti join usually builds on the right and decides each left (probe) row as it
// streams by. Built on the left instead (a shuffled join whose left partition is the smaller), it
// marks the left (build) rows the right rows match and emits them once every right row is seen.

@_spi(EmberInternal) import Planner

final class JoinEmitter {
    let spec: HashJoinSpec
    let buildSchema: StructType
    let probeSchema: StructType
    let downstream: any BatchConsumer
    let keepsUnmatchedProbe: Bool
    let keepsUnmatchedBuild: Bool
    /// Build rows are marked as they match: outer joins that keep unmatched build rows, and semi
    /// or anti joins built on the left (their output is the build rows).
    let tracksBuildMatches: Bool
    /// A semi or anti join decided per probe row (built on the right).
    let decidesProbeRows: Bool

    init(spec: HashJoinSpec, buildSchema: StructType, probeSchema: StructType, downstream: any BatchConsumer) {
        self.spec = spec
        self.buildSchema = buildSchema
        self.probeSchema = probeSchema
        self.downstream = downstream
        let probeIsLeft = spec.buildSide == .right
        keepsUnmatchedProbe = probeIsLeft ? spec.type.keepsUnmatchedLeft : spec.type.keepsUnmatchedRight
        keepsUnmatchedBuild = probeIsLeft ? spec.type.keepsUnmatchedRight : spec.type.keepsUnmatchedLeft
        let semiOrAnti = !spec.type.outputsRightColumns
        tracksBuildMatches = keepsUnmatchedBuild || (semiOrAnti && !probeIsLeft)
        decidesProbeRows = semiOrAnti && probeIsLeft
    }

    var isSemiOrAnti: Bool { !spec.type.outputsRightColumns }

    /// Checks candidate pairs (probe row `probeRows[k]` of `probe` with build row `buildRows[k]` of
    /// `build`), marks the probe rows that matched in `matched` and the build rows through
    /// `buildMatched`, and emits joined rows unless the join is a semi or anti join.
    func pairs(probe: ColumnarBatch, _ probeRows: [Int32], build: ColumnarBatch, _ buildRows: [Int32],
               matched: inout [Bool], buildMatched: (Int32) -> Void) throws {
        guard !probeRows.isEmpty else { return }
        if isSemiOrAnti && spec.condition == nil {
            // Only which rows matched counts.
            for r in probeRows { matched[Int(r)] = true }
            if tracksBuildMatches { buildRows.forEach(buildMatched) }
            return
        }
        var joined = self.joined(probe: probe.take(probeRows), build: build.take(buildRows))
        var keptProbe = probeRows, keptBuild = buildRows
        if let condition = spec.condition {
            let selected = try condition.selectedRows(joined)
            if selected.count != joined.numRows {
                joined = joined.take(selected)
                keptProbe = selected.map { probeRows[Int($0)] }
                keptBuild = selected.map { buildRows[Int($0)] }
            }
        }
        for r in keptProbe { matched[Int(r)] = true }
        if tracksBuildMatches { keptBuild.forEach(buildMatched) }
        if !isSemiOrAnti && joined.numRows > 0 { try downstream.consume(joined) }
    }

    /// After all candidates of a probe batch: semi/anti joins emit its rows with/without a match,
    /// outer joins its unmatched rows with nulls.
    func probeBatchDone(_ batch: ColumnarBatch, matched: [Bool]) throws {
        switch spec.type {
        case .leftSemi where decidesProbeRows: try emitProbeRows(batch, where: matched, equalTo: true)
        case .leftAnti where decidesProbeRows: try emitProbeRows(batch, where: matched, equalTo: false)
        case .leftSemi, .leftAnti: return
        default:
            guard keepsUnmatchedProbe else { return }
            let rows = matched.indices.filter { !matched[$0] }.map { Int32($0) }
            if !rows.isEmpty { try emitWithNulls(kept: batch.take(rows), keptIsLeft: spec.buildSide == .right, nullSchema: buildSchema) }
        }
    }

    /// Build rows that every probe row has been checked against, `matched` saying which matched
    /// (nil: none did): outer joins emit the unmatched ones with nulls for the probe side, semi and
    /// anti joins built on the left the matched (semi) or unmatched (anti) ones.
    func buildRowsDone(_ build: ColumnarBatch, matched: [Bool]?) throws {
        guard tracksBuildMatches else { return }
        let wanted = spec.type == .leftSemi
        let rows = (0..<Int32(build.numRows)).filter { (matched?[Int($0)] ?? false) == wanted }
        for start in stride(from: 0, to: rows.count, by: ColumnarBatch.defaultCapacity) {
            let chunk = Array(rows[start..<min(start + ColumnarBatch.defaultCapacity, rows.count)])
            let kept = chunk.count == build.numRows ? build : build.take(chunk)
            if isSemiOrAnti {
                try downstream.consume(ColumnarBatch(schema: spec.schema, columns: kept.columns, numRows: kept.numRows))
            } else {
                try emitWithNulls(kept: kept, keptIsLeft: spec.buildSide == .left, nullSchema: probeSchema)
            }
        }
    }

    /// Left columns then right columns.
    private func joined(probe: ColumnarBatch, build: ColumnarBatch) -> ColumnarBatch {
        let (l, r) = spec.buildSide == .right ? (probe, build) : (build, probe)
        return ColumnarBatch(schema: StructType(l.schema.fields + r.schema.fields), columns: l.columns + r.columns, numRows: probe.numRows)
    }

    private func emitProbeRows(_ batch: ColumnarBatch, where matched: [Bool], equalTo wanted: Bool) throws {
        let rows = matched.indices.filter { matched[$0] == wanted }.map { Int32($0) }
        guard !rows.isEmpty else { return }
        let out = rows.count == batch.numRows ? batch : batch.take(rows)
        try downstream.consume(ColumnarBatch(schema: spec.schema, columns: out.columns, numRows: out.numRows))
    }

    /// Rows of one side with an all-null other side, in left-then-right column order.
    private func emitWithNulls(kept: ColumnarBatch, keptIsLeft: Bool, nullSchema: StructType) throws {
        let nulls = nullSchema.fields.map { ColumnVector.constant(.null, type: $0.dataType, count: kept.numRows) }
        let columns = keptIsLeft ? kept.columns + nulls : nulls + kept.columns
        try downstream.consume(ColumnarBatch(schema: spec.schema, columns: columns, numRows: kept.numRows))
    }
}
