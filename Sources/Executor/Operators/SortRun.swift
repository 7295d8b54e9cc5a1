// SortRun: an external sort's sorted run on disk, and the sources a merge reads runs from.
//
//   SpilledRun = segments (SpillFiles) in order; each segment's partitions are consecutive chunks
//   of the run (≈ `chunkBytes` of rows each), so a reader holds one chunk of a run at a time:
//
//   run:  segment 0 [chunk 0 | chunk 1 | …] ─ segment 1 [chunk 0 | …] ─ …   (one segment for a spill,
//                                                                           several for a merge pass)
//
// A spill writes one segment; a merge pass (more runs than a merge may read at once) writes its
// output as segments of about `segmentBytes` each while it merges.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class SpilledRun {
    /// In-memory bytes of rows per chunk (a reader holds one chunk per run).
    static let chunkBytes = 256 << 10
    private(set) var segments: [SpillFile] = []

    var rows: Int64 { segments.reduce(0) { $0 + $1.totalRows } }

    /// Rows per chunk for batches of this average row size.
    static func rowsPerChunk(bytes: Int, rows: Int) -> Int {
        rows == 0 ? 1024 : max(64, chunkBytes / max(1, bytes / rows))
    }

    /// Appends sorted rows (row k: row `rowOf[k]` of `batches[batchOf[k]]`) as one more segment.
    func append(_ batches: [ColumnarBatch], batchOf: [Int32], rowOf: [Int32], writer: SpillWriter) throws {
        guard !rowOf.isEmpty else { return }
        let bytes = batches.reduce(0) { $0 + $1.memoryBytes }
        let rows = batches.reduce(0) { $0 + $1.numRows }
        segments.append(try writer.writeOrdered(batches, batchOf: batchOf, rowOf: rowOf,
                                                rowsPerPartition: Self.rowsPerChunk(bytes: bytes, rows: rows)))
    }

    /// Appends batches already in order as one more segment.
    func append(sorted batches: [ColumnarBatch], writer: SpillWriter) throws {
        var batchOf: [Int32] = [], rowOf: [Int32] = []
        for (b, batch) in batches.enumerated() {
            batchOf.append(contentsOf: repeatElement(Int32(b), count: batch.numRows))
            rowOf.append(contentsOf: (0..<Int32(batch.numRows)))
        }
        try append(batches, batchOf: batchOf, rowOf: rowOf, writer: writer)
    }

    func remove() {
        for segment in segments { segment.remove() }
        segments = []
    }

    /// The writer of an operator's runs, or OUT_OF_MEMORY when it has nowhere to spill.
    static func writer(_ resources: AggregateResources?, what: String, operator name: String, owner: String, schema: StructType,
                       bufferedBytes: Int) throws -> SpillWriter {
        guard let resources, let directory = resources.spillDirectory else {
            throw EmberError(.outOfMemory, "\(what) do not fit in the memory the task may hold, and there is nowhere to spill them",
                             context: [.init("operator", name), .init("buffered bytes", String(bufferedBytes))],
                             hint: "give executors more memory or fewer cores each")
        }
        return try SpillWriter(directory: directory, owner: "task\(resources.taskId.value)-\(owner)", numPartitions: 1, schema: schema)
    }
}

/// One reader of spill files shared by the cursors of a merge (they read one at a time), so the
/// merge keeps one read buffer and one zstd context.
final class SharedSpillReader {
    var reader: ShuffleReader
    init(schema: StructType) { reader = ShuffleReader(schema: schema) }
}

/// Reads a spilled run a chunk at a time.
struct SpilledRunSource: SortedBatchSource {
    let run: SpilledRun
    let reader: SharedSpillReader
    private var segment = 0
    private var chunk = 0
    private var pending: [ColumnarBatch] = []

    init(_ run: SpilledRun, reader: SharedSpillReader) {
        self.run = run
        self.reader = reader
    }

    mutating func nextBatch() throws -> ColumnarBatch? {
        while pending.isEmpty {
            guard segment < run.segments.count else { return nil }
            let file = run.segments[segment]
            guard chunk < file.partitionCount else {
                segment += 1
                chunk = 0
                continue
            }
            var batches: [ColumnarBatch] = []
            try reader.reader.read(spill: file, partition: chunk) { batches.append($0) }
            pending = batches.reversed()
            chunk += 1
        }
        return pending.popLast()
    }
}

/// The rows an external sort still holds in memory, sorted, a batch at a time.
struct SortedRowsSource: SortedBatchSource {
    let rows: SortedRows
    private var next = 0
    private var gatherers: [ColumnGatherer]? = nil

    init(_ rows: SortedRows) { self.rows = rows }

    mutating func nextBatch() throws -> ColumnarBatch? {
        guard next < rows.count else { return nil }
        let end = min(next + ColumnarBatch.defaultCapacity, rows.count)
        defer { next = end }
        if gatherers == nil { gatherers = rows.gatherers() }
        return rows.batch(next..<end, gatherers: gatherers)
    }
}

/// Either kind of run, for one merge.
enum SortRunSource: SortedBatchSource {
    case spilled(SpilledRunSource)
    case memory(SortedRowsSource)

    mutating func nextBatch() throws -> ColumnarBatch? {
        switch self {
        case .spilled(var s):
            defer { self = .spilled(s) }
            return try s.nextBatch()
        case .memory(var s):
            defer { self = .memory(s) }
            return try s.nextBatch()
        }
    }
}
