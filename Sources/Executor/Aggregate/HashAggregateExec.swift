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
// A Final aggregate expecting many rows (a reducer knows them from its map outputs) holds its
// input in hash partitions (RadixPartitions) behind a small table, and aggregates each partition at
// the end with a table that fits in the cache; refused memory, it spills them as it would a table.
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
    /// Rows the aggregate will be given, when known (a reducer's map outputs count them): a Final
    /// aggregate sizes its table for that many groups up front, as far as its memory allows.
    @_spi(EmberInternal) public var expectedRows: Int?
    /// Expecting at least this many rows, a Final aggregate holds them in hash partitions.
    @_spi(EmberInternal) public var partitionMinRows = RadixPartitions.minExpectedRows
    /// A Partial aggregate judges whether it reduces after this many rows (PartialBackOff).
    @_spi(EmberInternal) public var backOffMinRows = PartialBackOff.minRows
    @_spi(EmberInternal) public init(memory: (any MemoryReservation)?, spillDirectory: String?, taskId: TaskID, expectedRows: Int? = nil) {
        self.memory = memory
        self.spillDirectory = spillDirectory
        self.taskId = taskId
        self.expectedRows = expectedRows
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
    /// Where passed-through rows go raw (a Partial aggregate feeding a shuffle), and their layout;
    /// nil: they go on as one-row buffers.
    let rawOutput: (layout: RawRowsLayout, consumer: any RawRowsConsumer)?
    var spill: AggregateSpill?
    /// A Final aggregate's input split by hash, at high cardinality (nil: one table).
    var partitions: RadixPartitions?
    /// Partitioning, the small table stopped paying (it merged few rows): rows go straight to the
    /// partitions.
    var partitionDirectly = false
    var rowsSinceFlush = 0
    /// Inside `consume` or `finish`: the table is in use, so it cannot be spilled for someone else.
    var busy = false
    /// The first table was sized for the expected rows (or could not be): later tables grow.
    var sizedForExpectedRows = false

    // METRICS
    @_spi(EmberInternal) public private(set) var spillCount = 0
    /// In-memory bytes of the tables spilled (Spark's memoryBytesSpilled).
    @_spi(EmberInternal) public private(set) var memoryBytesSpilled: Int64 = 0
    /// Bytes of spill files written (Spark's diskBytesSpilled).
    @_spi(EmberInternal) public private(set) var diskBytesSpilled: Int64 = 0

    @_spi(EmberInternal) public convenience init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
                            downstream: any BatchConsumer, resources: AggregateResources? = nil) {
        self.init(mode: mode, keys: keys, aggregates: aggregates, schema: schema, downstream: downstream, resources: resources,
                  level: .top, partitionInput: true)
    }

    /// `partitionInput`: whether many expected rows make it hold its input in hash partitions (not
    /// for a partition's own aggregate).
    init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
         downstream: any BatchConsumer, resources: AggregateResources?, level: SpillLevel, partitionInput: Bool) {
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
        if mode == .partial, let consumer = downstream as? any RawRowsConsumer, consumer.acceptsRawRows(keyCount: keys.count),
           let layout = RawRowsLayout(partialSchema: schema, keyCount: keys.count, aggregates: aggregates) {
            rawOutput = (layout, consumer)
        } else {
            rawOutput = nil
        }
        memory = TableReservation(Self.holdsMemory(keys: keys) ? resources?.memory : nil)
        // Partitions hold rows, not groups: only an aggregate that may spill them holds them.
        if mode == .final, !keys.isEmpty, partitionInput, level.maySpill, let rows = resources?.expectedRows, rows >= resources?.partitionMinRows ?? .max {
            partitions = RadixPartitions(expectedRows: rows)
        }
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

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws { try consume(batch, keyHashes: nil) }

    /// `keyHashes`: the rows' key hashes, when known (as FixedSeedHash.hashRows gives them with the
    /// aggregate seed), so the table does not hash the keys again.
    func consume(_ batch: ColumnarBatch, keyHashes: [UInt64]?) throws {
        let n = batch.numRows
        if n == 0 { return }
        let wasBusy = busy
        busy = true
        defer { busy = wasBusy }
        if passThrough {
            if let (layout, consumer) = rawOutput {
                try consumer.consumeRaw(try layout.rawBatch(batch, keyColumns: try keys.map { try $0.evaluate(batch) }))
            } else {
                try downstream.consume(try PartialPassThrough.convert(batch, keys: keys, aggregates: aggregates, schema: schema))
            }
            return
        }
        if partitionDirectly, let partitions {
            let keyColumns = try keys.map { try $0.evaluate(batch) }
            var columns = keyColumns
            for (k, a) in aggregates.enumerated() { columns += batch.columns[bufferOffsets[k]..<(bufferOffsets[k] + a.bufferTypes.count)] }
            partitions.addPending(ColumnarBatch(schema: partialSchema, columns: columns, numRows: n), keys: keyColumns)
            rowsSeen += n
            try reserveForGrowth()
            return
        }
        if table.count == 0 { try sizeTableForExpectedRows() }
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
            try table.groupIds(keys: keyColumns, numRows: n, into: &groupIds, hashes: keyHashes)
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
        rowsSinceFlush += n
        // Flushed before a next batch could make the table grow past the size it was given.
        if partitions != nil && table.count > RadixPartitions.flushGroups - ColumnarBatch.defaultCapacity { try flushToPartitions() }
        if mode == .partial && !keys.isEmpty && PartialBackOff.applies(rows: rowsSeen, groups: table.count, minRows: resources?.backOffMinRows ?? PartialBackOff.minRows) {
            passThrough = true
            try emitTable()
            return
        }
        try reserveForGrowth()
    }

    /// A Final aggregate told how many rows it will be given sizes its first table for that many
    /// groups (at most), when free memory allows: the table then never grows and rehashes. Rows
    /// bound the groups from above; below a few thousand, growing costs nothing worth reserving for.
    private func sizeTableForExpectedRows() throws {
        guard !sizedForExpectedRows else { return }
        sizedForExpectedRows = true
        guard mode == .final, !keys.isEmpty, !partitionDirectly, var rows = resources?.expectedRows, rows > 4096 else { return }
        if partitions != nil { rows = Swift.min(rows, RadixPartitions.flushGroups) }
        guard table.initialCapacity < 2 * rows else { return }
        let bytes = GroupTable.slotBytes(groups: rows) + rows * (16 + aggregates.reduce(0) { $0 + 9 * $1.bufferTypes.count })
        guard memory.coverFromFree(stateBytes + bytes) else { return }
        try table.reserve(groups: rows)
        for acc in accumulators { acc.reserve(rows) }
    }

    /// The one group of an aggregate without keys (it exists even without input).
    private func ensureGlobalGroup() throws {
        try table.ensureGlobalGroup()
        for acc in accumulators { acc.resize(1) }
    }

    /// Bytes the table and accumulators hold now (estimated).
    var stateBytes: Int {
        (partitions?.bytes ?? 0) + table.memoryBytes + table.count * aggregates.reduce(0) { $0 + 9 * $1.bufferTypes.count }
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
    func forEachPiece(results: Bool, maxRows: Int = ColumnarBatch.defaultCapacity,
                      _ body: (ColumnarBatch, Range<Int>) throws -> Void) throws {
        if keys.isEmpty { try ensureGlobalGroup() }
        let pieceSchema = results ? schema : partialSchema
        for groups in table.pieces(maxRows: maxRows) {
            var columns = table.keyColumns(groups)
            for acc in accumulators {
                if results { columns.append(acc.result(groups)) } else { columns.append(contentsOf: acc.buffers(groups)) }
            }
            try body(ColumnarBatch(schema: pieceSchema, columns: columns, numRows: groups.count), groups)
        }
    }

    /// Moves the table's rows into the hash partitions and starts a new table, keeping the
    /// reservation (the partitions hold what the table held, and more).
    func flushToPartitions(startNewTable: Bool = true) throws {
        guard let partitions, table.count > 0 else { return }
        // Keys that mostly did not repeat within the table's rows: probing it is not worth its cost.
        if table.count * 2 > rowsSinceFlush { partitionDirectly = true }
        rowsSinceFlush = 0
        try forEachPiece(results: false, maxRows: .max) { piece, groups in
            table.withHashes(groups) { partitions.add(piece, hashes: $0) }
        }
        (table, accumulators) = Self.freshState(keys: keys, aggregates: aggregates)
        if startNewTable {
            sizedForExpectedRows = false
            try sizeTableForExpectedRows()
        }
    }

    /// Partial mode: sends the table's rows downstream and starts over.
    private func emitTable() throws {
        try forEachPiece(results: false) { piece, _ in try downstream.consume(piece) }
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
        try forEachPiece(results: false) { piece, _ in pieces.append(piece) }
        memoryBytesSpilled += Int64(stateBytes)
        if let partitions {
            // The partitions go to disk with the table; from here on, the aggregate is one table.
            pieces.append(contentsOf: partitions.takeAll())
            self.partitions = nil
            partitionDirectly = false
        }
        resetState()
        let before = spill?.bytes ?? 0
        try spill?.add(pieces)
        diskBytesSpilled += (spill?.bytes ?? 0) - before
        spillCount += 1
    }

    /// A Final aggregate taking input spills its table into hash buckets when another consumer of
    /// the task needs memory (a partial one would have to emit it, which it cannot do from here).
    @_spi(EmberInternal) public func spillForOtherConsumer() throws -> Int {
        guard mode == .final, !busy, !passThrough, holdsRows, level.maySpill, resources?.spillDirectory != nil else { return 0 }
        let held = memory.reserved
        try spillTable()
        return held
    }

    @_spi(EmberInternal) public func finish() throws {
        busy = true
        // Emitting, it can no longer be asked to spill: above its fair share, it spills first so the
        // operator it feeds finds room (the buckets are then aggregated one at a time).
        let maySpill = mode == .final && level.maySpill && resources?.spillDirectory != nil
        if let partitions, spill == nil {
            try flushToPartitions(startNewTable: false)
            // The partitions stay while each is aggregated: they and the largest one's table must fit
            // (the aggregates of the partitions reserve from the same memory, after the partitions).
            let largest = partitions.rows.max() ?? 0
            let room = stateBytes + GroupTable.slotBytes(groups: largest) + largest * (16 + aggregates.reduce(0) { $0 + 9 * $1.bufferTypes.count })
            if try !maySpill || (memory.cover(room) && memory.withinFairShare(room)) {
                memory.shrink(to: stateBytes)
                return try finishPartitions()
            }
            try spillTable()
        }
        if spill == nil, holdsRows, !memory.withinFairShare(memory.reserved), maySpill {
            try spillTable()
        }
        guard let spill else {
            do {
                try forEachPiece(results: mode == .final) { piece, _ in try downstream.consume(piece) }
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
        if holdsRows { try spillTable() }
        let forward = ForwardingConsumer(downstream)
        for bucket in 0..<AggregateSpill.bucketCount where !forward.stopped {
            let rows = spill.rows(inBucket: bucket)
            guard rows > 0 else { continue }
            var bucketResources = resources
            bucketResources?.expectedRows = Int(rows)
            let aggregate = HashAggregateExec(mode: .final, keys: keys, aggregates: aggregates, schema: schema, downstream: forward,
                                              resources: bucketResources, level: level.bucket(rows: rows, of: spill.rows), partitionInput: true)
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

extension HashAggregateExec {
    /// Whether the aggregate holds rows (in its table or its partitions).
    var holdsRows: Bool { table.count > 0 || (partitions?.totalRows ?? 0) > 0 }

    /// Final mode with hash partitions holding all the input (the table emptied into them, their
    /// bytes reserved): each partition is aggregated by a table sized for its rows.
    func finishPartitions() throws {
        guard let partitions else { return }
        partitions.sealPending()
        // Small partitions give small pieces: joined into batches, they do not burden what follows.
        let forward = ForwardingConsumer(downstream, coalescing: ColumnarBatch.defaultCapacity)
        for p in 0..<partitions.count where partitions.rows[p] > 0 && !forward.stopped {
            var partitionResources = resources
            partitionResources?.expectedRows = partitions.rows[p]
            let aggregate = HashAggregateExec(mode: .final, keys: keys, aggregates: aggregates, schema: schema, downstream: forward,
                                              resources: partitionResources, level: level, partitionInput: false)
            defer {
                spillCount += aggregate.spillCount
                memoryBytesSpilled += aggregate.memoryBytesSpilled
                diskBytesSpilled += aggregate.diskBytesSpilled
            }
            try partitions.forEachBatch(ofPartition: p, schema: partialSchema) { try aggregate.consume($0, keyHashes: $1) }
            try aggregate.finish()
        }
        do { try forward.flush() } catch is PipelineStop {}
        _ = partitions.takeAll()
        self.partitions = nil
        memory.release()
        try downstream.finish()
    }
}

/// Passes batches on but not the end of input (bucket aggregates share one downstream); remembers
/// a downstream that wanted no more (PipelineStop), so the rest of the buckets are not aggregated.
/// With `coalescing` rows, smaller batches are held and passed on joined (``flush()`` sends the rest).
final class ForwardingConsumer: BatchConsumer {
    let downstream: any BatchConsumer
    let coalescing: Int
    private(set) var stopped = false
    private var held: [ColumnarBatch] = []
    private var heldRows = 0
    init(_ downstream: any BatchConsumer, coalescing: Int = 0) {
        self.downstream = downstream
        self.coalescing = coalescing
    }
    func consume(_ batch: ColumnarBatch) throws {
        if stopped { throw PipelineStop() }
        guard coalescing > 0 else { return try forward(batch) }
        held.append(batch)
        heldRows += batch.numRows
        if heldRows >= coalescing { try flush() }
    }
    /// Passes on what is held, joined into one batch.
    func flush() throws {
        guard !held.isEmpty else { return }
        let joined = held.count == 1 ? held[0] : ColumnarBatch.concat(held, schema: held[0].schema)
        held = []
        heldRows = 0
        try forward(joined)
    }
    private func forward(_ batch: ColumnarBatch) throws {
        do { try downstream.consume(batch) } catch let stop as PipelineStop {
            stopped = true
            throw stop
        }
    }
    func finish() throws {}
}
