// FileWriteSink: the end of a write task's pipeline (Spark's FileFormatDataWriter). It writes the
// task's rows into files of the spec's format inside the task attempt's own directory, which only
// this attempt writes:
//
//   <root>/_temporary/<job uuid>/_temporary/attempt_…/[k=v/…]part-<partition>-<uuid>[-.]c000.<ext>
//
// Unpartitioned: one file, opened at the first row (task 0 writes one even for no rows, so an
// empty result still leaves a file with the format's header, as Spark does). partitionBy: the
// planner sorted the task's rows by the partition columns, so each directory's rows arrive
// together and one writer is open at a time (Spark's DynamicPartitionDataSingleWriter); a value
// that comes back after all (never with the sort) gets a next file, `c001`, so nothing is lost.
// The attempt directory is created here with mkdir(2), never its parents: a task that starts after
// its job ended (and the job's temporary directory is gone) fails instead of leaving files behind.
// Committing (a rename of the attempt directory) is the driver's; `abort()` removes the directory.

import Foundation
@_spi(EmberInternal) import Planner

/// One file a write task wrote: its path relative to the attempt directory, rows and bytes.
@_spi(EmberInternal) public struct WrittenFile: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var path: String
    @_spi(EmberInternal) public var rows: Int64
    @_spi(EmberInternal) public var bytes: Int64
    @_spi(EmberInternal) public init(path: String, rows: Int64, bytes: Int64) {
        self.path = path
        self.rows = rows
        self.bytes = bytes
    }
}

/// What a finished write task reports: where its files are, and which.
@_spi(EmberInternal) public struct WriteTaskReport: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var attemptDirectory: String
    @_spi(EmberInternal) public var files: [WrittenFile]
    @_spi(EmberInternal) public init(attemptDirectory: String, files: [WrittenFile]) {
        self.attemptDirectory = attemptDirectory
        self.files = files
    }
}

final class FileWriteSink: BatchConsumer {
    let spec: FileWriteSpec
    let partition: Int
    let attemptDirectory: String
    private let dataColumns: [Int]
    private let dataSchema: StructType
    private let fileExtension: String
    private var current: (directory: String, path: String, writer: any FileOutputFormat, rows: Int64)?
    /// Files opened so far per partition directory (the counter in their names).
    private var counters: [String: Int] = [:]
    private(set) var files: [WrittenFile] = []
    private(set) var rows: Int64 = 0
    /// The task's memory for the open writer (one writer is open at a time; each gives back what
    /// it reserved when it closes).
    private let memory: (any MemoryReservation)?

    init(spec: FileWriteSpec, task: TaskDescription, memory: (any MemoryReservation)? = nil) throws {
        self.spec = spec
        self.memory = memory
        self.partition = task.partition
        self.attemptDirectory = spec.attemptDirectory(stage: task.stageId, partition: task.partition,
                                                      stageAttempt: task.stageAttempt, attempt: task.attempt)
        self.dataColumns = spec.dataColumns
        self.dataSchema = spec.dataSchema
        self.fileExtension = spec.format.fileExtension
        guard mkdir(attemptDirectory, 0o777) == 0 else {
            let code = errno
            throw EmberError(.output, code == ENOENT ? "the write job's temporary directory is gone (the job ended)"
                                                    : "cannot create the task's output directory: \(posixErrorText(code))",
                             context: [.init("directory", attemptDirectory)],
                             hint: code == ENOENT ? nil : "check that the output directory is writable")
        }
    }

    var report: WriteTaskReport { WriteTaskReport(attemptDirectory: attemptDirectory, files: files) }
    var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }

    func consume(_ batch: ColumnarBatch) throws {
        let n = batch.numRows
        guard n > 0 else { return }
        rows += Int64(n)
        if spec.partitionColumns.isEmpty { return try write(batch, into: "") }
        let keys = spec.partitionColumns.map { batch.columns[$0] }
        var start = 0
        for i in 1...n where i == n || !keys.allSatisfy({ $0.sameValue(i - 1, i) }) {
            try write(start == 0 && i == n ? batch : batch.slice(start..<i), into: directory(of: batch, row: start))
            start = i
        }
    }

    func finish() throws {
        if current == nil && files.isEmpty && spec.partitionColumns.isEmpty && partition == 0 {
            try openWriter(in: "")
        }
        try closeOpenWriter()
    }

    /// Removes everything this attempt wrote. Safe to call more than once.
    func abort() {
        current?.writer.abort()
        current = nil
        try? FileManager.default.removeItem(atPath: attemptDirectory)
    }

    /// `k=v/j=w` of the row's partition values.
    private func directory(of batch: ColumnarBatch, row: Int) -> String {
        spec.partitionColumns.map { PartitionPath.component(spec.schema.fields[$0].name, batch.columns[$0].value(at: row)) }
            .joined(separator: "/")
    }

    private func write(_ rows: ColumnarBatch, into directory: String) throws {
        if current?.directory != directory {
            try closeOpenWriter()
            try openWriter(in: directory)
        }
        let data = dataColumns.count == rows.columns.count ? rows
            : ColumnarBatch(schema: dataSchema, columns: dataColumns.map { rows.columns[$0] }, numRows: rows.numRows)
        try current!.writer.write(data)
        current!.rows += Int64(rows.numRows)
    }

    private func openWriter(in directory: String) throws {
        var parent = attemptDirectory
        for component in directory.split(separator: "/") {
            parent += "/" + component
            if mkdir(parent, 0o777) != 0 && errno != EEXIST {
                throw EmberError(.output, "cannot create a partition directory: \(posixErrorText())", context: [.init("directory", parent)])
            }
        }
        let counter = counters[directory, default: 0]
        counters[directory] = counter + 1
        let name = spec.fileName(partition: partition, counter: counter, fileExtension: fileExtension)
        let relative = directory.isEmpty ? name : directory + "/" + name
        let writer = try spec.format.makeWriter(path: attemptDirectory + "/" + relative, schema: dataSchema, memory: memory)
        current = (directory, relative, writer, 0)
    }

    private func closeOpenWriter() throws {
        guard let closing = current else { return }
        current = nil
        do {
            try closing.writer.close()
        } catch {
            closing.writer.abort()
            throw error
        }
        let size = PathStatus(path: attemptDirectory + "/" + closing.path)?.size ?? 0
        files.append(WrittenFile(path: closing.path, rows: closing.rows, bytes: size))
    }
}

extension ColumnVector {
    /// Whether rows i and j hold the same value (two nulls are the same).
    func sameValue(_ i: Int, _ j: Int) -> Bool {
        let ni = isNull(i), nj = isNull(j)
        if ni || nj { return ni == nj }
        switch values {
        case .long(let v), .timestamp(let v): return v[i] == v[j]
        case .double(let v): return v[i] == v[j] || (v[i].isNaN && v[j].isNaN)
        case .boolean(let v): return v[i] == v[j]
        case .date(let v): return v[i] == v[j]
        case .string(let s): return s.equals(i, s, j)
        case .list: return value(at: i) == value(at: j)
        }
    }
}
