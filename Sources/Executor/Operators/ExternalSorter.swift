// ExternalSorter: sorts a partition's rows within a memory reservation (Spark's
// UnsafeExternalSorter). Rows are buffered while the reservation covers them; when it is refused,
// the buffer is sorted into a run on disk (SpilledRun) and its memory given back. At the end the
// runs and the in-memory tail are merged (SortedMerge), each run read a chunk at a time.
//
//   insert: buffer ──reserve(bytes + per-row sort overhead)──► refused? sort → SpilledRun, release
//   finish: no spill:  sort the buffer, emit it
//           spills:    tail + runs ≤ fan-in → one merge; more → passes that merge each fan-in
//                      consecutive runs into one (so ties keep input order), then the last merge
//
// The fan-in is what the reservation grants at one chunk per run (at least 2, at most 64), so the
// merge holds about fan-in × SpilledRun.chunkBytes. Stable: ties keep input order (runs are
// merged in input order and the merge prefers the earlier run).
//
// While it takes input, the sorter also spills when another consumer of its task needs the memory
// (a merge join's other side, the shuffle writer it feeds); once it emits, it holds what it has.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

/// What a sort may use besides its input: memory and a directory for spills, as an aggregate.
@_spi(EmberInternal) public typealias SortResources = AggregateResources

final class ExternalSorter: Spillable {
    static let maxFanIn = 64
    /// Bytes per buffered row for the sort itself (prefixes, position, the sort's merge buffer and the
    /// order arrays: about 36 at the peak, SortedRows).
    static let perRowOverhead = 40

    let orders: [BoundSortOrder]
    let schema: StructType
    let resources: SortResources?
    private var memory: TableReservation
    private var buffered: [ColumnarBatch] = []
    private var bufferedBytes = 0
    private var runs: [SpilledRun] = []
    private var writer: SpillWriter?
    /// Rows may still be inserted (no output was asked for yet).
    private var accepting = true
    /// Inside `insert`: the buffer is being changed, so it cannot be spilled for someone else.
    private var inserting = false

    private(set) var spillCount = 0
    private(set) var memoryBytesSpilled: Int64 = 0
    var diskBytesSpilled: Int64 { writer?.bytesWritten ?? 0 }

    init(orders: [BoundSortOrder], schema: StructType, resources: SortResources?) {
        self.orders = orders
        self.schema = schema
        self.resources = resources
        memory = TableReservation(resources?.memory)
        resources?.memory?.register(spiller: self)
    }

    deinit {
        memory.release()
        for run in runs { run.remove() }
    }

    static func bytes(of batch: ColumnarBatch) -> Int { batch.memoryBytes + batch.numRows * perRowOverhead }

    func insert(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        let needed = Self.bytes(of: batch)
        inserting = true
        defer { inserting = false }
        if try !memory.cover(bufferedBytes + needed) {
            if !buffered.isEmpty { try spill() }
            if try !memory.cover(needed) {
                // Not even this batch fits alone: it becomes a run of its own.
                buffered = [batch]
                bufferedBytes = needed
                try spill()
                return
            }
        }
        buffered.append(batch)
        bufferedBytes += needed
    }

    /// Spills the buffer when another consumer of the task needs memory, if rows are still being
    /// taken; returns the bytes given back.
    func spillForOtherConsumer() throws -> Int {
        guard accepting, !inserting, !buffered.isEmpty, resources?.spillDirectory != nil else { return 0 }
        let held = memory.reserved
        try spill()
        return held
    }

    /// Sorts the buffer into a run on disk and gives its memory back.
    private func spill() throws {
        if writer == nil {
            writer = try SpilledRun.writer(resources, what: "the sort's rows", operator: "Sort", owner: "sort", schema: schema, bufferedBytes: bufferedBytes)
        }
        let sorted = try SortedRows(buffered, orders: orders, schema: schema)
        let run = SpilledRun()
        runs.append(run)
        try run.append(sorted.sources, batchOf: sorted.batchOf, rowOf: sorted.rowOf, writer: writer!)
        memoryBytesSpilled += Int64(bufferedBytes)
        spillCount += 1
        buffered = []
        bufferedBytes = 0
        memory.release()
    }

    /// Emits every row in order; stops early when `consume` returns false.
    func finish(_ consume: (ColumnarBatch) throws -> Bool) throws {
        accepting = false
        try shedToFairShare()
        defer {
            for run in runs { run.remove() }
            runs = []
            memory.release()
        }
        let tail = try SortedRows(buffered, orders: orders, schema: schema)
        buffered = []
        guard !runs.isEmpty else {
            var source = SortedRowsSource(tail)
            while let batch = try source.nextBatch() { guard try consume(batch) else { return } }
            return
        }
        var fanIn = try reserveFanIn(runs.count + 1)
        if runs.count + 1 > fanIn {
            // Merge passes need every run on disk: the tail becomes a run too.
            try spillTail(tail)
            fanIn = try reserveFanIn(runs.count)
            while runs.count > fanIn { try mergePass(fanIn) }
            let reader = SharedSpillReader(schema: schema)
            try merge(runs.map { .spilled(SpilledRunSource($0, reader: reader)) }, consume)
            return
        }
        let reader = SharedSpillReader(schema: schema)
        var sources = runs.map { SortRunSource.spilled(SpilledRunSource($0, reader: reader)) }
        sources.append(.memory(SortedRowsSource(tail)))
        try merge(sources, consume)
    }

    /// Writes the sorted in-memory tail as one more run and gives its memory back.
    private func spillTail(_ tail: SortedRows) throws {
        if tail.count > 0 {
            let run = SpilledRun()
            try run.append(tail.sources, batchOf: tail.batchOf, rowOf: tail.rowOf, writer: writer!)
            runs.append(run)
            memoryBytesSpilled += Int64(bufferedBytes)
            spillCount += 1
        }
        bufferedBytes = 0
        memory.release()
    }

    /// Every row in order, as a source to pull from (a merge join reads two at once). After spills
    /// the runs are first merged into one on disk; the sorter must live while the source is read.
    func sortedSource() throws -> SortRunSource {
        accepting = false
        try shedToFairShare()
        let tail = try SortedRows(buffered, orders: orders, schema: schema)
        buffered = []
        guard !runs.isEmpty else { return .memory(SortedRowsSource(tail)) }   // the buffer's memory stays reserved
        try spillTail(tail)
        while runs.count > 1 {
            memory.release()   // each pass reserves its own fan-in
            try mergePass(try reserveFanIn(runs.count))
        }
        memory.release()
        _ = try memory.cover(SpilledRun.chunkBytes)   // the one run is read a chunk at a time
        return .spilled(SpilledRunSource(runs[0], reader: SharedSpillReader(schema: schema)))
    }

    /// Once it emits, the sorter cannot be asked to spill: above its fair share of the task's
    /// memory it spills its buffer first, so the operator it feeds finds room.
    private func shedToFairShare() throws {
        guard !buffered.isEmpty, !memory.withinFairShare(memory.reserved), resources?.spillDirectory != nil else { return }
        try spill()
    }

    /// Gives back its memory and deletes its runs (its rows were all read).
    func close() {
        buffered = []
        bufferedBytes = 0
        for run in runs { run.remove() }
        runs = []
        memory.release()
    }

    /// Reserves one chunk per run for up to `runs` runs; returns how many runs a merge may read.
    private func reserveFanIn(_ runs: Int) throws -> Int {
        var granted = 0
        var wanted = memory.reserved
        while granted < min(runs, Self.maxFanIn) {
            wanted += SpilledRun.chunkBytes
            // Held while emitting, when it cannot be given back: beyond two runs, within the fair share.
            guard granted < 2 || memory.withinFairShare(wanted), try memory.cover(wanted) else { break }
            granted += 1
        }
        return max(2, granted)
    }

    /// Merges each `fanIn` consecutive runs into one run that takes their place.
    private func mergePass(_ fanIn: Int) throws {
        runs = try stride(from: 0, to: runs.count, by: fanIn).map { start in
            let group = Array(runs[start..<min(start + fanIn, runs.count)])
            return group.count == 1 ? group[0] : try mergeRuns(group)
        }
    }

    /// Merges runs into one new run (and deletes them).
    private func mergeRuns(_ group: [SpilledRun]) throws -> SpilledRun {
        let merged = SpilledRun()
        let reader = SharedSpillReader(schema: schema)
        var segment: [ColumnarBatch] = []
        var segmentBytes = 0
        try merge(group.map { .spilled(SpilledRunSource($0, reader: reader)) }) { batch in
            segment.append(batch)
            segmentBytes += batch.memoryBytes
            if segmentBytes >= SpilledRun.chunkBytes * 16 {
                try merged.append(sorted: segment, writer: writer!)
                segment = []
                segmentBytes = 0
            }
            return true
        }
        try merged.append(sorted: segment, writer: writer!)
        for run in group { run.remove() }
        return merged
    }

    private func merge(_ sources: [SortRunSource], _ consume: (ColumnarBatch) throws -> Bool) throws {
        try SortedMerge.merge(sources, orders: orders, schema: schema, consume)
    }
}
