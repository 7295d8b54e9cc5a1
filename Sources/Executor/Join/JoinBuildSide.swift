// JoinBuildSide: collects a hash join's build rows under the task's memory reservation, then turns
// them into a JoinHashTable. When a hash join's build side does not fit, it is sorted instead (an
// ExternalSorter, which spills) and the join runs as a sort-merge join; a sort-merge join's build
// side is sorted from the start. Only a nested-loop join (no keys) whose build side does not fit
// fails the task with OUT_OF_MEMORY, saying how big it was and what to change.

@_spi(EmberInternal) import Planner

final class JoinBuildSide: BatchConsumer {
    let spec: HashJoinSpec
    let schema: StructType
    let keys: [BoundExpression]
    let memory: (any MemoryReservation)?
    let resources: SortResources?
    /// Set when the build side is sorted for a sort-merge join.
    private(set) var sorter: ExternalSorter?
    private var batches: [ColumnarBatch] = []
    private var heldBytes = 0
    private(set) var reservedBytes = 0
    private(set) var table: JoinHashTable?
    private(set) var rowCount = 0

    init(spec: HashJoinSpec, schema: StructType, resources: SortResources?) {
        self.spec = spec
        self.schema = schema
        self.keys = spec.buildSide == .left ? spec.leftKeys : spec.rightKeys
        self.memory = resources?.memory
        self.resources = resources
        if spec.strategy == .sortMerge { sorter = ExternalSorter(orders: SortMergeJoin.orders(keys), schema: schema, resources: resources) }
    }

    /// A hash join with keys can become a sort-merge join. For a broadcast that means each task
    /// sorts the whole build side and merges its own probe partition with it: still right, since a
    /// broadcast join never emits unmatched build rows (full outer joins are not broadcast).
    var canSortInstead: Bool { (spec.strategy == .shuffledHash || spec.strategy == .broadcastHash) && !keys.isEmpty }

    func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        rowCount += batch.numRows
        if let sorter { return try sorter.insert(batch) }
        guard try reserveOrSort(heldBytes + batch.memoryBytes) else { return try sorter!.insert(batch) }
        heldBytes += batch.memoryBytes
        batches.append(batch)
    }

    /// Reserves `total` bytes; false when the memory was refused and the build side is now sorted.
    private func reserveOrSort(_ total: Int) throws -> Bool {
        if try reserve(total) { return true }
        guard canSortInstead else { throw doesNotFit(total) }
        let held = batches
        batches = []
        heldBytes = 0
        release(down: 0)
        let sorter = ExternalSorter(orders: SortMergeJoin.orders(keys), schema: schema, resources: resources)
        self.sorter = sorter
        for b in held { try sorter.insert(b) }
        return false
    }

    func finish() throws {
        if sorter != nil { return }
        let overhead = JoinHashTable.overheadBytes(rows: rowCount)
        // Concatenating briefly holds the batches twice.
        guard try reserveOrSort(heldBytes * 2 + overhead) else { return }
        let all = ColumnarBatch.concat(batches, schema: schema)
        batches = []
        table = try JoinHashTable(rows: all, keyExpressions: keys, nullSafe: spec.nullSafe)
        release(down: all.memoryBytes + overhead)
    }

    /// Gives back everything (the task is over).
    func close() {
        table = nil
        sorter = nil
        batches = []
        release(down: 0)
    }

    /// Grows the reservation to `total` bytes; false when refused. The table cannot be asked to
    /// spill, so it holds no more than its fair share of the task's memory.
    private func reserve(_ total: Int) throws -> Bool {
        guard let memory, total > reservedBytes else { return true }
        guard total <= memory.fairShare, try memory.tryGrow(total - reservedBytes) else { return false }
        reservedBytes = total
        return true
    }

    private func doesNotFit(_ total: Int) -> EmberError {
        EmberError(.outOfMemory,
                   "the \(spec.strategy.rawValue)'s build side (\(spec.buildSide == .left ? "left" : "right"), "
                   + "\(rowCount) rows so far, \(total >> 20) MiB) does not fit in the task's execution memory",
                   context: [.init("memory", memory?.usageReport ?? "unbounded")],
                   hint: spec.strategy == .shuffledHash
                      ? "raise spark.sql.shuffle.partitions so each partition's build side is smaller, or give executors more memory"
                      : "lower spark.sql.autoBroadcastJoinThreshold (or drop the broadcast hint) so the join shuffles, or give executors more memory")
    }

    private func release(down total: Int) {
        guard let memory, reservedBytes > total else { return }
        memory.shrink(reservedBytes - total)
        reservedBytes = total
    }
}
