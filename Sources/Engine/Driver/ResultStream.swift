// ResultStream: hands a query's result to a consumer (a CSV writer, collect's row list) while the
// job runs, without gathering it in the driver first.
//
//   unordered:  partitions go to the consumer in partition order as soon as each one and all
//               before it have arrived; later ones wait (as files, or ≤ 1 MiB encoded in memory)
//   sorted:     after the last partition arrived, ResultMerger's streaming k-way merge reads one
//               batch per partition at a time, at most `mergeFanIn` partitions at once: more are
//               merged in passes, each group of them into a result file the driver writes
//
// Waiting results held in memory total at most `memoryBudget` encoded bytes: a small (direct)
// result that would go over it waits in a result file the driver writes (DriverResultFile).
//   limit n:    the consumer gets at most n rows; once it has them the job is told to stop
//
// For collect(), `maxResultSize` (Spark's spark.driver.maxResultSize) bounds the total encoded
// size of the results as they arrive, before any is read.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// Used by the thread that runs the job, inside the session's lock only.
final class ResultStream: ResultReceiver, @unchecked Sendable {
    let schema: StructType
    let ordering: [BoundSortOrder]?
    let maxResultSize: Int64?
    let appDir: String
    /// Encoded bytes of waiting direct results the stream holds in memory.
    let memoryBudget: Int64
    /// zstd level of the result files the driver writes.
    let compressionLevel: Int32
    /// Sorted partitions merged at once (open result files, batches in memory).
    let mergeFanIn: Int
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
    /// Encoded bytes of the direct results in `pending`.
    private var pendingMemory: Int64 = 0

    static let defaultMergeFanIn = 64

    init(schema: StructType, ordering: [BoundSortOrder]?, limit: Int?, maxResultSize: Int64?, appDir: String,
         memoryBudget: Int64 = 64 << 20, compressionLevel: Int32 = 1, mergeFanIn: Int = defaultMergeFanIn,
         consume: @escaping (ColumnarBatch) throws -> Void) {
        self.schema = schema
        self.ordering = ordering
        self.remaining = limit
        self.maxResultSize = maxResultSize
        self.appDir = appDir
        self.memoryBudget = memoryBudget
        self.compressionLevel = compressionLevel
        self.mergeFanIn = Swift.max(2, mergeFanIn)
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
        if case .direct = result.location { pendingMemory += result.bytes }
        if let maxResultSize, maxResultSize > 0, receivedBytes > maxResultSize {
            throw Self.tooLarge(tasks: receivedCount, bytes: receivedBytes, limit: maxResultSize)
        }
        if ordering == nil {
            while let next = takePending(nextPartition) {
                defer { next.discard(appDir: appDir) }
                var reader = try next.reader(schema: schema, appDir: appDir)
                while let batch = try reader.next() {
                    guard try hand(batch) else { return false }
                }
                delivered.insert(nextPartition)
                nextPartition += 1
            }
        }
        if pendingMemory > memoryBudget, let waiting = pending[result.partition], case .direct(let encoded) = waiting.location {
            pending[result.partition] = try DriverResultFile.setAside(encoded, batches: waiting.batchCount, partition: waiting.partition,
                                                                      appDir: appDir, compressionLevel: compressionLevel)
            pendingMemory -= waiting.bytes
        }
        return !isSatisfied
    }

    private func takePending(_ partition: Int) -> TaskResult? {
        guard let result = pending.removeValue(forKey: partition) else { return nil }
        if case .direct = result.location { pendingMemory -= result.bytes }
        return result
    }

    /// Call once the job has succeeded: a sorted result is merged now, from every partition.
    func finish() throws {
        guard let ordering, !isSatisfied else { return }
        var runs = pending.keys.sorted().compactMap { takePending($0) }
        defer { for run in runs { run.discard(appDir: appDir) } }
        while runs.count > mergeFanIn {
            runs = try mergePass(runs, ordering: ordering)
        }
        let readers = try runs.map { try $0.reader(schema: schema, appDir: appDir) }
        try ResultMerger.mergeSorted(readers, orders: ordering, schema: schema) { try hand($0) }
    }

    /// Merges each group of `mergeFanIn` neighbouring runs into one result file. Groups keep the
    /// runs' order, so ties still go to the lower partition.
    private func mergePass(_ runs: [TaskResult], ordering: [BoundSortOrder]) throws -> [TaskResult] {
        var merged: [TaskResult] = []
        do {
            for start in stride(from: 0, to: runs.count, by: mergeFanIn) {
                let group = runs[start..<Swift.min(start + mergeFanIn, runs.count)]
                guard group.count > 1, let first = group.first else {
                    merged.append(contentsOf: group)
                    continue
                }
                var file = try DriverResultFile(appDir: appDir, compressionLevel: compressionLevel)
                do {
                    let readers = try group.map { try $0.reader(schema: schema, appDir: appDir) }
                    try ResultMerger.mergeSorted(readers, orders: ordering, schema: schema) { try file.append($0); return true }
                    merged.append(try file.close(partition: first.partition))
                } catch {
                    file.abort()
                    throw error
                }
                for run in group { run.discard(appDir: appDir) }
            }
        } catch {
            for result in merged { result.discard(appDir: appDir) }
            throw error
        }
        return merged
    }

    /// Forgets results not handed on yet (the job failed and runs again; those are recomputed).
    func discardPending() {
        for result in pending.values {
            result.discard(appDir: appDir)
            receivedBytes -= result.bytes
            receivedCount -= 1
        }
        pending = [:]
        pendingMemory = 0
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
