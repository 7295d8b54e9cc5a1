// WindowGroupBuffer: the rows of one window partition group (all rows with equal PARTITION BY
// values), appended in order and read back by forward cursors (Spark's
// ExternalAppendOnlyUnsafeRowArray). Batches stay in memory while the task's memory manager grants
// them; when it refuses, the batches held so far are written to disk as one more segment of a
// sorted run (SpilledRun, chunks of ≈256 KiB) and their memory is given back, so a group of any
// size fits in any memory:
//
//   append:  memory [b0 b1 …] ──reserve refused──► spilled run (segments, in order) ++ memory [bk …]
//   read:    GroupCursor: the spilled run a chunk at a time, then the batches in memory
//
// While rows are appended, another operator of the task may ask the buffer to spill; once its rows
// are being read it holds what it has.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class WindowGroupBuffer {
    let schema: StructType
    let resources: AggregateResources?
    private var memory: TableReservation
    private(set) var batches: [ColumnarBatch] = []
    private var bufferedBytes = 0
    private(set) var spilled: SpilledRun?
    private var writer: SpillWriter?
    /// Rows held, on disk and in memory.
    private(set) var count = 0
    private(set) var spilledRows = 0
    /// Rows are being read: the buffer cannot spill for someone else.
    private(set) var reading = false
    private var appending = false

    private(set) var spillCount = 0
    private(set) var memoryBytesSpilled: Int64 = 0
    var diskBytesSpilled: Int64 { writer?.bytesWritten ?? 0 }

    init(schema: StructType, resources: AggregateResources?) {
        self.schema = schema
        self.resources = resources
        memory = TableReservation(resources?.memory)
    }

    deinit {
        spilled?.remove()
        memory.release()
    }

    func append(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        appending = true
        defer { appending = false }
        let needed = batch.memoryBytes
        if try !memory.cover(bufferedBytes + needed) {
            if !batches.isEmpty { try spill() }
            if try !memory.cover(needed) {
                // Not even this batch fits alone: it goes to disk on its own.
                batches = [batch]
                bufferedBytes = needed
                count += batch.numRows
                try spill()
                return
            }
        }
        batches.append(batch)
        bufferedBytes += needed
        count += batch.numRows
    }

    /// Spills the batches in memory when another consumer needs the memory, if rows are not being read.
    func spillForOtherConsumer() throws -> Int {
        guard !reading, !appending, !batches.isEmpty, resources?.spillDirectory != nil else { return 0 }
        let held = memory.reserved
        try spill()
        return held
    }

    /// Before its rows are read (when it can no longer be asked to spill): above its fair share of
    /// the task's memory, the buffer spills first, so the operators its rows flow into find room.
    func startReading() throws {
        if !batches.isEmpty, !memory.withinFairShare(memory.reserved), resources?.spillDirectory != nil { try spill() }
        reading = true
    }

    /// Writes the batches in memory after the rows already on disk and gives their memory back.
    private func spill() throws {
        if writer == nil {
            writer = try SpilledRun.writer(resources, what: "a window partition's rows", operator: "Window", owner: "window", schema: schema,
                                           bufferedBytes: bufferedBytes)
        }
        let run = spilled ?? SpilledRun()
        try run.append(sorted: batches, writer: writer!)
        spilled = run
        spilledRows += batches.reduce(0) { $0 + $1.numRows }
        memoryBytesSpilled += Int64(bufferedBytes)
        spillCount += 1
        batches = []
        bufferedBytes = 0
        memory.release()
    }

    /// Forgets the group's rows (deleting its spill files) and gives their memory back.
    func clear() {
        spilled?.remove()
        spilled = nil
        batches = []
        bufferedBytes = 0
        count = 0
        spilledRows = 0
        reading = false
        memory.release()
    }

    func cursor() -> GroupCursor { GroupCursor(self) }
}

/// Reads a group's rows forward from the first: `seek(row)` moves to a row at or after the current
/// one, and the batch holding it is at hand (`batch`, `index`). Holds one chunk of spilled rows.
struct GroupCursor {
    private let buffer: WindowGroupBuffer
    private var spilledSource: SpilledRunSource?
    private var nextMemoryBatch = 0
    /// The batch holding the current row, and the group row index of its first row.
    private(set) var batch: ColumnarBatch? = nil
    private(set) var batchStart = 0
    /// The current row (group row index); -1 before the first seek.
    private(set) var row = -1

    init(_ buffer: WindowGroupBuffer) {
        self.buffer = buffer
        spilledSource = buffer.spilled.map { SpilledRunSource($0, reader: SharedSpillReader(schema: buffer.schema)) }
    }

    /// Row `row` within the current batch.
    var index: Int { row - batchStart }

    /// Moves to group row `target` (at or after the current row, below the group's count).
    mutating func seek(_ target: Int) throws {
        guard target >= row else { throw EmberError(.internal, "window group cursor asked to move back from row \(row) to \(target)") }
        row = target
        while batch == nil || target >= batchStart + batch!.numRows {
            let start = batch.map { batchStart + $0.numRows } ?? 0
            guard let next = try nextBatch() else {
                throw EmberError(.internal, "window group cursor moved past the group's \(buffer.count) rows to row \(target)")
            }
            batch = next
            batchStart = start
        }
    }

    private mutating func nextBatch() throws -> ColumnarBatch? {
        while var source = spilledSource {
            let b = try source.nextBatch()
            spilledSource = b == nil ? nil : source
            if let b, b.numRows > 0 { return b }
        }
        while nextMemoryBatch < buffer.batches.count {
            let b = buffer.batches[nextMemoryBatch]
            nextMemoryBatch += 1
            if b.numRows > 0 { return b }
        }
        return nil
    }

    /// The current row's value in column `c`.
    func value(_ c: Int) -> Value { batch!.columns[c].value(at: index) }
    func isNull(_ c: Int) -> Bool { batch!.columns[c].isNull(index) }
}
