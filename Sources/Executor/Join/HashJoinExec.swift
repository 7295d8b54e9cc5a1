// HashJoinExec: the probe side of a hash join. Its build side (JoinBuildSide) has been read whole
// before the first probe batch arrives. For each probe batch it finds the candidate build rows of
// every probe row through the hash table, checks the residual condition on the candidate pairs, and
// emits what the join type asks for:
//   inner/cross: matching pairs;  outer: also unmatched rows with nulls for the other side (the
//   build side's unmatched rows at the end);  left semi/anti: probe rows with/without a match.
// Candidate pairs are processed in chunks, so a row with many matches never builds a huge batch.

import Planner

final class HashJoinExec: BatchConsumer {
    let spec: HashJoinSpec
    let build: JoinBuildSide
    let probeSchema: StructType
    let downstream: any BatchConsumer
    let probeKeys: [BoundExpression]
    /// Build rows that matched some probe row (kept only when unmatched build rows are emitted).
    private var buildMatched: [Bool] = []
    private let keepsUnmatchedProbe: Bool
    private let keepsUnmatchedBuild: Bool
    static let chunk = ColumnarBatch.defaultCapacity * 2

    init(spec: HashJoinSpec, build: JoinBuildSide, probeSchema: StructType, downstream: any BatchConsumer) {
        self.spec = spec
        self.build = build
        self.probeSchema = probeSchema
        self.downstream = downstream
        self.probeKeys = spec.buildSide == .left ? spec.rightKeys : spec.leftKeys
        let probeIsLeft = spec.buildSide == .right
        keepsUnmatchedProbe = probeIsLeft ? spec.type.keepsUnmatchedLeft : spec.type.keepsUnmatchedRight
        keepsUnmatchedBuild = probeIsLeft ? spec.type.keepsUnmatchedRight : spec.type.keepsUnmatchedLeft
    }

    var isSemiOrAnti: Bool { spec.type == .leftSemi || spec.type == .leftAnti }

    func consume(_ batch: ColumnarBatch) throws {
        guard let table = build.table else { throw EmberError(.internal, "hash join probed before its build side was read") }
        if keepsUnmatchedBuild && buildMatched.isEmpty { buildMatched = [Bool](repeating: false, count: table.rows.numRows) }
        let n = batch.numRows
        let keys = try probeKeys.map { try $0.evaluate(batch) }
        var hashes: [UInt64] = []
        if !table.isNestedLoop { FixedSeedHash.hashRows(keys, numRows: n, seed: JoinHashTable.seed, into: &hashes) }
        let equality = KeyEquality(build: table.keys, probe: keys, nullSafe: spec.nullSafe)
        var matched = [Bool](repeating: false, count: n)
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        probeRows.reserveCapacity(Self.chunk)
        buildRows.reserveCapacity(Self.chunk)
        // A semi or anti join without a residual condition needs only the first match of a row.
        let firstMatchDecides = isSemiOrAnti && spec.condition == nil
        for row in 0..<n {
            if firstMatchDecides {
                table.forEachMatch(keys, hashes, row, equality) { _ in matched[row] = true }
                continue
            }
            try table.forEachMatch(keys, hashes, row, equality) { j in
                probeRows.append(Int32(row))
                buildRows.append(j)
                if probeRows.count >= Self.chunk {
                    try flush(batch, table, &probeRows, &buildRows, &matched)
                }
            }
        }
        try flush(batch, table, &probeRows, &buildRows, &matched)
        switch spec.type {
        case .leftSemi: try emitProbeRows(batch, where: matched, equalTo: true)
        case .leftAnti: try emitProbeRows(batch, where: matched, equalTo: false)
        default:
            if keepsUnmatchedProbe { try emitUnmatchedProbe(batch, matched) }
        }
    }

    func finish() throws {
        do {
            if keepsUnmatchedBuild, let table = build.table { try emitUnmatchedBuild(table) }
        } catch is PipelineStop {}
        build.close()
        try downstream.finish()
    }

    /// Checks the candidate pairs, records which rows matched, and emits joined rows.
    private func flush(_ batch: ColumnarBatch, _ table: JoinHashTable, _ probeRows: inout [Int32], _ buildRows: inout [Int32],
                       _ matched: inout [Bool]) throws {
        guard !probeRows.isEmpty else { return }
        defer { probeRows.removeAll(keepingCapacity: true); buildRows.removeAll(keepingCapacity: true) }
        var pairs = joined(probe: batch.take(probeRows), build: table.rows.take(buildRows))
        var keptProbe = probeRows, keptBuild = buildRows
        if let condition = spec.condition {
            let selected = try condition.selectedRows(pairs)
            if selected.count != pairs.numRows {
                pairs = pairs.take(selected)
                keptProbe = selected.map { probeRows[Int($0)] }
                keptBuild = selected.map { buildRows[Int($0)] }
            }
        }
        for r in keptProbe { matched[Int(r)] = true }
        if keepsUnmatchedBuild { for b in keptBuild { buildMatched[Int(b)] = true } }
        if !isSemiOrAnti && pairs.numRows > 0 { try downstream.consume(pairs) }
    }

    /// Left columns then right columns (semi/anti joins only check pairs; they output the probe side).
    private func joined(probe: ColumnarBatch, build: ColumnarBatch) -> ColumnarBatch {
        let (l, r) = spec.buildSide == .right ? (probe, build) : (build, probe)
        let schema = StructType(l.schema.fields + r.schema.fields)
        return ColumnarBatch(schema: schema, columns: l.columns + r.columns, numRows: probe.numRows)
    }

    private func emitProbeRows(_ batch: ColumnarBatch, where matched: [Bool], equalTo wanted: Bool) throws {
        let rows = matched.indices.filter { matched[$0] == wanted }.map { Int32($0) }
        guard !rows.isEmpty else { return }
        let out = rows.count == batch.numRows ? batch : batch.take(rows)
        try downstream.consume(ColumnarBatch(schema: spec.schema, columns: out.columns, numRows: out.numRows))
    }

    private func emitUnmatchedProbe(_ batch: ColumnarBatch, _ matched: [Bool]) throws {
        let rows = matched.indices.filter { !matched[$0] }.map { Int32($0) }
        guard !rows.isEmpty else { return }
        try emitWithNulls(kept: batch.take(rows), keptIsLeft: spec.buildSide == .right, nullSchema: build.schema)
    }

    private func emitUnmatchedBuild(_ table: JoinHashTable) throws {
        let all = (0..<table.rows.numRows).filter { buildMatched.isEmpty || !buildMatched[$0] }
        for start in stride(from: 0, to: all.count, by: Self.chunk) {
            let rows = all[start..<min(start + Self.chunk, all.count)].map { Int32($0) }
            try emitWithNulls(kept: table.rows.take(rows), keptIsLeft: spec.buildSide == .left, nullSchema: probeSchema)
        }
    }

    /// Rows of one side with an all-null other side, in left-then-right column order.
    private func emitWithNulls(kept: ColumnarBatch, keptIsLeft: Bool, nullSchema: StructType) throws {
        let nulls = nullSchema.fields.map { ColumnVector.constant(.null, type: $0.dataType, count: kept.numRows) }
        let columns = keptIsLeft ? kept.columns + nulls : nulls + kept.columns
        try downstream.consume(ColumnarBatch(schema: spec.schema, columns: columns, numRows: kept.numRows))
    }
}
