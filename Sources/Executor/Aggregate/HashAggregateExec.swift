// HashAggregateExec: hash aggregation in Partial mode (raw rows → keys ++ buffers, before the
// shuffle) or Final mode (keys ++ buffers → keys ++ results, after it), within a memory reservation.
//
//   per batch:  keys ──GroupTable──► group ids ──► each Accumulator folds its column by group id
//               then reserve memory for the table's growth (TableReservation); when refused:
//                 Partial: emit the table downstream as partial rows and start a new one
//                 Final:   spill the table's rows into hash buckets (AggregateSpill), start anew
//   finish:     the table's keys ++ accumulator buffers (Partial) or results (Final), in pieces
//               (GroupTable.pieces); after spills, each bucket is aggregated on its own (less
//               memory each), as SpillLevel allows
//
// Partial aggregation backs off (PartialBackOff): a table that barely reduces is emitted and later
// rows pass straight through as one-row partial buffers (PartialPassThrough). So does a Partial
// aggregate that cannot reserve even an empty table.
//
// An aggregate without keys has exactly one group, which exists even with no input (so count()
// of nothing is 0, sum of nothing is null).

@_spi(EmberInternal) import Planner

/// What an aggregate may use besides its input: memory and a directory for spills.
@_spi(EmberInternal) public struct AggregateResources {
    @_spi(EmberInternal) public var memory: (any MemoryReservation)?
    @_spi(EmberInternal) public var spillDirectory: String?
    /// Unique per task attempt: names spill files.
    @_spi(EmberInternal) public var taskId: TaskID
    @_spi(EmberInternal) public init(memory: (any MemoryReservation)?, spillDirectory: String?, taskId: TaskID) {
        self.memory = memory
        self.spillDirectory = spillDirectory
        self.taskId = taskId
    }
}

@_spi(EmberInternal) public final class HashAggregateExec: BatchConsumer, SpillingOperator, Spillable {
    // PROPERTIES
    let mode: AggregateMode
    let keys: [BoundExpression]
    let aggregates: [BoundAggregate]
    let schema: StructType
    let downstream: any BatchConsumer
    let resources: AggregateResources?
    /// Where each aggregate's buffer columns start in the Final-mode input.
    let bufferOffsets: [Int]
    /// Spill recursion depth and whether this aggregate may spill again.
    let level: SpillLevel

    // STATE
    var table: GroupTable
    var accumulators: [any Accumulator]
    var groupIds: [Int32] = []
    var memory: TableReservation
    var rowsSeen = 0
    var passThrough = false
    var spill: AggregateSpill?
    /// Inside `consume` or `finish`: the table is in use, so it cannot be spilled for someone else.
    var busy = false

    // METRICS
    @_spi(EmberInternal) public private(set) var spillCount = 0
    /// In-memory bytes of the tables spilled (Spark's memoryBytesSpilled).
    @_spi(EmberInternal) public private(set) var memoryBytesSpilled: Int64 = 0
    /// Bytes of spill files written (Spark's diskBytesSpilled).
    @_spi(EmberInternal) public private(set) var diskBytesSpilled: Int64 = 0

    @_spi(EmberInternal) public convenience init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
                            downstream: any BatchConsumer, resources: AggregateResources? = nil) {
        self.init(mode: mode, keys: keys, aggregates: aggregates, schema: schema, downstream: downstream, resources: resources,
                  level: .top)
    }

    init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
         downstream: any BatchConsumer, resources: AggregateResources?, level: SpillLevel) {
        self.mode = mode
        self.keys = keys
        self.aggregates = aggregates
        self.schema = schema
        self.downstream = downstream
        self.resources = resources
        self.level = level
        var offsets: [Int] = []
        var next = keys.count
        for a in aggregates {
            offsets.append(next)
            next += a.bufferTypes.count
        }
        self.bufferOffsets = offsets
        memory = TableReservation(Self.holdsMemory(keys: keys) ? resources?.memory : nil)
        (table, accumulators) = Self.freshState(keys: keys, aggregates: aggregates)
        if mode == .final && Self.holdsMemory(keys: keys) { resources?.memory?.register(spiller: self) }
    }

    /// Whether an aggregate with these keys holds task memory across batches: one without keys has
    /// one group, nothing to reserve (TaskMemoryManager counts its consumers by this rule).
    static func holdsMemory(keys: [BoundExpression]) -> Bool { !keys.isEmpty }

    static func freshState(keys: [BoundExpression], aggregates: [BoundAggregate]) -> (GroupTable, [any Accumulator]) {
        (GroupTable(keyTypes: keys.map(\.dataType)), aggregates.map(makeAccumulator))
    }

    deinit { memory.release() }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let n = batch.numRows
        if n == 0 { return }
        let wasBusy = busy
        busy = true
        defer { busy = wasBusy }
        if passThrough {
            try downstream.consume(try PartialPassThrough.convert(batch, keys: keys, aggregates: aggregates, schema: schema))
            return
        }
        if try table.count == 0 && !memory.cover(table.initialBytes) {
            // Not even an empty table fits: nothing could be emitted or spilled to make room.
            guard mode == .partial else { throw outOfMemory("cannot reserve \(table.initialBytes) bytes for an empty hash table") }
            passThrough = true
            try consume(batch)
            return
        }
        if keys.isEmpty {
            try ensureGlobalGroup()
            if groupIds.count != n { groupIds = [Int32](repeating: 0, count: n) }
        } else {
            let keyColumns = try keys.map { try $0.evaluate(batch) }
            try table.groupIds(keys: keyColumns, numRows: n, into: &groupIds)
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
        rowsSeen += n
        if mode == .partial && !keys.isEmpty && PartialBackOff.applies(rows: rowsSeen, groups: table.count) {
            passThrough = true
            try emitTable()
            return
        }
        try reserveForGrowth()
    }

    /// The one group of an aggregate without keys (it exists even without input).
    private func ensureGlobalGroup() throws {
        try table.ensureGlobalGroup()
        for acc in accumulators { acc.resize(1) }
    }

    /// Bytes the table and accumulators hold now (estimated).
    var stateBytes: Int {
        table.memoryBytes + table.count * aggregates.reduce(0) { $0 + 9 * $1.bufferTypes.count }
            + accumulators.reduce(0) { $0 + $1.variableBytes }
    }

    private func reserveForGrowth() throws {
        // A partial aggregate cannot be asked to spill, so it holds no more than its fair share.
        if try (mode == .final || memory.withinFairShare(stateBytes)) && memory.cover(stateBytes) { return }
        // Refused: give the table away and start a new one.
        switch mode {
        case .partial: try emitTable()
        case .final:
            guard level.maySpill else {
                throw outOfMemory("the aggregate's hash table needs \(stateBytes) bytes for \(table.count) groups, more than the "
                                  + "\(memory.reserved) bytes the task may hold, and \(level.reason)")
            }
            try spillTable()
        }
    }

    private func outOfMemory(_ message: String) -> EmberError {
        EmberError(.outOfMemory, message,
                   context: [.init("operator", "HashAggregate(\(mode.rawValue))"), .init("spill depth", String(level.depth)),
                             .init("memory", resources?.memory?.usageReport ?? "unbounded")],
                   hint: "give executors more memory or fewer cores each (a task may use its executor's execution memory / "
                       + "running tasks), or use more shuffle partitions, so each task aggregates fewer keys")
    }

    private func resetState() {
        (table, accumulators) = Self.freshState(keys: keys, aggregates: aggregates)
        memory.release()
    }

    var partialSchema: StructType {
        switch mode {
        case .partial: return schema
        case .final:
            var fields = Array(schema.fields.prefix(keys.count))
            for a in aggregates {
                for (j, t) in a.bufferTypes.enumerated() { fields.append(StructField("\(a.name)#buf\(j)", t)) }
            }
            return StructType(fields)
        }
    }

    /// The table's rows in pieces of at most a batch: keys ++ buffers (the partial format), or keys
    /// ++ results.
    private func forEachPiece(results: Bool, _ body: (ColumnarBatch) throws -> Void) throws {
        if keys.isEmpty { try ensureGlobalGroup() }
        let pieceSchema = results ? schema : partialSchema
        for groups in table.pieces() {
            var columns = table.keyColumns(groups)
            for acc in accumulators {
                if results { columns.append(acc.result(groups)) } else { columns.append(contentsOf: acc.buffers(groups)) }
            }
            try body(ColumnarBatch(schema: pieceSchema, columns: columns, numRows: groups.count))
        }
    }

    /// Partial mode: sends the table's rows downstream and starts over.
    private func emitTable() throws {
        try forEachPiece(results: false) { try downstream.consume($0) }
        resetState()
    }

    /// Final mode: writes the table's rows into hash buckets on disk and starts over.
    private func spillTable() throws {
        guard let resources, let directory = resources.spillDirectory else {
            throw outOfMemory("the aggregate's hash table does not fit in memory and there is nowhere to spill it")
        }
        if spill == nil {
            spill = try AggregateSpill(directory: directory, taskId: resources.taskId, depth: level.depth,
                                       keyCount: keys.count, schema: partialSchema)
        }
        var pieces: [ColumnarBatch] = []
        try forEachPiece(results: false) { pieces.append($0) }
        memoryBytesSpilled += Int64(stateBytes)
        resetState()
        let before = spill?.bytes ?? 0
        try spill?.add(pieces)
        diskBytesSpilled += (spill?.bytes ?? 0) - before
        spillCount += 1
    }

    /// A Final aggregate taking input spills its table into hash buckets when another consumer of
    /// the task needs memory (a partial one would have to emit it, which it cannot do from here).
    @_spi(EmberInternal) public func spillForOtherConsumer() throws -> Int {
        guard mode == .final, !busy, !passThrough, table.count > 0, level.maySpill, resources?.spillDirectory != nil else { return 0 }
        let held = memory.reserved
        try spillTable()
        return held
    }

    @_spi(EmberInternal) public func finish() throws {
        busy = true
        // Emitting, it can no longer be asked to spill: above its fair share, it spills first so the
        // operator it feeds finds room (the buckets are then aggregated one at a time).
        if mode == .final, spill == nil, table.count > 0, !memory.withinFairShare(memory.reserved), level.maySpill,
           resources?.spillDirectory != nil {
            try spillTable()
        }
        guard let spill else {
            do {
                try forEachPiece(results: mode == .final) { try downstream.consume($0) }
            } catch is PipelineStop {}
            resetState()
            try downstream.finish()
            return
        }
        // Final mode after spills: the remaining table joins the spill, then each bucket is aggregated alone.
        defer {
            spill.remove()
            self.spill = nil
        }
        if table.count > 0 { try spillTable() }
        let forward = ForwardingConsumer(downstream)
        for bucket in 0..<AggregateSpill.bucketCount {
            let rows = spill.rows(inBucket: bucket)
            guard rows > 0 else { continue }
            let aggregate = HashAggregateExec(mode: .final, keys: keys, aggregates: aggregates, schema: schema, downstream: forward,
                                              resources: resources, level: level.bucket(rows: rows, of: spill.rows))
            defer {
                spillCount += aggregate.spillCount
                memoryBytesSpilled += aggregate.memoryBytesSpilled
                diskBytesSpilled += aggregate.diskBytesSpilled
            }
            try spill.readBucket(bucket) { try aggregate.consume($0) }
            try aggregate.finish()
        }
        try downstream.finish()
    }
}

/// Passes batches on but not the end of input (bucket aggregates share one downstream).
final class ForwardingConsumer: BatchConsumer {
    let downstream: any BatchConsumer
    init(_ downstream: any BatchConsumer) { self.downstream = downstream }
    func consume(_ batch: ColumnarBatch) throws { try downstream.consume(batch) }
    func finish() throws {}
}
