// SortMergeJoin: the join of two inputs sorted on their keys (Spark's SortMergeJoinExec). Each side
// goes through an ExternalSorter, which spills, so the join finishes within the task's memory
// whatever the inputs' sizes; only one key group of the build side is held at a time. Then both
// sorted streams are read together: the build side a key group at a time, each probe row paired
// with the group of its key. Pairs go to the JoinEmitter, as in a hash join.
//
//   probe (sorted): 1 1 2 4 4 5        build groups: [1 1] [3] [4] [5 5 5]
//   rows with a null `=` key match nothing; `<=>` keys match null with null.

import Planner

final class SortMergeJoin: BatchConsumer, SpillingOperator {
    let spec: HashJoinSpec
    let emitter: JoinEmitter
    let build: ExternalSorter
    let probe: ExternalSorter
    let buildOrders: [BoundSortOrder]
    let probeOrders: [BoundSortOrder]
    let kill: TaskKillFlag?

    init(spec: HashJoinSpec, build: ExternalSorter, probeSchema: StructType, resources: SortResources?, downstream: any BatchConsumer,
         kill: TaskKillFlag? = nil) {
        self.spec = spec
        self.kill = kill
        self.build = build
        let probeKeys = spec.buildSide == .left ? spec.rightKeys : spec.leftKeys
        self.probeOrders = probeKeys.map { BoundSortOrder(expression: $0, ascending: true, nullsFirst: true) }
        self.buildOrders = build.orders
        self.probe = ExternalSorter(orders: probeOrders, schema: probeSchema, resources: resources)
        probe.peer = build
        self.emitter = JoinEmitter(spec: spec, buildSchema: build.schema, probeSchema: probeSchema, downstream: downstream)
    }

    /// The sort order of a side's keys.
    static func orders(_ keys: [BoundExpression]) -> [BoundSortOrder] {
        keys.map { BoundSortOrder(expression: $0, ascending: true, nullsFirst: true) }
    }

    func consume(_ batch: ColumnarBatch) throws { try probe.insert(batch) }

    func finish() throws {
        do {
            try merge()
        } catch is PipelineStop {}
        try emitter.downstream.finish()
    }

    var spillCount: Int { build.spillCount + probe.spillCount }
    var memoryBytesSpilled: Int64 { build.memoryBytesSpilled + probe.memoryBytesSpilled }
    var diskBytesSpilled: Int64 { build.diskBytesSpilled + probe.diskBytesSpilled }

    private func merge() throws {
        var groups = KeyGroups(try build.sortedSource(), orders: buildOrders, nullSafe: spec.nullSafe, memory: build.resources?.memory)
        defer { groups.release() }
        var group = try groups.next()
        var probeSource = try probe.sortedSource()
        while let batch = try probeSource.nextBatch() {
            let keys = try SortKeys(batch, orders: probeOrders)
            var matched = [Bool](repeating: false, count: batch.numRows)
            var probeRows: [Int32] = [], buildRows: [Int32] = []
            func flush() throws {
                try kill?.check()
                guard let g = group, !probeRows.isEmpty else { return }
                try emitter.pairs(probe: batch, probeRows, build: g.rows, buildRows, matched: &matched) { group?.matched[Int($0)] = true }
                probeRows.removeAll(keepingCapacity: true)
                buildRows.removeAll(keepingCapacity: true)
            }
            for row in 0..<batch.numRows {
                if KeyGroups.hasUnmatchableNull(keys.columns, row, spec.nullSafe) { continue }
                while let g = group, g.keys.compare(0, keys, row) < 0 {
                    try flush()   // records matches in `group`, so read its flags after
                    if let done = group { try emitter.unmatchedBuildRows(done.rows, done.unmatchedRows) }
                    group = try groups.next()
                }
                guard let g = group, !g.unmatchable, g.keys.compare(0, keys, row) == 0 else { continue }
                for j in 0..<Int32(g.rows.numRows) {
                    probeRows.append(Int32(row))
                    buildRows.append(j)
                    if probeRows.count >= HashJoinExec.chunk { try flush() }
                }
            }
            try flush()
            try emitter.probeBatchDone(batch, matched: matched)
        }
        while let g = group {
            try emitter.unmatchedBuildRows(g.rows, g.unmatchedRows)
            group = try groups.next()
        }
    }
}

/// The rows of a sorted input, a run of equal keys at a time.
struct KeyGroups {
    struct Group {
        let rows: ColumnarBatch
        let keys: SortKeys
        /// A `=` key is null: the group matches nothing.
        let unmatchable: Bool
        var matched: [Bool]
        var unmatchedRows: [Int32] { matched.indices.filter { !matched[$0] }.map { Int32($0) } }
    }

    private var source: SortRunSource
    let orders: [BoundSortOrder]
    let nullSafe: [Bool]
    /// A group beyond `unreservedBytes` must be reserved: one key with more rows than the task's
    /// memory fails with an error that names it, instead of growing past the executor's memory.
    /// Smaller groups are held without asking (the sorters may hold the whole share), so the
    /// memory a join holds beyond its reservation stays below this bound.
    private var reservation: TableReservation
    static let unreservedBytes = 4 << 20
    private var batch: ColumnarBatch?
    private var keys: SortKeys?
    private var position = 0

    init(_ source: SortRunSource, orders: [BoundSortOrder], nullSafe: [Bool], memory: (any MemoryReservation)?) {
        self.source = source
        self.orders = orders
        self.nullSafe = nullSafe
        self.reservation = TableReservation(memory)
    }

    mutating func release() { reservation.release() }

    static func hasUnmatchableNull(_ columns: [ColumnVector], _ row: Int, _ nullSafe: [Bool]) -> Bool {
        for (k, c) in columns.enumerated() where !nullSafe[k] && c.isNull(row) { return true }
        return false
    }

    /// Loads the next batch if the current one is used up; false at the end.
    private mutating func ensureRow() throws -> Bool {
        while batch == nil || position >= batch!.numRows {
            guard let next = try source.nextBatch() else { return false }
            batch = next
            keys = try SortKeys(next, orders: orders)
            position = 0
        }
        return true
    }

    mutating func next() throws -> Group? {
        guard try ensureRow(), let firstBatch = batch, let firstKeys = keys else { return nil }
        let first = position
        var pieces: [ColumnarBatch] = []
        var bytes = 0
        reservation.release()
        // Rows equal to the group's first row, across batch boundaries.
        while try ensureRow(), let b = batch, let k = keys {
            let start = position
            while position < b.numRows && k.compare(position, firstKeys, first) == 0 { position += 1 }
            if position > start {
                let piece = start == 0 && position == b.numRows ? b : b.take((start..<position).map { Int32($0) })
                bytes += piece.memoryBytes
                guard bytes * 2 <= Self.unreservedBytes || reservation.cover(bytes * 2) else {   // the pieces, and their concatenation
                    let key = firstKeys.columns.map { $0.value(at: first).description }.joined(separator: ", ")
                    throw EmberError(.outOfMemory,
                                     "the sort-merge join's build side has more rows for one key (\(key)) than the task's memory holds "
                                     + "(\(pieces.reduce(piece.numRows) { $0 + $1.numRows }) rows so far, \(bytes >> 20) MiB)",
                                     context: [.init("key", key)],
                                     hint: "the key is skewed: filter it out or join it separately, or give executors more memory")
                }
                pieces.append(piece)
            }
            if position < b.numRows { break }
        }
        let rows = ColumnarBatch.concat(pieces, schema: firstBatch.schema)
        let groupKeys = try SortKeys(rows, orders: orders)
        return Group(rows: rows, keys: groupKeys, unmatchable: Self.hasUnmatchableNull(groupKeys.columns, 0, nullSafe),
                     matched: [Bool](repeating: false, count: rows.numRows))
    }
}
