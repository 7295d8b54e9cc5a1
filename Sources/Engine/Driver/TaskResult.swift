// TaskResult: one result partition as its task delivered it: encoded batches that came inside the
// status frame (small results, Spark's DirectTaskResult), or a result file in the application
// directory (Spark's IndirectTaskResult). Either way the driver reads it as a stream of batches,
// one frame's worth at a time, and removes the file when it is done with it.
//
// ResultReceiver is what a job hands its result partitions to as they arrive (Spark's
// JobWaiter / resultHandler).

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct TaskResult {
    enum Location {
        case direct([UInt8])
        case file(ResultFileRef)
    }
    let partition: Int
    let location: Location
    /// Encoded bytes of the whole result (Spark's serialized result size).
    let bytes: Int64
    /// Encoded batches in it.
    let batchCount: Int
    /// A write task's files (its attempt directory, still to be committed).
    var written: WriteTaskReport? = nil

    init(partition: Int, status: TaskStatus, binary: [UInt8]) {
        self.partition = partition
        location = status.resultFile.map { .file($0) } ?? .direct(binary)
        bytes = status.resultFile == nil ? Int64(binary.count) : status.resultBytes
        batchCount = status.resultBatches
        written = status.written
    }

    /// A result in a file the driver wrote (DriverResultFile).
    init(partition: Int, file: ResultFileRef, bytes: Int64, batchCount: Int) {
        self.partition = partition
        location = .file(file)
        self.bytes = bytes
        self.batchCount = batchCount
    }

    /// Streams the batches. A result file must be one the application wrote (in `appDir`).
    func reader(schema: StructType, appDir: String) throws -> TaskResultReader {
        switch location {
        case .direct(let binary):
            return TaskResultReader(source: .direct(binary, offset: 0, left: batchCount), schema: schema)
        case .file(let ref):
            guard Self.isResultFile(ref.path, in: appDir) else {
                throw EmberError(.internal, "a task reported a result file outside the application directory",
                                 context: [.init("file", ref.path), .init("application directory", appDir)])
            }
            return TaskResultReader(source: .file(try ResultFileReader(ref, schema: schema)), schema: schema)
        }
    }

    /// Removes the result file, if any (safe to call more than once).
    func discard(appDir: String) {
        if case .file(let ref) = location, Self.isResultFile(ref.path, in: appDir) { unlink(ref.path) }
    }

    static func isResultFile(_ path: String, in appDir: String) -> Bool {
        let prefix = appDir + "/result_"
        return path.hasPrefix(prefix) && !path.dropFirst(prefix.count).contains("/")
    }
}

/// The batches of one TaskResult, in order.
struct TaskResultReader {
    enum Source {
        case direct([UInt8], offset: Int, left: Int)
        case file(ResultFileReader)
    }
    var source: Source
    let schema: StructType

    mutating func next() throws -> ColumnarBatch? {
        switch source {
        case .direct(let bytes, var offset, let left):
            guard left > 0 else { return nil }
            let batch = try bytes.withUnsafeBytes { try BatchCodec.decode($0, offset: &offset, schema: schema) }
            source = .direct(bytes, offset: offset, left: left - 1)
            return batch
        case .file(var reader):
            let batch = try reader.next()
            source = .file(reader)
            return batch
        }
    }
}

/// Takes a job's result partitions as their tasks succeed. Receivers are called on the thread that
/// runs the job, inside the session's lock (hence Sendable, though never shared between threads).
protocol ResultReceiver: AnyObject, Sendable {
    /// Partitions an earlier run of the same query already delivered: they are not computed again.
    var delivered: Set<Int> { get }
    /// The first successful attempt's result of a partition; the receiver owns it from now on.
    /// Returns false when no more results are needed (a satisfied limit): the job then ends and its
    /// running tasks are killed. Throwing fails the job with that error.
    func receive(_ result: TaskResult) throws -> Bool
}
