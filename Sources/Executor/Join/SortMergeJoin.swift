// SortMergeJoin: the join of two inputs sorted on their keys (Spark's SortMergeJoinExec). Each side
// goes through an ExternalSorter, which spills, so the join finishes within the task's memory
// whatever the inputs' sizes; only one key group of the build side is held at a time. Then both
// sorted streams are read together: the build side a key group at a time, each probe row paired
// with the group of its key. Pairs go to the JoinEmitter, as in a hash join.
//
//   probe (sorted): 1 1 2 4 4 5        build groups: [1 1] [3] [4] [5 5 5]
//   rows with a null `=` key match nothing; `<=>` keys match null with null.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

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
        // Both sides are read: their memory goes to what comes after the join.
        build.close()
        probe.close()
        try emitter.downstream.finish()
    }

    var spillCount: Int { build.spillCount + probe.spillCount }
    var memoryBytesSpilled: Int64 { build.memoryBytesSpilled + probe.memoryBytesSpilled }
    var diskBytesSpilled: Int64 { build.diskBytesSpilled + probe.diskBytesSpilled }

    private func merge() throws {
        var groups = KeyGroups(try build.sortedSource(), orders: buildOrders, nullSafe: spec.nullSafe, resources: build.resources)
        // A semi or anti join without a residual condition, deciding probe rows, only asks whether
        // a key exists.
        groups.firstRowOnly = emitter.decidesProbeRows && spec.condition == nil
        // Rows with a null `=` key match nothing: they are emitted (outer joins) or dropped as they
        // are read, never held as a group.
        let emitter = self.emitter
        groups.unmatchable = { try emitter.buildRowsDone($0, matched: nil) }
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
            var next = 0
            while next < batch.numRows {
                let row = next
                next += 1
                if JoinHashTable.hasUnmatchableNull(keys.columns, row, spec.nullSafe) { continue }
                if let g = group, g.keys.compare(0, keys, row) < 0 {
                    try flush()   // records matches in `group`, so read its flags after
                    if let done = group { try finishGroup(done) }
                    // Build rows no probe row wants are read past, not gathered into groups
                    // (a broadcast side sorted in every task is mostly such rows).
                    if !emitter.tracksBuildMatches { try groups.skip(below: keys, row, kill: kill) }
                    group = try groups.next()
                    while let g = group, g.keys.compare(0, keys, row) < 0 {
                        try finishGroup(g)
                        group = try groups.next()
                    }
                }
                guard let g = group, !g.unmatchable, g.keys.compare(0, keys, row) == 0 else { continue }
                if let run = g.spilled {
                    // The probe rows of this key in this batch, against the group read back a chunk at a time.
                    try flush()
                    while next < batch.numRows && !JoinHashTable.hasUnmatchableNull(keys.columns, next, spec.nullSafe)
                        && g.keys.compare(0, keys, next) == 0 { next += 1 }
                    try joinSpilled(run, probe: batch, rows: Array(Int32(row)..<Int32(next)), matched: &matched, group: &group)
                    continue
                }
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
            try finishGroup(g)
            group = try groups.next()
        }
    }

    /// Pairs probe rows of one key with every row of a spilled key group, a chunk of the group at a time.
    private func joinSpilled(_ run: SpilledRun, probe: ColumnarBatch, rows: [Int32], matched: inout [Bool],
                             group: inout KeyGroups.Group?) throws {
        var source = SpilledRunSource(run, reader: SharedSpillReader(schema: build.schema))
        var offset = 0
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        while let chunk = try source.nextBatch() {
            let base = offset
            func flush() throws {
                try kill?.check()
                try emitter.pairs(probe: probe, probeRows, build: chunk, buildRows, matched: &matched) { group?.matched[base + Int($0)] = true }
                probeRows.removeAll(keepingCapacity: true)
                buildRows.removeAll(keepingCapacity: true)
            }
            for p in rows {
                for j in 0..<Int32(chunk.numRows) {
                    probeRows.append(p)
                    buildRows.append(j)
                    if probeRows.count >= HashJoinExec.chunk { try flush() }
                }
            }
            if !probeRows.isEmpty { try flush() }
            offset += chunk.numRows
        }
    }

    /// A finished group's rows, with which of them matched, to the emitter (outer joins that keep
    /// the build side's unmatched rows, semi and anti joins built on the left).
    /// A group with a null `=` key went to the emitter row by row as it was read (`unmatchable`).
    private func finishGroup(_ g: KeyGroups.Group) throws {
        guard emitter.tracksBuildMatches, !g.unmatchable else { return }
        guard let run = g.spilled else { return try emitter.buildRowsDone(g.rows, matched: g.matched) }
        var source = SpilledRunSource(run, reader: SharedSpillReader(schema: build.schema))
        var offset = 0
        while let chunk = try source.nextBatch() {
            try emitter.buildRowsDone(chunk, matched: Array(g.matched[offset..<(offset + chunk.numRows)]))
            offset += chunk.numRows
        }
    }
}

/// The rows of a sorted input, a run of equal keys at a time.
struct KeyGroups {
    struct Group {
        /// The group's rows; only its first when the group was spilled.
        let rows: ColumnarBatch
        let keys: SortKeys
        /// A group larger than the task's memory, written to disk and read back for each probe run.
        var spilled: SpilledRun? = nil
        /// A `=` key is null: the group matches nothing (and its rows went to `unmatchable`).
        let unmatchable: Bool
        var matched: [Bool]
    }

    private var source: SortRunSource
    let orders: [BoundSortOrder]
    let nullSafe: [Bool]
    /// A group beyond `unreservedBytes` must be reserved: one key with more rows than the task's
    /// memory fails with an error that names it, instead of growing past the executor's memory.
    /// Smaller groups are held without asking (the sorters may hold the whole share), so the
    /// memory a join holds beyond its reservation stays below this bound.
    private var reservation: TableReservation
    let resources: SortResources?
    private var writer: SpillWriter?
    /// Groups spilled so far (removed as the next group is read, and at the end).
    private var spilledRun: SpilledRun?
    private(set) var spillCount = 0
    static let unreservedBytes = 4 << 20
    /// Keep only a group's first row (the others are read past).
    var firstRowOnly = false
    /// Receives the rows of groups that can match nothing, instead of the group holding them.
    var unmatchable: ((ColumnarBatch) throws -> Void)?
    private var batch: ColumnarBatch?
    private var keys: SortKeys?
    private var position = 0

    init(_ source: SortRunSource, orders: [BoundSortOrder], nullSafe: [Bool], resources: SortResources?) {
        self.source = source
        self.orders = orders
        self.nullSafe = nullSafe
        self.resources = resources
        self.reservation = TableReservation(resources?.memory)
    }

    mutating func release() {
        reservation.release()
        spilledRun?.remove()
        spilledRun = nil
    }

    /// Writes a group's pieces to a new spilled run (the group did not fit in memory).
    private mutating func spill(_ pieces: [ColumnarBatch], into run: SpilledRun?) throws -> SpilledRun {
        guard let resources, let directory = resources.spillDirectory else {
            throw EmberError(.outOfMemory, "a sort-merge join key group does not fit in the task's memory, and there is nowhere to spill it")
        }
        if writer == nil {
            writer = try SpillWriter(directory: directory, owner: "task\(resources.taskId.value)-mergejoin", numPartitions: 1,
                                     schema: pieces[0].schema)
        }
        let target = run ?? SpilledRun()
        try target.append(sorted: pieces, writer: writer!)
        return target
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

    /// Reads past the rows whose keys sort before row `row` of `probeKeys`, without gathering
    /// them: for joins that never emit unmatched build rows. `kill` is checked before each batch:
    /// a skip may read the whole build side.
    mutating func skip(below probeKeys: SortKeys, _ row: Int, kill: TaskKillFlag?) throws {
        while try ensureRow(), let b = batch, let k = keys {
            try kill?.check()
            let end = b.numRows
            while position < end && k.compare(position, probeKeys, row) < 0 { position += 1 }
            if position < end { return }
        }
    }

    mutating func next() throws -> Group? {
        guard try ensureRow(), let firstBatch = batch, let firstKeys = keys else { return nil }
        let first = position
        var pieces: [ColumnarBatch] = []
        var bytes = 0
        var rowCount = 0
        var run: SpilledRun? = nil
        reservation.release()
        spilledRun?.remove()
        spilledRun = nil
        let streamed = unmatchable != nil && JoinHashTable.hasUnmatchableNull(firstKeys.columns, first, nullSafe)
        // Rows equal to the group's first row, across batch boundaries.
        while try ensureRow(), let b = batch, let k = keys {
            let start = position
            while position < b.numRows && k.compare(position, firstKeys, first) == 0 { position += 1 }
            if streamed, position > start {
                try unmatchable?(start == 0 && position == b.numRows ? b : b.take((start..<position).map { Int32($0) }))
            } else if firstRowOnly, position > start {
                if pieces.isEmpty { pieces.append(b.take([Int32(start)])) }
            } else if position > start {
                let piece = start == 0 && position == b.numRows ? b : b.take((start..<position).map { Int32($0) })
                bytes += piece.memoryBytes
                rowCount += piece.numRows
                if run != nil {
                    run = try spill([piece], into: run)   // the group is on disk already: keep writing there
                    continue
                }
                guard try bytes * 2 <= Self.unreservedBytes || reservation.cover(bytes * 2) else {   // the pieces, and their concatenation
                    run = try spill(pieces + [piece], into: nil)
                    pieces = []
                    reservation.release()
                    spillCount += 1
                    continue
                }
                pieces.append(piece)
            }
            if position < b.numRows { break }
        }
        if let run {
            spilledRun = run
            let key = firstBatch.take([Int32(first)])
            return Group(rows: key, keys: try SortKeys(key, orders: orders), spilled: run, unmatchable: false,
                         matched: [Bool](repeating: false, count: rowCount))
        }
        if streamed {
            // Its rows went to `unmatchable`; the first stands for the key, already accounted for.
            let key = firstBatch.take([Int32(first)])
            return Group(rows: key, keys: try SortKeys(key, orders: orders), unmatchable: true, matched: [true])
        }
        let rows = ColumnarBatch.concat(pieces, schema: firstBatch.schema)
        let groupKeys = try SortKeys(rows, orders: orders)
        return Group(rows: rows, keys: groupKeys, unmatchable: JoinHashTable.hasUnmatchableNull(groupKeys.columns, 0, nullSafe),
                     matched: [Bool](repeating: false, count: rows.numRows))
    }
}
