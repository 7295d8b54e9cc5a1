// HashAggregateExec: hash aggregation in Partial mode (raw rows → keys ++ buffers, before the
// shuffle) or Final mode (keys ++ buffers → keys ++ results, after it), within a memory reservation.
//
//   per batch:  keys ──GroupTable──► group ids ──► each Accumulator folds its column by group id
//               then reserve memory for the table's growth; when refused:
//                 Partial: emit the table downstream as partial rows and start a new one
//                 Final:   spill the table's rows into hash buckets (AggregateSpill), start anew
//   finish:     GroupTable.keyColumns() ++ accumulator buffers (Partial) or results (Final);
//               after spills, each bucket is aggregated on its own (less memory each)
//
// Partial aggregation backs off: after 100,000 rows, if the table holds more than 1 group per
// 1.05 rows (it barely reduces anything), the table is emitted and later rows pass straight
// through as one-row partial buffers (PartialPassThrough), leaving the work to the Final side.
//
// An aggregate without keys has exactly one group, which exists even with no input (so count()
// of nothing is 0, sum of nothing is null).

import Planner

/// What an aggregate may use besides its input: memory and a directory for spills.
public struct AggregateResources {
    public var memory: (any MemoryReservation)?
    public var spillDirectory: String?
    /// Unique per task: names spill files.
    public var taskId: TaskID
    public init(memory: (any MemoryReservation)?, spillDirectory: String?, taskId: TaskID) {
        self.memory = memory
        self.spillDirectory = spillDirectory
        self.taskId = taskId
    }
}

public final class HashAggregateExec: BatchConsumer {
    // PROPERTIES
    let mode: AggregateMode
    let keys: [BoundExpression]
    let aggregates: [BoundAggregate]
    let schema: StructType
    let downstream: any BatchConsumer
    let resources: AggregateResources?
    /// Where each aggregate's buffer columns start in the Final-mode input.
    let bufferOffsets: [Int]
    /// Spill recursion depth (0 for the operator in the plan; buckets are aggregated at depth + 1).
    let depth: Int

    // STATE
    var table: GroupTable
    var accumulators: [any Accumulator]
    var groupIds: [Int32] = []
    var reserved = 0
    var rowsSeen = 0
    var passThrough = false
    var spill: AggregateSpill?

    // METRICS
    public private(set) var spillCount = 0
    /// In-memory bytes of the tables spilled (Spark's memoryBytesSpilled).
    public private(set) var memoryBytesSpilled: Int64 = 0
    public private(set) var peakReserved = 0

    static let backOffMinRows = 100_000
    static let backOffMinRowsPerGroup = 1.05

    public init(mode: AggregateMode, keys: [BoundExpression], aggregates: [BoundAggregate], schema: StructType,
                downstream: any BatchConsumer, resources: AggregateResources? = nil, depth: Int = 0) {
        self.mode = mode
        self.keys = keys
        self.aggregates = aggregates
        self.schema = schema
        self.downstream = downstream
        self.resources = resources
        self.depth = depth
        var offsets: [Int] = []
        var next = keys.count
        for a in aggregates {
            offsets.append(next)
            next += a.bufferTypes.count
        }
        self.bufferOffsets = offsets
        (table, accumulators) = Self.freshState(keys: keys, aggregates: aggregates)
    }

    static func freshState(keys: [BoundExpression], aggregates: [BoundAggregate]) -> (GroupTable, [any Accumulator]) {
        let table = GroupTable(keyTypes: keys.map(\.dataType))
        let accumulators = aggregates.map(makeAccumulator)
        if keys.isEmpty {
            table.ensureGlobalGroup()
            for acc in accumulators { acc.resize(1) }
        }
        return (table, accumulators)
    }

    deinit { releaseMemory() }

    public func consume(_ batch: ColumnarBatch) throws {
        let n = batch.numRows
        if n == 0 { return }
        if passThrough {
            try downstream.consume(try PartialPassThrough.convert(batch, keys: keys, aggregates: aggregates, schema: schema))
            return
        }
        if keys.isEmpty {
            if groupIds.count != n { groupIds = [Int32](repeating: 0, count: n) }
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
        rowsSeen += n
        if mode == .partial && !keys.isEmpty && rowsSeen >= Self.backOffMinRows
            && Double(rowsSeen) < Double(table.count) * Self.backOffMinRowsPerGroup {
            passThrough = true
            try emitTable(finishing: false)
            return
        }
        try reserveForGrowth()
    }

    /// Bytes the table and accumulators hold now (estimated).
    var stateBytes: Int {
        table.memoryBytes + table.count * aggregates.reduce(0) { $0 + 9 * $1.bufferTypes.count }
    }

    private func reserveForGrowth() throws {
        guard let memory = resources?.memory, !keys.isEmpty else { return }
        let needed = stateBytes
        if needed <= reserved { return }
        let step = Swift.max(needed - reserved, 1 << 20)
        if memory.tryGrow(step) {
            reserved += step
            peakReserved = Swift.max(peakReserved, reserved)
            return
        }
        // Refused: give the table away and start a new one.
        switch mode {
        case .partial: try emitTable(finishing: false)
        case .final: try spillTable()
        }
    }

    private func releaseMemory() {
        if reserved > 0 { resources?.memory?.shrink(reserved) }
        reserved = 0
    }

    private func resetState() {
        (table, accumulators) = Self.freshState(keys: keys, aggregates: aggregates)
        releaseMemory()
    }

    /// The table's rows in the partial format (keys ++ buffers).
    private func partialRows() -> ColumnarBatch {
        var columns = table.keyColumns()
        for acc in accumulators { columns.append(contentsOf: acc.buffers()) }
        return ColumnarBatch(schema: partialSchema, columns: columns, numRows: table.count)
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

    /// Partial mode: sends the table's rows downstream and starts over.
    private func emitTable(finishing: Bool) throws {
        let rows = partialRows()
        resetState()
        if finishing {
            try emitAll(chunked(rows), to: downstream)
        } else {
            for chunk in chunked(rows) where chunk.numRows > 0 { try downstream.consume(chunk) }
        }
    }

    /// Final mode: writes the table's rows into hash buckets on disk and starts over.
    private func spillTable() throws {
        guard let resources, let directory = resources.spillDirectory else {
            throw EmberError(.outOfMemory, "the aggregate's hash table does not fit in memory and there is nowhere to spill it",
                             hint: "give executors more memory or use more shuffle partitions")
        }
        if spill == nil {
            spill = try AggregateSpill(directory: directory, taskId: resources.taskId, depth: depth,
                                       keyCount: keys.count, schema: partialSchema, memory: resources.memory)
        }
        let rows = partialRows()
        memoryBytesSpilled += Int64(stateBytes)
        resetState()
        try spill!.add(rows)
        spillCount += 1
    }

    public func finish() throws {
        guard let spill else {
            switch mode {
            case .partial: try emitTable(finishing: true)
            case .final:
                var columns = table.keyColumns()
                for acc in accumulators { columns.append(acc.result()) }
                let output = ColumnarBatch(schema: schema, columns: columns, numRows: table.count)
                resetState()
                try emitAll(chunked(output), to: downstream)
            }
            return
        }
        // Final mode after spills: the remaining table joins the spill, then each bucket is aggregated alone.
        if table.count > 0 { try spillTable() }
        let forward = ForwardingConsumer(downstream)
        try spill.forEachBucket { batches in
            let bucket = HashAggregateExec(mode: .final, keys: keys, aggregates: aggregates, schema: schema,
                                           downstream: forward, resources: resources, depth: depth + 1)
            try batches { try bucket.consume($0) }
            try bucket.finish()
            spillCount += bucket.spillCount
            memoryBytesSpilled += bucket.memoryBytesSpilled
        }
        spill.remove()
        self.spill = nil
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
