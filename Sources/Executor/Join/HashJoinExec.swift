// HashJoinExec: the probe side of a hash join. Its build side (JoinBuildSide) has been read whole
// before the first probe batch arrives. For each probe batch it finds the candidate build rows of
// every probe row through the hash table and hands the pairs to the JoinEmitter, in chunks, so a
// row with many matches never builds a huge batch. A build side that did not fit in memory was
// sorted instead, and the join runs as a sort-merge join (SortMergeJoin).

@_spi(EmberInternal) import Planner

final class HashJoinExec: BatchConsumer {
    let spec: HashJoinSpec
    let build: JoinBuildSide
    let emitter: JoinEmitter
    let probeKeys: [BoundExpression]
    /// Checked between chunks of candidate pairs: a join that emits little (a selective condition,
    /// a nested loop) still stops soon when its task is killed.
    let kill: TaskKillFlag?
    /// Build rows that matched some probe row (kept only when the emitter tracks them).
    private var buildMatched: [Bool] = []
    static let chunk = ColumnarBatch.defaultCapacity * 2

    init(spec: HashJoinSpec, build: JoinBuildSide, probeSchema: StructType, downstream: any BatchConsumer, kill: TaskKillFlag? = nil) {
        self.spec = spec
        self.kill = kill
        self.build = build
        self.emitter = JoinEmitter(spec: spec, buildSchema: build.schema, probeSchema: probeSchema, downstream: downstream)
        self.probeKeys = spec.buildSide == .left ? spec.rightKeys : spec.leftKeys
    }

    func consume(_ batch: ColumnarBatch) throws {
        guard let table = build.table else { throw EmberError(.internal, "hash join probed before its build side was read") }
        if emitter.tracksBuildMatches && buildMatched.isEmpty { buildMatched = [Bool](repeating: false, count: table.rows.numRows) }
        let n = batch.numRows
        let keys = try probeKeys.map { try $0.evaluate(batch) }
        var hashes: [UInt64] = []
        if !table.isNestedLoop { FixedSeedHash.hashRows(keys, numRows: n, seed: JoinHashTable.seed, into: &hashes) }
        let equality = KeyEquality(build: table.keys, probe: keys, nullSafe: spec.nullSafe)
        var matched = [Bool](repeating: false, count: n)
        // The pairs and `matched` are locals that only non-escaping closures capture, and `flush`
        // takes them inout: captured by a local function they would be boxed, and every append
        // would pay a dynamic exclusivity check (measured: 16% of TPC-H q07's CPU).
        var pairs = CandidatePairs()
        pairs.reserve(Self.chunk)
        // A semi or anti join without a residual condition, deciding probe rows, needs only to
        // know that a row matches.
        let anyMatchDecides = emitter.decidesProbeRows && spec.condition == nil
        // One bigint, date or timestamp key: a row matches when its key has a chain (runtime
        // filters, the semi and anti joins of TPC-H q04, q21, q22).
        if anyMatchDecides, table.markSingleKeyMatches(keys, hashes, &matched) {
            try emitter.probeBatchDone(batch, matched: matched)
            return
        }
        if !anyMatchDecides, try table.forEachSingleKeyMatch(keys, hashes, { row, j in
            pairs.append(row, j)
            if pairs.count >= Self.chunk { try flush(&pairs, &matched, batch, table) }
        }) {
            try flush(&pairs, &matched, batch, table)
            try emitter.probeBatchDone(batch, matched: matched)
            return
        }
        for row in 0..<n {
            if anyMatchDecides {
                matched[row] = table.hasMatch(keys, hashes, row, equality)
                continue
            }
            try table.forEachMatch(keys, hashes, row, equality) { j in
                pairs.append(row, j)
                if pairs.count >= Self.chunk { try flush(&pairs, &matched, batch, table) }
            }
        }
        try flush(&pairs, &matched, batch, table)
        try emitter.probeBatchDone(batch, matched: matched)
    }

    /// Hands the collected candidate pairs to the emitter and empties them.
    private func flush(_ pairs: inout CandidatePairs, _ matched: inout [Bool], _ batch: ColumnarBatch, _ table: JoinHashTable) throws {
        try kill?.check()
        try emitter.pairs(probe: batch, pairs.probeRows, build: table.rows, pairs.buildRows, matched: &matched) { buildMatched[Int($0)] = true }
        pairs.removeAll()
    }

    func finish() throws {
        do {
            if emitter.tracksBuildMatches, let table = build.table {
                try emitter.buildRowsDone(table.rows, matched: buildMatched.isEmpty ? nil : buildMatched)
            }
        } catch is PipelineStop {}
        build.close()
        try emitter.downstream.finish()
    }
}

/// Candidate (probe row, build row) pairs collected for one chunk.
struct CandidatePairs {
    private(set) var probeRows: [Int32] = []
    private(set) var buildRows: [Int32] = []

    var count: Int { probeRows.count }

    mutating func reserve(_ n: Int) {
        probeRows.reserveCapacity(n)
        buildRows.reserveCapacity(n)
    }

    @inline(__always)
    mutating func append(_ probeRow: Int, _ buildRow: Int32) {
        probeRows.append(Int32(probeRow))
        buildRows.append(buildRow)
    }

    mutating func removeAll() {
        probeRows.removeAll(keepingCapacity: true)
        buildRows.removeAll(keepingCapacity: true)
    }
}
