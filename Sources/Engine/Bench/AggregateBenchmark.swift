// AggregateBenchmark: the hash aggregate kernel in-process (rows/s for a number of distinct keys,
// bigint and string keys), and a memory-bounded distributed groupBy (`ember bench aggregate`).
//
// In-process: N generated rows (key = hash(i) mod K, value = i) through one HashAggregateExec with
// count(*) and sum(value), best of 3: in Partial mode (which backs off to pass-through when the
// keys barely repeat) and in Final mode (which always builds the whole table, sized from the input
// rows as a reducer sizes it from its map outputs). Distributed: range(0, N) grouped by
// id mod K on executor processes with a memory budget; the result is checked (every key counted
// N/K times) and spills and peak RSS are reported.

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

public struct AggregateBenchmark {
    public struct Options: Sendable {
        public var rows = 10_000_000
        public var keys = [1_000, 100_000, 10_000_000]
        /// Key types of the in-process kernel, in order: false = bigint, true = string.
        public var stringKeys = [false, true]
        public var executors = 0
        public var cores = 2
        public var memory: Int64 = 64 << 20
        public init() {}
    }

    final class CountingSink: BatchConsumer {
        var rows = 0
        func consume(_ batch: ColumnarBatch) throws { rows += batch.numRows }
        func finish() throws {}
    }

    public static func run(_ o: Options) throws -> String {
        o.executors > 0 ? try runDistributed(o) : try runInProcess(o)
    }

    static func runInProcess(_ o: Options) throws -> String {
        var lines = ["aggregate kernel (in-process): \(o.rows) rows, HashAggregate count(*), sum(value), best of 3"]
        let batchRows = ColumnarBatch.defaultCapacity
        for stringKeys in o.stringKeys {
            for k in o.keys {
                // Generate input first (not timed).
                let keyType: DataType = stringKeys ? .string : .long
                let schema = StructType([StructField("k", keyType), StructField("v", .long)])
                var batches: [ColumnarBatch] = []
                var start = 0
                var hashes: [UInt64] = []
                while start < o.rows {
                    let n = min(batchRows, o.rows - start)
                    let ids = ColumnVector(.long((start..<(start + n)).map { Int64($0) }))
                    FixedSeedHash.hashRows([ids], numRows: n, seed: 7, into: &hashes)
                    let keyValues = hashes.map { Int64($0 % UInt64(k)) }
                    let keys = stringKeys ? ColumnVector(.string(StringArray(keyValues.map { "key-\($0)" }))) : ColumnVector(.long(keyValues))
                    batches.append(ColumnarBatch(schema: schema, columns: [keys, ids], numRows: n))
                    start += n
                }
                let aggregates = [BoundAggregate(function: .count, input: nil, name: "c"),
                                  BoundAggregate(function: .sum, input: .column(1, .long), name: "s")]
                let partialSchema = StructType([StructField("k", keyType), StructField("c#buf0", .long), StructField("s#buf0", .long)])
                let finalSchema = StructType([StructField("k", keyType), StructField("c", .long), StructField("s", .long)])
                // Final-mode input is partial rows: (key, count 1, sum value).
                let ones = ColumnVector(.long([Int64](repeating: 1, count: batchRows)))
                let partialRows = batches.map { b in
                    ColumnarBatch(schema: partialSchema, columns: [b.columns[0], b.numRows == batchRows ? ones : ones.slice(0..<b.numRows), b.columns[1]],
                                  numRows: b.numRows)
                }
                for mode in [AggregateMode.partial, .final] {
                    var best = Double.infinity
                    var groups = 0
                    for _ in 0..<3 {
                        let sink = CountingSink()
                        // A reducer knows its input rows from the map outputs, and sizes its table from them.
                        let resources = AggregateResources(memory: nil, spillDirectory: nil, taskId: TaskID(0),
                                                           expectedRows: mode == .final ? o.rows : nil)
                        let aggregate = HashAggregateExec(mode: mode, keys: [.column(0, keyType)], aggregates: aggregates,
                                                          schema: mode == .partial ? partialSchema : finalSchema, downstream: sink,
                                                          resources: resources)
                        let input = mode == .partial ? batches : partialRows
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        for b in input { try aggregate.consume(b) }
                        try aggregate.finish()
                        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                        groups = sink.rows
                    }
                    lines.append(String(format: "  %@ keys, %9d distinct, %@: %6.1f M rows/s (%.3f s; %d output rows%@)",
                                        stringKeys ? "string" : "bigint", k, mode.rawValue, Double(o.rows) / best / 1e6, best, groups,
                                        groups > k ? ", backed off to pass-through" : ""))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func runDistributed(_ o: Options) throws -> String {
        var config = SessionConfig()
        config.appName = "aggregate-benchmark"
        config.master = .local(executors: o.executors, cores: o.cores, memory: o.memory)
        let session = try Session(config: config)
        defer { session.stop() }
        var lines = ["aggregate (distributed): \(o.rows) rows, \(o.executors) executors × \(o.cores) cores, memory \(o.memory >> 20) MiB each"]
        for k in o.keys {
            let perKey = Int64(o.rows / k)
            let grouped = session.range(0, Int64(o.rows), numPartitions: max(1, o.executors * o.cores) * 2)
                .groupBy((col("id") % Int64(k)).alias("k")).agg(count(col("*")).alias("c"), sum("id").alias("s"))
            let t0 = DispatchTime.now().uptimeNanoseconds
            let check = try grouped.agg(count(col("*")), min("c"), max("c")).collect()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let row = check.first
            guard row?.getLong(0) == Int64(k), row?.getLong(1) == perKey, row?.getLong(2) == perKey else {
                throw EmberError(.internal, "wrong result for \(k) keys: \(check)")
            }
            let spills = session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount }
            var rss: [String: Int64] = [:]
            for t in session.lastJobTasks { rss[t.executorId.value] = max(rss[t.executorId.value] ?? 0, t.metrics.executorPeakRSS) }
            lines.append(String(format: "  %9d distinct keys: %.2f s, %.1f M rows/s, result checked, spills %d, peak RSS %@", k, seconds,
                                Double(o.rows) / seconds / 1e6, spills,
                                rss.sorted { $0.key < $1.key }.map { "executor \($0.key) \($0.value >> 20) MiB" }.joined(separator: ", ")))
        }
        return lines.joined(separator: "\n")
    }
}
