// JoinBuildSide: collects a hash join's build rows under the task's memory reservation, then turns
// them into a JoinHashTable. A build side that does not fit fails the task with OUT_OF_MEMORY and
// says how big it was and what to change.

import Planner

final class JoinBuildSide: BatchConsumer {
    let spec: HashJoinSpec
    let schema: StructType
    let keys: [BoundExpression]
    let memory: (any MemoryReservation)?
    private var batches: [ColumnarBatch] = []
    private var heldBytes = 0
    private(set) var reservedBytes = 0
    private(set) var table: JoinHashTable?
    private(set) var rowCount = 0

    init(spec: HashJoinSpec, schema: StructType, memory: (any MemoryReservation)?) {
        self.spec = spec
        self.schema = schema
        self.keys = spec.buildSide == .left ? spec.leftKeys : spec.rightKeys
        self.memory = memory
    }

    func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        try reserve(heldBytes + batch.memoryBytes)
        heldBytes += batch.memoryBytes
        rowCount += batch.numRows
        batches.append(batch)
    }

    func finish() throws {
        let overhead = JoinHashTable.overheadBytes(rows: rowCount)
        // Concatenating briefly holds the batches twice.
        try reserve(heldBytes * 2 + overhead)
        let all = ColumnarBatch.concat(batches, schema: schema)
        batches = []
        table = try JoinHashTable(rows: all, keyExpressions: keys, nullSafe: spec.nullSafe)
        release(down: all.memoryBytes + overhead)
    }

    /// Gives back everything (the task is over).
    func close() {
        table = nil
        batches = []
        release(down: 0)
    }

    private func reserve(_ total: Int) throws {
        guard let memory, total > reservedBytes else { return }
        guard memory.tryGrow(total - reservedBytes) else {
            throw EmberError(.outOfMemory,
                             "the \(spec.strategy.rawValue)'s build side (\(spec.buildSide == .left ? "left" : "right"), "
                             + "\(rowCount) rows so far, \(total >> 20) MiB) does not fit in the task's execution memory",
                             hint: spec.strategy == .shuffledHash
                                ? "raise spark.sql.shuffle.partitions so each partition's build side is smaller, or give executors more memory"
                                : "lower spark.sql.autoBroadcastJoinThreshold (or drop the broadcast hint) so the join shuffles, or give executors more memory")
        }
        reservedBytes = total
    }

    private func release(down total: Int) {
        guard let memory, reservedBytes > total else { return }
        memory.shrink(reservedBytes - total)
        reservedBytes = total
    }
}
