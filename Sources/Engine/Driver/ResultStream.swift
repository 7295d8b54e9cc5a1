// ResultStream: hands a query's result to a consumer (a CSV writer, collect's row list) while the
// job runs, without gathering it in the driver first.
//
//   unordered:  partitions go to the consumer in partition order as soon as each one and all
//               before it have arrived; later ones wait (as files, or ≤ 1 MiB encoded in memory)
//   sorted:     after the last partition arrived, ResultMerger's streaming k-way merge reads one
//               batch per partition at a time
//   limit n:    the consumer gets at most n rows; once it has them the job is told to stop
//
// For collect(), `maxResultSize` (Spark's spark.driver.maxResultSize) bounds the total encoded
// size of the results as they arrive, before any is read.

import Foundation
import Executor
import Planner

/// Used by the thread that runs the job, inside the session's lock only.
final class ResultStream: ResultReceiver, @unchecked Sendable {
    let schema: StructType
    let ordering: [BoundSortOrder]?
    let maxResultSize: Int64?
    let appDir: String
    private let consume: (ColumnarBatch) throws -> Void
    /// Rows the consumer may still take (nil: no limit).
    private var remaining: Int?
    /// Results that arrived and were not handed on yet, by partition.
    private var pending: [Int: TaskResult] = [:]
    /// Partitions handed on in full (an unordered stream's prefix).
    private(set) var delivered: Set<Int> = []
    private var nextPartition = 0
    private var receivedBytes: Int64 = 0
    private var receivedCount = 0

    init(schema: StructType, ordering: [BoundSortOrder]?, limit: Int?, maxResultSize: Int64?, appDir: String,
         consume: @escaping (ColumnarBatch) throws -> Void) {
        self.schema = schema
        self.ordering = ordering
        self.remaining = limit
        self.maxResultSize = maxResultSize
        self.appDir = appDir
        self.consume = consume
    }

    deinit { discardPending() }

    var isSatisfied: Bool { remaining.map { $0 <= 0 } ?? false }

    func receive(_ result: TaskResult) throws -> Bool {
        if isSatisfied || delivered.contains(result.partition) || pending[result.partition] != nil {
            result.discard(appDir: appDir)
            return !isSatisfied
        }
        receivedBytes += result.bytes
        receivedCount += 1
        pending[result.partition] = result
        if let maxResultSize, maxResultSize > 0, receivedBytes > maxResultSize {
            throw Self.tooLarge(tasks: receivedCount, bytes: receivedBytes, limit: maxResultSize)
        }
        guard ordering == nil else { return true }
        while let next = pending.removeValue(forKey: nextPartition) {
            defer { next.discard(appDir: appDir) }
            var reader = try next.reader(schema: schema, appDir: appDir)
            while let batch = try reader.next() {
                guard try hand(batch) else { return false }
            }
            delivered.insert(nextPartition)
            nextPartition += 1
        }
        return !isSatisfied
    }

    /// Call once the job has succeeded: a sorted result is merged now, from every partition.
    func finish() throws {
        guard let ordering, !isSatisfied else { return }
        let results = pending.keys.sorted().compactMap { pending[$0] }
        defer { discardPending() }
        let readers = try results.map { try $0.reader(schema: schema, appDir: appDir) }
        try ResultMerger.mergeSorted(readers, orders: ordering, schema: schema) { try hand($0) }
    }

    /// Forgets results not handed on yet (the job failed and runs again; those are recomputed).
    func discardPending() {
        for result in pending.values {
            result.discard(appDir: appDir)
            receivedBytes -= result.bytes
            receivedCount -= 1
        }
        pending = [:]
    }

    /// Passes a batch on, cut to the limit; false once the limit is reached.
    private func hand(_ batch: ColumnarBatch) throws -> Bool {
        guard batch.numRows > 0 else { return !isSatisfied }
        if let left = remaining {
            guard left > 0 else { return false }
            let keep = Swift.min(left, batch.numRows)
            remaining = left - keep
            try consume(keep == batch.numRows ? batch : batch.take((0..<keep).map { Int32($0) }))
        } else {
            try consume(batch)
        }
        return !isSatisfied
    }

    /// Spark's error for results that would not fit in the driver.
    static func tooLarge(tasks: Int, bytes: Int64, limit: Int64) -> EmberError {
        EmberError(.execution,
                   "Total size of serialized results of \(tasks) tasks (\(byteString(bytes))) is bigger than spark.driver.maxResultSize (\(byteString(limit)))",
                   hint: "write the result out instead of collecting it (df.write.csv(path)), or raise SessionConfig.maxResultSize (0 = no limit)")
    }

    /// Sizes as Spark prints them (Utils.bytesToString): "7.5 MiB", "1024.0 MiB".
    static func byteString(_ bytes: Int64) -> String {
        let units: [(String, Int64)] = [("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (name, size) in units where bytes >= 2 * size {
            return String(format: "%.1f", Double(bytes) / Double(size)) + " " + name
        }
        return "\(bytes).0 B"
    }
}
