// PartitionedRun: writes a map task's buffered batches grouped by reduce partition, as zstd frames.
//
//   buffered batches b0 b1 b2 …  + their partition ids
//        │ counting sort of (batch, row) pairs by partition id          (8 bytes per row)
//        ▼
//   partition p: rows (b0,3) (b0,9) (b2,1) …
//        │ chunks of ≈ frameSize encoded bytes: gather rows from all batches → BatchCodec → zstd frame
//        ▼
//   file: [frame][frame] (p0) | [frame] (p1) | … appended at the file's end
//
// Used both for spill runs and for the final data file: partition p's bytes are complete frames,
// so runs merge by concatenating each partition's segments (Spark's fast merge).

import Foundation
@_spi(EmberInternal) import Planner

/// Per-partition byte and row counts of a written run.
struct RunLayout {
    var lengths: [Int64]
    var rows: [Int64]
}

final class PartitionedRun {
    let numPartitions: Int
    let schema: StructType
    let frameSize: Int
    /// The first bytes of each encoded batch: BatchCodec's, or its raw-rows magic.
    let magic: UInt32
    private let compressor: ZstdCompressor
    private let batches: [ColumnarBatch]
    /// columnSources[c][b] = column c of batch b.
    private let columnSources: [[ColumnVector]]
    /// Rows of partition p are entries `starts[p] ..< starts[p + 1]` of `sourceBatch` / `sourceRow`.
    private var starts: [Int]
    private var sourceBatch: [Int32]
    private var sourceRow: [Int32]
    private let rowsPerChunk: Int
    /// Uncompressed encoded bytes produced so far (what "MB/s of encoded bytes" measures).
    private(set) var encodedBytes: Int64 = 0
    /// Time the task thread spent gathering + encoding, waiting for compression, and writing.
    private(set) var timing = WriterTiming()

    /// Groups the rows of `batches` by their partition ids.
    /// `rawRows`: the batches are a Partial aggregate's raw rows (of `schema`), encoded with
    /// BatchCodec.rawRowsMagic.
    init(batches: [ColumnarBatch], partitionIds: [[Int32]], numPartitions: Int, schema: StructType, frameSize: Int,
         compressor: ZstdCompressor, rawRows: Bool = false) {
        magic = rawRows ? BatchCodec.rawRowsMagic : BatchCodec.magic
        self.numPartitions = numPartitions
        self.schema = schema
        self.frameSize = frameSize
        self.compressor = compressor
        self.batches = batches
        self.columnSources = (0..<schema.count).map { c in batches.map { $0.columns[c] } }
        let sortStart = DispatchTime.now().uptimeNanoseconds
        defer { timing.sortNanos = DispatchTime.now().uptimeNanoseconds - sortStart }
        let total = partitionIds.reduce(0) { $0 + $1.count }
        var counts = [Int](repeating: 0, count: numPartitions + 1)
        for ids in partitionIds { for id in ids { counts[Int(id) + 1] &+= 1 } }
        for p in 0..<numPartitions { counts[p + 1] &+= counts[p] }
        starts = counts
        var next = counts
        var batchOut = [Int32](repeating: 0, count: total)
        var rowOut = [Int32](repeating: 0, count: total)
        batchOut.withUnsafeMutableBufferPointer { bo in
            rowOut.withUnsafeMutableBufferPointer { ro in
                for (b, ids) in partitionIds.enumerated() {
                    ids.withUnsafeBufferPointer { idp in
                        for r in 0..<idp.count {
                            let p = Int(idp[r])
                            let at = next[p]
                            bo[at] = Int32(truncatingIfNeeded: b)
                            ro[at] = Int32(truncatingIfNeeded: r)
                            next[p] = at &+ 1
                        }
                    }
                }
            }
        }
        sourceBatch = batchOut
        sourceRow = rowOut
        rowsPerChunk = Self.rowsPerChunk(batches, rows: total, frameSize: frameSize)
    }

    /// Rows already in order (an external sort's run): row k is row `rowOf[k]` of
    /// `batches[batchOf[k]]`, and each `rowsPerPartition` consecutive rows form one partition.
    init(batches: [ColumnarBatch], batchOf: [Int32], rowOf: [Int32], rowsPerPartition: Int, schema: StructType,
         frameSize: Int, compressor: ZstdCompressor) {
        magic = BatchCodec.magic
        let total = rowOf.count
        let perPartition = Swift.max(1, rowsPerPartition)
        self.numPartitions = (total + perPartition - 1) / perPartition
        self.schema = schema
        self.frameSize = frameSize
        self.compressor = compressor
        self.batches = batches
        self.columnSources = (0..<schema.count).map { c in batches.map { $0.columns[c] } }
        starts = (0...numPartitions).map { Swift.min($0 * perPartition, total) }
        sourceBatch = batchOf
        sourceRow = rowOf
        rowsPerChunk = Self.rowsPerChunk(batches, rows: total, frameSize: frameSize)
    }

    /// Rows per frame: about `frameSize` bytes of the batches' average row.
    private static func rowsPerChunk(_ batches: [ColumnarBatch], rows: Int, frameSize: Int) -> Int {
        let bytes = batches.reduce(0) { $0 + $1.memoryBytes }
        let averageRow = rows == 0 ? 64 : Swift.max(1, bytes / rows)
        return Swift.max(1, frameSize / averageRow)
    }

    var rowCount: Int { sourceRow.count }

    func rows(of p: Int) -> Int64 { Int64(starts[p + 1] - starts[p]) }

    /// Writes every partition's frames to `file` in partition order. Before partition p's own frames,
    /// `before(p)` may append bytes (the spill runs' segments of p) and returns how many.
    func write(to file: BackgroundFileWriter, before: (Int) throws -> Int64 = { _ in 0 }) throws -> RunLayout {
        var layout = RunLayout(lengths: [Int64](repeating: 0, count: numPartitions), rows: (0..<numPartitions).map(rows(of:)))
        let pipeline = FramePipeline(compressor: compressor, chunkCapacity: frameSize)
        defer { pipeline.discard() }   // stops its thread if an error ends the write early
        var writeNanos: UInt64 = 0
        let output: (FramePipeline.Item) throws -> Void = { item in
            let t = DispatchTime.now().uptimeNanoseconds
            switch item {
            case .marker(let p):
                layout.lengths[p] += try before(p)
            case .chunk(let p, let frame):
                try file.append(frame.bytes)
                layout.lengths[p] += Int64(frame.count)
                pipeline.recycle(frame: frame)
            }
            writeNanos += DispatchTime.now().uptimeNanoseconds - t
        }
        for p in 0..<numPartitions {
            try pipeline.submit(.marker(partition: p), output: output)
            var start = starts[p]
            let end = starts[p + 1]
            while start < end {
                let stop = Swift.min(end, start + rowsPerChunk)
                let t0 = DispatchTime.now().uptimeNanoseconds
                let buffer = pipeline.inputBuffer()
                sourceBatch.withUnsafeBufferPointer { bp in
                    sourceRow.withUnsafeBufferPointer { rp in
                        GatherEncoder.encode(columns: columnSources, schema: schema, batch: UnsafeBufferPointer(rebasing: bp[start..<stop]),
                                             rows: UnsafeBufferPointer(rebasing: rp[start..<stop]), magic: magic, into: buffer)
                    }
                }
                encodedBytes += Int64(buffer.count)
                timing.gatherEncodeNanos += DispatchTime.now().uptimeNanoseconds - t0
                let t1 = DispatchTime.now().uptimeNanoseconds
                let before = writeNanos
                try pipeline.submit(.chunk(partition: p, buffer: buffer), output: output)
                timing.compressNanos += DispatchTime.now().uptimeNanoseconds - t1 - (writeNanos - before)
                start = stop
            }
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        let before = writeNanos
        try pipeline.finish(output: output)
        timing.compressNanos += DispatchTime.now().uptimeNanoseconds - t2 - (writeNanos - before)
        timing.outputNanos += writeNanos
        return layout
    }
}

/// Copies byte ranges between files through one reused buffer.
struct SegmentCopier {
    private let buffer = ScratchBuffer()
    static let chunk = 4 << 20

    func copy(from source: PosixFile, offset: Int64, length: Int64, to target: BackgroundFileWriter) throws {
        var done: Int64 = 0
        let p = try buffer.reserve(Int(Swift.min(length, Int64(Self.chunk))))
        while done < length {
            let n = Int(Swift.min(Int64(Self.chunk), length - done))
            try source.read(into: p, count: n, at: offset + done)
            try target.append(UnsafeRawBufferPointer(start: p, count: n))
            done += Int64(n)
        }
    }
}

/// Where a shuffle writer's time went (nanoseconds), reported by `ember bench shuffle`.
@_spi(EmberInternal) public struct WriterTiming: Sendable {
    @_spi(EmberInternal) public var sortNanos: UInt64 = 0
    @_spi(EmberInternal) public var gatherEncodeNanos: UInt64 = 0
    @_spi(EmberInternal) public var compressNanos: UInt64 = 0
    @_spi(EmberInternal) public var outputNanos: UInt64 = 0
    @_spi(EmberInternal) public init() {}
    static func + (a: WriterTiming, b: WriterTiming) -> WriterTiming {
        var c = a
        c.sortNanos += b.sortNanos
        c.gatherEncodeNanos += b.gatherEncodeNanos
        c.compressNanos += b.compressNanos
        c.outputNanos += b.outputNanos
        return c
    }
}
