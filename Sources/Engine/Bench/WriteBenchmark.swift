// WriteBenchmark: a file format's writer in-process on one thread (`ember bench write`): batches
// shaped like a groupBy's output (a bigint key, a count, a sum of prices with two decimals, an
// average with many digits) go through the format's writer into a file in a temporary directory,
// which is removed afterwards. Seeded, so every run writes the same bytes. Throughput is rows and
// bytes of the written file per second, with the writing thread's CPU time beside the wall time
// (the page cache's copy is part of it, as it is of a task's write).

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

public struct WriteBenchmark {
    public struct Options: Sendable {
        public var format = "csv"
        public var rows = 4_000_000
        public var runs = 5
        public var seed: UInt64 = 42
        public init() {}
    }

    struct Run {
        var seconds: Double
        var cpuSeconds: Double
        var bytes: Int64
    }

    public static func run(_ o: Options) throws -> String {
        let format = try FileWriteFormat.named(o.format, options: [])
        let schema = StructType([StructField("user_id", .long, nullable: false), StructField("count", .long, nullable: false),
                                 StructField("sum_amount", .double, nullable: false), StructField("avg_amount", .double, nullable: false)])
        try format.validate(dataSchema: schema)
        let batches = makeBatches(schema: schema, rows: o.rows, seed: o.seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-write-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try writeOnce(format, schema, batches, path: directory + "/warm-up")   // page cache and allocator warm
        var runs: [Run] = []
        for r in 0..<max(1, o.runs) { runs.append(try writeOnce(format, schema, batches, path: directory + "/run-\(r)")) }
        let sorted = runs.sorted { $0.seconds < $1.seconds }
        let median = sorted[sorted.count / 2], best = sorted[0]
        func rate(_ r: Run) -> String {
            String(format: "%.1fM rows/s, %.0f MB/s (%.3f s); per CPU second of the thread %.1fM rows/s",
                   Double(o.rows) / r.seconds / 1e6, Double(r.bytes) / r.seconds / 1e6, r.seconds, Double(o.rows) / r.cpuSeconds / 1e6)
        }
        return """
        write \(o.format): \(o.rows) rows of (\(schema.fields.map { "\($0.name) \($0.dataType)" }.joined(separator: ", "))), \
        \(ResultStream.byteString(median.bytes)) a file, one thread, \(runs.count) runs after a warm-up
          median: \(rate(median))
          best:   \(rate(best))
        """
    }

    /// Batches of the default capacity: keys 1…rows, counts 1…8, sums of prices with two decimals,
    /// and their averages.
    static func makeBatches(schema: StructType, rows: Int, seed: UInt64) -> [ColumnarBatch] {
        var rng = SplitMix64(seed: seed)
        var batches: [ColumnarBatch] = []
        var start = 0
        while start < rows {
            let n = min(ColumnarBatch.defaultCapacity, rows - start)
            var keys = [Int64](), counts = [Int64](), sums = [Double](), averages = [Double]()
            keys.reserveCapacity(n); counts.reserveCapacity(n); sums.reserveCapacity(n); averages.reserveCapacity(n)
            for i in 0..<n {
                let count = Int64(1 + rng.next() % 8)
                var cents: Int64 = 0
                for _ in 0..<count { cents += Int64(100 + rng.next() % 49_900) }
                let sum = Double(cents) / 100
                keys.append(Int64(start + i + 1)); counts.append(count); sums.append(sum); averages.append(sum / Double(count))
            }
            batches.append(ColumnarBatch(schema: schema, columns: [ColumnVector(.long(keys)), ColumnVector(.long(counts)),
                                                                   ColumnVector(.double(sums)), ColumnVector(.double(averages))], numRows: n))
            start += n
        }
        return batches
    }

    static func writeOnce(_ format: FileWriteFormat, _ schema: StructType, _ batches: [ColumnarBatch], path: String) throws -> Run {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = ScanBenchmark.threadCPUSeconds()
        let writer = try format.makeWriter(path: path, schema: schema)
        for batch in batches { try writer.write(batch) }
        try writer.close()
        let cpuSeconds = ScanBenchmark.threadCPUSeconds() - cpuStart
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var st = stat()
        let bytes = stat(path, &st) == 0 ? Int64(st.st_size) : 0
        unlink(path)
        return Run(seconds: seconds, cpuSeconds: cpuSeconds, bytes: bytes)
    }
}
