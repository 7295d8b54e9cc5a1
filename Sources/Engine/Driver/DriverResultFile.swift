// DriverResultFile: a result partition the driver writes to a result file itself, in the same
// layout as a task's (ResultFile.swift): a small result it sets aside instead of holding it in
// memory, or the output of one pass of a sorted merge. It becomes a TaskResult like any other.
//
//   encoded batches / batches ─► ResultFileWriter: a zstd frame per ~1 MiB ─► <appDir>/result_driver_<token>

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct DriverResultFile {
    private let writer: ResultFileWriter
    private var bytes: Int64 = 0
    private var batches = 0

    init(appDir: String, compressionLevel: Int32) throws {
        writer = try ResultFileWriter(directory: appDir, owner: "driver", compressionLevel: compressionLevel)
    }

    /// Writes a direct result's bytes (whole encoded batches) to a file of their own.
    static func setAside(_ encoded: [UInt8], batches: Int, partition: Int, appDir: String, compressionLevel: Int32) throws -> TaskResult {
        let file = try DriverResultFile(appDir: appDir, compressionLevel: compressionLevel)
        try file.writer.appendFrame(encoded)
        return TaskResult(partition: partition, file: try file.writer.finish(), bytes: Int64(encoded.count), batchCount: batches)
    }

    mutating func append(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        bytes += Int64(try writer.append(batch))
        batches += 1
    }

    /// Closes the file; it is the result of `partition` from now on.
    func close(partition: Int) throws -> TaskResult {
        TaskResult(partition: partition, file: try writer.finish(), bytes: bytes, batchCount: batches)
    }

    /// Removes the file (a merge that failed).
    func abort() { writer.abort() }
}
