// ShuffleBenchmark: measures the shuffle writer and reader against raw zstd on the same bytes.
//
// In-process (default): generated batches (key = hash(i) mod K, value = B random alphanumeric
// bytes) are partitioned and written by one ShuffleMapWriter within a memory budget, then every
// reduce partition is read back. The uncompressed bytes the writer produced are then compressed
// and decompressed by raw zstd (same level, same frame size) in one thread, so the ratios compare
// like with like. Distributed (`executors > 0`): the same data as a real job on executor processes,
// `range → select(key, value) → repartition(P, key) → count(*), sum(length(value))`, reporting each executor's peak RSS.

import CZstd
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

public struct ShuffleBenchmark {
    public struct Options: Sendable {
        public var rows = 2_000_000
        public var partitions = 64
        public var keys = 100_000
        public var valueBytes = 100
        /// 0 = in-process; otherwise the number of executor processes.
        public var executors = 0
        public var cores = 2
        /// Memory for the writer (in-process) or each executor (distributed).
        public var memory: Int64 = 256 << 20
        public var compressionLevel: Int32 = 1
        public var frameSize = ShuffleMapWriter.defaultFrameSize
        /// Timed rounds of the in-process benchmark; the best counts.
        public static let rounds = 5
        public init() {}
    }

    public struct Report: Sendable {
        public var rows: Int64 = 0
        public var encodedBytes: Int64 = 0
        public var compressedBytes: Int64 = 0
        public var writeSeconds = 0.0
        public var readSeconds = 0.0
        public var writeSecondsMedian = 0.0
        public var readSecondsMedian = 0.0
        public var rawCompressSeconds = 0.0
        public var rawDecompressSeconds = 0.0
        public var rawSampleBytes: Int64 = 0
        public var spills = 0
        public var peakRSS: [String: Int64] = [:]
        public var jobSeconds = 0.0
        package var timing = WriterTiming()
    }

    public static func run(_ o: Options) throws -> Report {
        o.executors > 0 ? try runDistributed(o) : try runInProcess(o)
    }

    // MARK: in-process

    static func makeBatch(start: Int, count: Int, o: Options, schema: StructType) -> ColumnarBatch {
        let ids = ColumnVector(.long((start..<(start + count)).map { Int64($0) }))
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows([ids], numRows: count, seed: 99, into: &hashes)
        let keys = ColumnVector(.long(hashes.map { Int64($0 % UInt64(max(1, o.keys))) }))
        let batch = ColumnarBatch(schema: RangeSpec.schema, columns: [ids], numRows: count)
        let values = (try? BoundExpression.randstr(.column(0, .long), length: o.valueBytes).evaluate(batch)) ?? .empty(.string)
        return ColumnarBatch(schema: schema, columns: [keys, values], numRows: count)
    }

    static func runInProcess(_ o: Options) throws -> Report {
        let schema = StructType([StructField("key", .long), StructField("value", .string)])
        let dir = NSTemporaryDirectory() + "ember-bench-shuffle-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Generate all input first (not timed). Every row is distinct: repeating batches would let zstd
        // find the repeats inside large frames and flatter both the writer and raw zstd.
        let batchRows = ColumnarBatch.defaultCapacity
        let poolSize = max(1, (o.rows + batchRows - 1) / batchRows)
        let pool = (0..<poolSize).map { makeBatch(start: $0 * batchRows, count: batchRows, o: o, schema: schema) }
        var partitioner = HashPartitioner(numPartitions: o.partitions)
        let poolIds: [[Int32]] = pool.map { b in
            var ids: [Int32] = []
            partitioner.partitionIds(keys: [b.columns[0]], numRows: b.numRows, into: &ids)
            return ids
        }
        var report = Report()
        var writeTimes: [Double] = [], readTimes: [Double] = []
        var lastStatus: MapStatus? = nil
        // `Options.rounds` rounds (fresh files each); the best round counts. `sync()` before each timed phase keeps
        // the kernel's write-back of the previous round from running inside the next measurement.
        for round in 0..<Options.rounds {
            if let old = lastStatus { unlink(old.dataPath); unlink(old.indexPath) }
            sync()
            let memory = FixedMemoryReservation(limit: Int(o.memory))
            let writer = try ShuffleMapWriter(shuffleId: ShuffleID(0), mapId: TaskID(round), mapIndex: 0, executorId: ExecutorID("bench"),
                                              numPartitions: o.partitions, schema: schema, directory: dir,
                                              compressionLevel: o.compressionLevel, frameSize: o.frameSize, memory: memory)
            var written = 0, k = 0
            let t0 = DispatchTime.now().uptimeNanoseconds
            while written < o.rows {
                let n = min(batchRows, o.rows - written)
                let b = pool[k % poolSize]
                if n == b.numRows { try writer.write(b, partitionIds: poolIds[k % poolSize]) } else {
                    let idx = (0..<n).map { Int32($0) }
                    try writer.write(b.take(idx), partitionIds: Array(poolIds[k % poolSize].prefix(n)))
                }
                written += n
                k += 1
            }
            let status = try writer.commit()
            let seconds = seconds(since: t0)
            writeTimes.append(seconds)
            if seconds <= writeTimes.min()! { report.timing = writer.timing }
            report.rows = Int64(o.rows)
            report.encodedBytes = writer.encodedBytes
            report.compressedBytes = status.partitionLengths.reduce(0, +)
            report.spills = writer.spillCount
            lastStatus = status

            // Read every reduce partition back.
            sync()
            var reader = ShuffleReader(schema: schema)
            var readRows: Int64 = 0
            let t1 = DispatchTime.now().uptimeNanoseconds
            for r in 0..<o.partitions {
                try reader.read(reduceId: r, numPartitions: o.partitions, blocks: [status.block(reduceId: r)]) { readRows += Int64($0.numRows) }
            }
            readTimes.append(Self.seconds(since: t1))
            guard readRows == report.rows else {
                throw EmberError(.internal, "benchmark read \(readRows) rows back, wrote \(report.rows)")
            }
        }
        report.writeSeconds = writeTimes.min()!
        report.readSeconds = readTimes.min()!
        report.writeSecondsMedian = writeTimes.sorted()[writeTimes.count / 2]
        report.readSecondsMedian = readTimes.sorted()[readTimes.count / 2]
        let status = lastStatus!

        // Raw zstd on the same uncompressed bytes (up to 512 MiB of them), same level and frame size.
        try rawZstd(dataPath: status.dataPath, level: o.compressionLevel, frameSize: o.frameSize, into: &report)
        report.peakRSS["driver"] = processPeakRSS()
        return report
    }

    static func rawZstd(dataPath: String, level: Int32, frameSize: Int, into report: inout Report) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: dataPath))
        var plain: [UInt8] = []
        let decompressor = try ZstdDecompressor()
        try data.withUnsafeBytes { raw in
            try decompressor.decompressFrames(raw) { content in
                if plain.count < 512 << 20 { plain.append(contentsOf: content) }
            }
        }
        report.rawSampleBytes = Int64(plain.count)
        guard let cctx = ZSTD_createCCtx(), let dctx = ZSTD_createDCtx() else { return }
        defer { ZSTD_freeCCtx(cctx); ZSTD_freeDCtx(dctx) }
        _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        let bound = ZSTD_compressBound(frameSize)
        var frames: [(offset: Int, size: Int)] = []   // where each frame sits in `compressed`
        var compressed = [UInt8](repeating: 0, count: plain.count / 2 + bound * (plain.count / frameSize + 2))
        report.rawCompressSeconds = bestOf(Options.rounds) {
            frames.removeAll(keepingCapacity: true)
            plain.withUnsafeBytes { src in
                compressed.withUnsafeMutableBytes { dst in
                    var at = 0, out = 0
                    while at < src.count, out + bound <= dst.count {
                        let n = min(frameSize, src.count - at)
                        let written = ZSTD_compress2(cctx, dst.baseAddress! + out, bound, src.baseAddress! + at, n)
                        if ZSTD_isError(written) != 0 { break }
                        frames.append((out, written))
                        out += written
                        at += n
                    }
                }
            }
        }
        var output = [UInt8](repeating: 0, count: frameSize)
        report.rawDecompressSeconds = bestOf(Options.rounds) {
            compressed.withUnsafeBytes { src in
                output.withUnsafeMutableBytes { dst in
                    for frame in frames {
                        _ = ZSTD_decompressDCtx(dctx, dst.baseAddress!, dst.count, src.baseAddress! + frame.offset, frame.size)
                    }
                }
            }
        }
    }

    /// The fastest of `rounds` timed runs of `body`, in seconds.
    static func bestOf(_ rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(rounds, 1) {
            let t = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, seconds(since: t))
        }
        return best
    }

    // MARK: distributed

    static func runDistributed(_ o: Options) throws -> Report {
        var config = SessionConfig()
        config.appName = "shuffle-benchmark"
        config.master = .local(executors: o.executors, cores: o.cores, memory: o.memory)
        config.shuffleCompressionLevel = o.compressionLevel
        let session = try Session(config: config)
        defer { session.stop() }
        let data = session.range(0, Int64(o.rows), numPartitions: max(o.executors * o.cores, 1) * 2)
            .select((col("id") % Int64(max(1, o.keys))).alias("key"), randstr(o.valueBytes, seed: col("id")).alias("value"))
            .repartition(o.partitions, col("key"))
        let t0 = DispatchTime.now().uptimeNanoseconds
        // An action that needs every shuffled column (a plain count would let column pruning drop `value`).
        let totals = try data.agg(count(col("*")), sum(length(col("value")))).collect()
        var report = Report()
        report.jobSeconds = seconds(since: t0)
        report.rows = totals.first?.getLong(0) ?? 0
        guard report.rows == Int64(o.rows), totals.first?.getLong(1) == Int64(o.rows) * Int64(o.valueBytes) else {
            throw EmberError(.internal, "the benchmark job returned \(totals), expected \(o.rows) rows of \(o.valueBytes) bytes")
        }
        for task in session.lastJobTasks {
            report.compressedBytes += task.metrics.shuffleWriteBytes
            report.spills += task.metrics.spillCount
            report.peakRSS["executor \(task.executorId)", default: 0] = max(report.peakRSS["executor \(task.executorId)", default: 0],
                                                                              task.metrics.executorPeakRSS)
        }
        report.peakRSS["driver"] = processPeakRSS()
        return report
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// The report as printed by `ember bench shuffle`.
    public static func format(_ r: Report, _ o: Options) -> String {
        func mb(_ bytes: Int64, _ s: Double) -> String { s > 0 ? String(format: "%.1f MB/s", Double(bytes) / 1e6 / s) : "-" }
        var lines: [String] = []
        lines.append("shuffle: \(o.rows) rows, \(o.partitions) partitions, \(o.keys) keys, \(o.valueBytes)-byte values, "
                     + (o.executors > 0 ? "\(o.executors) executors × \(o.cores) cores, " : "in-process, ")
                     + "memory \(o.memory >> 20) MiB, zstd level \(o.compressionLevel), frames of \(o.frameSize >> 10) KiB")
        if o.executors > 0 {
            lines.append(String(format: "job: %.2f s, %.0f rows/s, %.1f MB compressed shuffle written, spills: %d",
                                r.jobSeconds, Double(r.rows) / max(r.jobSeconds, 1e-9), Double(r.compressedBytes) / 1e6, r.spills))
        } else {
            let ratio = Double(r.encodedBytes) / Double(max(r.compressedBytes, 1))
            let rawC = Double(r.rawSampleBytes) / max(r.rawCompressSeconds, 1e-9)
            let rawD = Double(r.rawSampleBytes) / max(r.rawDecompressSeconds, 1e-9)
            let w = Double(r.encodedBytes) / max(r.writeSeconds, 1e-9)
            let rd = Double(r.encodedBytes) / max(r.readSeconds, 1e-9)
            lines.append(String(format: "encoded %.1f MB → compressed %.1f MB (ratio %.2f), spills: %d",
                                Double(r.encodedBytes) / 1e6, Double(r.compressedBytes) / 1e6, ratio, r.spills))
            lines.append(String(format: "writer:  %@ of encoded bytes, %.0f rows/s  (%.2f× raw zstd compress %.1f MB/s; median round %@)",
                                mb(r.encodedBytes, r.writeSeconds), Double(r.rows) / r.writeSeconds, w / rawC, rawC / 1e6,
                                mb(r.encodedBytes, r.writeSecondsMedian)))
            let t = r.timing
            lines.append(String(format: "writer time: sort %.3f s, gather+encode %.3f s, compress %.3f s, output %.3f s, other %.3f s",
                                Double(t.sortNanos) / 1e9, Double(t.gatherEncodeNanos) / 1e9, Double(t.compressNanos) / 1e9,
                                Double(t.outputNanos) / 1e9,
                                r.writeSeconds - Double(t.sortNanos + t.gatherEncodeNanos + t.compressNanos + t.outputNanos) / 1e9))
            lines.append(String(format: "reader:  %@ of encoded bytes, %.0f rows/s  (%.2f× raw zstd decompress %.1f MB/s; median round %@)",
                                mb(r.encodedBytes, r.readSeconds), Double(r.rows) / r.readSeconds, rd / rawD, rawD / 1e6,
                                mb(r.encodedBytes, r.readSecondsMedian)))
            lines.append("(best of \(Options.rounds) rounds for the writer, the reader and raw zstd alike)")
        }
        for (who, rss) in r.peakRSS.sorted(by: { $0.key < $1.key }) {
            lines.append("peak RSS \(who): \(rss >> 20) MiB")
        }
        return lines.joined(separator: "\n")
    }
}
