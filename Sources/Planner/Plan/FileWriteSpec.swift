// FileWriteSpec: what the tasks of a write job write and where (Spark's WriteJobDescription). It
// travels to executors in the result stage's output (`StageOutput.write`); the driver's commit
// protocol (Engine/Driver/FileCommitProtocol) owns the directories it names.
//
//   <root>/_temporary/<uuid>/_temporary/attempt_<job>_<stage>_<partition>_<stage attempt>.<attempt>/   a task attempt writes here
//          [col=value/…]part-<partition>-<uuid>.c000.<ext>
//   <root>/_temporary/<uuid>/task_<job>_<partition>/                                                   its task commit (a rename)
//   <root>/[col=value/…]part-…                                                                         the job commit moves them here
//
// `<root>/_temporary` is shared by the jobs appending to one directory at once; each job has its
// own `<uuid>` directory in it (Spark's `_temporary/<appAttemptId>`, made unique per job), so one
// job's cleanup never touches another's files.

/// The format of written files, with its writer options. One case per format; a format's options
/// struct lives with its reader options (Plan/Formats, DataSource.swift).
@_spi(EmberInternal) public enum FileWriteFormat: Sendable, Codable, Hashable {
    case csv(CSVWriteOptions)
    /// One string column, one line per row (Spark's `write.text`).
    case text
    /// JSON lines (Spark's `write.json`).
    case json(JSONWriteOptions)
    /// Parquet (Spark's `write.parquet`).
    case parquet(ParquetWriteOptions)

    /// The format's name, as `write.format(…)` takes it.
    @_spi(EmberInternal) public var name: String {
        switch self {
        case .csv: return "csv"
        case .text: return "text"
        case .json: return "json"
        case .parquet: return "parquet"
        }
    }
}

@_spi(EmberInternal) public struct FileWriteSpec: Sendable, Codable, Hashable {
    /// Absolute path of the directory the committed files land in: the output directory (append),
    /// or the staging directory the job commit moves into its place.
    @_spi(EmberInternal) public var root: String
    /// Names the job in attempt and task directories (Spark's job tracker id and job number).
    @_spi(EmberInternal) public var jobId: String
    /// One per job, in every file name, so appends never collide.
    @_spi(EmberInternal) public var jobUUID: String
    @_spi(EmberInternal) public var format: FileWriteFormat
    /// The rows the tasks receive (data and partition columns).
    @_spi(EmberInternal) public var schema: StructType
    /// Indices into `schema` of the partitionBy columns, in directory order. Their values name the
    /// directories and are not written into the files.
    @_spi(EmberInternal) public var partitionColumns: [Int]

    @_spi(EmberInternal) public init(root: String, jobId: String, jobUUID: String, format: FileWriteFormat, schema: StructType, partitionColumns: [Int]) {
        self.root = root
        self.jobId = jobId
        self.jobUUID = jobUUID
        self.format = format
        self.schema = schema
        self.partitionColumns = partitionColumns
    }

    /// Indices into `schema` of the columns the files hold.
    @_spi(EmberInternal) public var dataColumns: [Int] { schema.fields.indices.filter { !partitionColumns.contains($0) } }
    @_spi(EmberInternal) public var dataSchema: StructType { StructType(dataColumns.map { schema.fields[$0] }) }

    @_spi(EmberInternal) public static let temporaryName = "_temporary"
    /// `<root>/_temporary`: the temporary directories of the jobs writing into `root`.
    @_spi(EmberInternal) public var sharedTemporaryDirectory: String { root + "/" + Self.temporaryName }
    /// `<root>/_temporary/<uuid>`: everything of this job before its commit, and nothing else.
    @_spi(EmberInternal) public var temporaryDirectory: String { sharedTemporaryDirectory + "/" + jobUUID }
    /// Where task attempts make their directories (created by the job setup, never by a task).
    @_spi(EmberInternal) public var attemptsDirectory: String { temporaryDirectory + "/" + Self.temporaryName }

    /// The directory one task attempt writes into.
    @_spi(EmberInternal) public func attemptDirectory(stage: StageID, partition: Int, stageAttempt: Int, attempt: Int) -> String {
        attemptsDirectory + "/attempt_\(jobId)_\(stage.value)_\(Self.padded(partition, 5))_\(stageAttempt).\(attempt)"
    }

    /// Where a committed task's files wait for the job commit (one per partition: only the first
    /// successful attempt of a partition commits).
    @_spi(EmberInternal) public func taskDirectory(partition: Int) -> String {
        temporaryDirectory + "/task_\(jobId)_\(Self.padded(partition, 5))"
    }

    /// `part-00003-<uuid>-c000.csv` (Spark's name for a file of an unpartitioned write), or
    /// `part-00003-<uuid>.c000.csv` in a partition directory.
    @_spi(EmberInternal) public func fileName(partition: Int, counter: Int, fileExtension: String) -> String {
        let separator = partitionColumns.isEmpty ? "-" : "."
        return "part-\(Self.padded(partition, 5))-\(jobUUID)\(separator)c\(Self.padded(counter, 3)).\(fileExtension)"
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
