// ScanBenchmark: a file format's scan in-process on one thread (`ember bench scan`): the file is
// read the way tasks read it (the format's schema resolution on the "driver", then every split
// scanned in turn by the format's scanner into batches of the chosen columns), with a warm page
// cache (one untimed run first). Throughput is bytes per second of the file's scanned bytes for
// line formats, and of the decompressed column data for Parquet, with rows per second beside it.

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

public struct ScanBenchmark {
    public struct Options: Sendable {
        public var path = ""
        public var format = "csv"
        /// Reader options by Spark's names (`header=true`, …).
        public var readerOptions: [(key: String, value: String)] = []
        /// The columns to produce (all when empty).
        public var columns: [String] = []
        public var runs = 5
        /// Split size (the tasks' maxPartitionBytes).
        public var splitBytes: Int64 = 128 << 20
        public init() {}
    }

    public struct Run: Sendable {
        public var seconds: Double
        /// CPU time of the scanning thread: on a busy machine, what the scan itself cost.
        public var cpuSeconds: Double
        public var rows: Int64
        public var bytes: Int64
    }

    public static func run(_ o: Options) throws -> String {
        let source = try FileSourceFormats.named(o.format)
        let (format, schema) = try source.resolve(paths: [o.path], format: try source.format(options: o.readerOptions), userSchema: nil)
        let required = try o.columns.map { name in
            guard let index = schema.fields.firstIndex(where: { $0.name == name }) else {
                throw EmberError(.configuration, "no column '\(name)' in \(o.path)", hint: "the file has \(schema.fields.map(\.name).joined(separator: ", "))")
            }
            return index
        }
        let splits = try FileSplitter.splits(paths: [o.path], targetSplitBytes: o.splitBytes, minSplits: 1)
        let scan = FileScan(paths: [o.path], format: format, dataSchema: schema, requiredColumns: required.isEmpty ? nil : required, splits: splits)
        _ = try scanOnce(source, scan)   // warms the page cache
        var runs: [Run] = []
        for _ in 0..<max(1, o.runs) { runs.append(try scanOnce(source, scan)) }
        let sorted = runs.sorted { $0.seconds < $1.seconds }
        let median = sorted[sorted.count / 2], best = sorted[0]
        func rate(_ r: Run) -> String {
            String(format: "%.2f GB/s, %.1fM rows/s (%.3f s); per CPU second of the thread %.2f GB/s",
                   Double(r.bytes) / r.seconds / 1e9, Double(r.rows) / r.seconds / 1e6, r.seconds, Double(r.bytes) / r.cpuSeconds / 1e9)
        }
        let columns = scan.outputSchema.fields.map(\.name).joined(separator: ", ")
        return """
        scan \(source.name) \(o.path): \(median.rows) rows, \(scan.requiredColumns.count) of \(schema.count) columns (\(columns)), \
        \(splits.count) split(s), one thread, \(runs.count) runs after a warm-up
          bytes counted: \(ResultStream.byteString(median.bytes)) (\(o.format == "parquet" ? "decompressed column data" : "file bytes scanned"))
          median: \(rate(median))
          best:   \(rate(best))
        """
    }

    static func scanOnce(_ source: any FileSourceFormat.Type, _ scan: FileScan) throws -> Run {
        var metrics = TaskMetrics()
        var rows: Int64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUSeconds()
        for split in scan.splits {
            try source.scan(split, scan, metrics: &metrics) { rows += Int64($0.numRows) }
        }
        let cpuSeconds = threadCPUSeconds() - cpuStart
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let bytes = metrics.decompressedBytes > 0 ? metrics.decompressedBytes : metrics.inputBytes
        return Run(seconds: seconds, cpuSeconds: cpuSeconds, rows: rows, bytes: bytes)
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
