// ResultSink: the end of a result task's pipeline. It encodes the partition's batches as they
// come; while they stay within `maxDirectBytes` (Spark's spark.task.maxDirectResultSize, 1 MiB)
// they travel in the status frame, beyond that they go to a result file in the application
// directory and the status carries only its path (Spark's IndirectTaskResult). Either way the
// executor holds at most about one frame of encoded rows, and no frame carries a large result.
//
//   batch ─► BatchCodec ─► buffer ──(≤ maxDirectBytes at the end)──► status frame's binary part
//                            └─(over it)─► ResultFileWriter: then each batch, a zstd frame per ~1 MiB ─► result file

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class ResultSink: BatchConsumer {
    /// What the task reports: its encoded batches, or the file holding them.
    enum Output {
        case direct([UInt8])
        case file(ResultFileRef)
    }

    private let maxDirectBytes: Int
    private let openFile: () throws -> ResultFileWriter
    /// The encoded batches while they may still travel in the status frame.
    private var buffer: [UInt8] = []
    private var file: ResultFileWriter?
    private var fileRef: ResultFileRef?
    private(set) var batches = 0
    private(set) var rows: Int64 = 0
    /// Encoded size of the whole result (what the driver would hold if it kept it all).
    private(set) var encodedBytes: Int64 = 0

    init(maxDirectBytes: Int, openFile: @escaping () throws -> ResultFileWriter) {
        self.maxDirectBytes = maxDirectBytes
        self.openFile = openFile
    }

    func consume(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        batches += 1
        rows += Int64(batch.numRows)
        if let file {
            encodedBytes += Int64(try file.append(batch))
            return
        }
        let before = buffer.count
        BatchCodec.encode(batch, into: &buffer)
        encodedBytes += Int64(buffer.count - before)
        if buffer.count > maxDirectBytes {
            let file = try openFile()
            self.file = file
            try file.appendFrame(buffer)
            buffer = []
        }
    }

    func finish() throws {
        fileRef = try file?.finish()
    }

    /// The finished result (call after `finish`).
    func output() -> Output {
        if let fileRef { return .file(fileRef) }
        return .direct(buffer)
    }

    /// Removes the result file of a task that did not succeed.
    func abort() { file?.abort() }
}
