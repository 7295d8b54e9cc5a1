// DriverResultFile: a result partition the driver writes to a result file itself, in the same
// layout as a task's (ResultFile.swift): a small result it sets aside instead of holding it in
// memory, or the output of one pass of a sorted merge. It becomes a TaskResult like any other.
//
//   encoded batches / batches ─► buffer ──(~1 MiB)──► ResultFileWriter: one zstd frame ─► <appDir>/result_driver_<token>

import Executor
import Planner
import Shuffle

struct DriverResultFile {
    private let writer: ResultFileWriter
    private var buffer: [UInt8] = []
    private var bytes: Int64 = 0
    private var batches = 0

    init(appDir: String, compressionLevel: Int32) throws {
        writer = try ResultFileWriter(directory: appDir, owner: "driver", compressionLevel: compressionLevel)
    }

    /// Writes a direct result's bytes (whole encoded batches) to a file of their own.
    static func setAside(_ encoded: [UInt8], batches: Int, partition: Int, appDir: String, compressionLevel: Int32) throws -> TaskResult {
        var file = try DriverResultFile(appDir: appDir, compressionLevel: compressionLevel)
        try file.writer.appendFrame(encoded)
        file.bytes = Int64(encoded.count)
        file.batches = batches
        return file.finish(partition: partition)
    }

    mutating func append(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        let before = buffer.count
        BatchCodec.encode(batch, into: &buffer)
        bytes += Int64(buffer.count - before)
        batches += 1
        if buffer.count >= ResultFileWriter.frameBytes { try flush() }
    }

    /// Closes the file; it is the result of `partition` from now on.
    mutating func close(partition: Int) throws -> TaskResult {
        try flush()
        return finish(partition: partition)
    }

    /// Removes the file (a merge that failed).
    func abort() { writer.abort() }

    private mutating func flush() throws {
        try writer.appendFrame(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func finish(partition: Int) -> TaskResult {
        TaskResult(partition: partition, file: writer.finish(), bytes: bytes, batchCount: batches)
    }
}
