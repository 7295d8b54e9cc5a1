// Data sources as plan values: which files, in what format, with which options, split into
// byte ranges. Everything here is Codable so a task can carry its split to an executor.

/// How CSV parsing treats malformed records (wrong number of fields, unparsable values),
/// with Spark's names and semantics.
@_spi(EmberInternal) public enum ParseMode: String, Sendable, Codable, CaseIterable {
    /// Malformed fields become null; a row with too few fields is padded with nulls, extra fields are dropped.
    case permissive = "PERMISSIVE"
    /// Malformed rows are dropped.
    case dropMalformed = "DROPMALFORMED"
    /// The first malformed row fails the job, naming the file and line.
    case failFast = "FAILFAST"

    @_spi(EmberInternal) public static func parse(_ text: String) -> ParseMode? {
        ParseMode(rawValue: text.uppercased())
    }
}

/// CSV reader options (Spark's `header`, `inferSchema`, `sep`/`delimiter`, `quote`, `escape`,
/// `nullValue`, `mode`, `comment`).
@_spi(EmberInternal) public struct CSVOptions: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var header: Bool = false
    @_spi(EmberInternal) public var inferSchema: Bool = false
    @_spi(EmberInternal) public var delimiter: UInt8 = UInt8(ascii: ",")
    @_spi(EmberInternal) public var quote: UInt8 = UInt8(ascii: "\"")
    @_spi(EmberInternal) public var escape: UInt8 = UInt8(ascii: "\\")
    /// Text that stands for null (Spark's default is the empty string).
    @_spi(EmberInternal) public var nullValue: String = ""
    @_spi(EmberInternal) public var mode: ParseMode = .permissive
    /// Lines starting with this byte are skipped (Spark: disabled by default).
    @_spi(EmberInternal) public var comment: UInt8? = nil
    /// Infer types from the first this-many records only (nil: every record, Spark's default).
    /// A sampled schema is verified while scanning (see `verifyInferredTypes`).
    @_spi(EmberInternal) public var inferenceSampleRows: Int? = nil
    /// Set when the schema came from a sample: a value that does not parse as its column's inferred
    /// type fails the scan with an error marked `inferredTypeMismatch`, instead of becoming null, so
    /// the caller can infer again from every record.
    @_spi(EmberInternal) public var verifyInferredTypes: Bool = false

    @_spi(EmberInternal) public init() {}
}

/// Options for writing CSV output.
@_spi(EmberInternal) public struct CSVWriteOptions: Sendable, Codable, Hashable {
    /// Write the column names first (Spark's default: false).
    @_spi(EmberInternal) public var header: Bool = false
    @_spi(EmberInternal) public var delimiter: UInt8 = UInt8(ascii: ",")
    @_spi(EmberInternal) public var nullValue: String = ""
    @_spi(EmberInternal) public init() {}
}

/// The format of a file source.
@_spi(EmberInternal) public enum FileFormat: Sendable, Codable, Hashable {
    /// One row per line, a single `value: string` column (Spark's `read.text`).
    case text
    case csv(CSVOptions)
    /// JSON lines (Spark's `read.json`, multiLine = false); options in Formats/JSONOptions.swift.
    case json(JSONOptions)
    case parquet(ParquetOptions)
}

/// A byte range of one input file. The split owns every line whose first byte lies in
/// `[start, start + length)`; the last line may extend past the end. A split that does not start
/// at 0 skips ahead to the first line start at or after `start`.
@_spi(EmberInternal) public struct FileSplit: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var path: String
    @_spi(EmberInternal) public var start: Int64
    @_spi(EmberInternal) public var length: Int64
    /// Total size of the file when it was planned (a change is reported, not silently ignored).
    @_spi(EmberInternal) public var fileLength: Int64
    /// The values of the file's `col=value` directories (FileScan.partitionSchema's columns).
    @_spi(EmberInternal) public var partitionValues: [Value] = []
    @_spi(EmberInternal) public init(path: String, start: Int64, length: Int64, fileLength: Int64) {
        self.path = path
        self.start = start
        self.length = length
        self.fileLength = fileLength
    }
    @_spi(EmberInternal) public var end: Int64 { start + length }
}

/// How large a scan lets its records and batches grow. A string column's offsets are Int32, so no
/// line (CSV, JSON lines, text) may pass `Int32.max` bytes, and a batch is cut when its strings
/// reach `batchStringBytes` (SessionConfig's maxLineBytes and scanBatchStringBytes; tests lower
/// them to reach the limits with small files).
@_spi(EmberInternal) public struct ScanLimits: Sendable, Codable, Hashable {
    /// The longest line a line format takes; a longer one is an error naming the file and line.
    @_spi(EmberInternal) public var maxLineBytes: Int
    /// A batch is cut once the string bytes it holds (in any column) reach this.
    @_spi(EmberInternal) public var batchStringBytes: Int

    @_spi(EmberInternal) public static let maxStringBytes = Int(Int32.max)

    /// Limits clamped to what a string column can hold.
    @_spi(EmberInternal) public init(maxLineBytes: Int = ScanLimits.maxStringBytes, batchStringBytes: Int = 64 << 20) {
        self.maxLineBytes = min(max(maxLineBytes, 1), Self.maxStringBytes)
        self.batchStringBytes = min(max(batchStringBytes, 1), Self.maxStringBytes)
    }
}

/// A scan of files: format, full schema of the files, the columns to produce (pruning), and splits.
@_spi(EmberInternal) public struct FileScan: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var paths: [String]
    @_spi(EmberInternal) public var format: FileFormat
    /// The schema of the files.
    @_spi(EmberInternal) public var dataSchema: StructType
    /// Columns from `col=value` directories, after the files' own (values in each split).
    @_spi(EmberInternal) public var partitionSchema = StructType([])
    /// Indices into `dataSchema ++ partitionSchema` of the columns to produce, in order (column
    /// pruning); at first ``allColumns(dataSchema:partitionSchema:)``.
    @_spi(EmberInternal) public var requiredColumns: [Int]
    /// One split per map task.
    @_spi(EmberInternal) public var splits: [FileSplit]
    /// What partition pruning removed (nil: no filter on partition columns).
    @_spi(EmberInternal) public var pruning: PartitionPruning? = nil
    /// Comparisons a filter above the scan makes, for the format to skip data by (Parquet's statistics).
    @_spi(EmberInternal) public var pushedFilters: [ScanPredicate] = []
    /// Output columns (indices into `requiredColumns`) a text scan dictionary-encodes: string
    /// columns an aggregate groups by (ScanDictionaryColumns).
    @_spi(EmberInternal) public var dictionaryColumns: [Int] = []
    @_spi(EmberInternal) public var limits = ScanLimits()

    @_spi(EmberInternal) public init(paths: [String], format: FileFormat, dataSchema: StructType, partitionSchema: StructType = StructType([]),
                                     requiredColumns: [Int]? = nil, splits: [FileSplit]) {
        self.paths = paths
        self.format = format
        self.dataSchema = dataSchema
        self.partitionSchema = partitionSchema
        self.requiredColumns = requiredColumns ?? Self.allColumns(dataSchema: dataSchema, partitionSchema: partitionSchema)
        self.splits = splits
    }

    /// The columns of a scan before pruning, as indices into `dataSchema ++ partitionSchema`: the
    /// files' columns in their order, then the partition columns. A partition column the files
    /// also hold (names compared case-insensitively) is the partition column, in the file
    /// column's place, and the file's own values are not read (Spark's
    /// `PartitioningUtils.mergeDataAndPartitionSchema`: the data schema's order, the directory's
    /// value and type).
    @_spi(EmberInternal) public static func allColumns(dataSchema: StructType, partitionSchema: StructType) -> [Int] {
        let partitionIndex = Dictionary(partitionSchema.fields.enumerated().map { ($1.name.lowercased(), dataSchema.count + $0) },
                                        uniquingKeysWith: { first, _ in first })
        var overlapping = Set<Int>()
        var columns = dataSchema.fields.indices.map { i -> Int in
            guard let p = partitionIndex[dataSchema.fields[i].name.lowercased()] else { return i }
            overlapping.insert(p)
            return p
        }
        columns += (dataSchema.count..<(dataSchema.count + partitionSchema.count)).filter { !overlapping.contains($0) }
        return columns
    }

    /// The schema of the batches the scan produces.
    @_spi(EmberInternal) public var outputSchema: StructType {
        let all = dataSchema.fields + partitionSchema.fields
        return StructType(requiredColumns.map { all[$0] })
    }
}

/// `range(start, end, step)` split into `numPartitions` slices (Spark's `spark.range`): one `id` column.
@_spi(EmberInternal) public struct RangeSpec: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var start: Int64
    @_spi(EmberInternal) public var end: Int64
    @_spi(EmberInternal) public var step: Int64
    @_spi(EmberInternal) public var numPartitions: Int
    @_spi(EmberInternal) public init(start: Int64, end: Int64, step: Int64, numPartitions: Int) {
        self.start = start
        self.end = end
        self.step = step
        self.numPartitions = numPartitions
    }

    /// Number of values in the whole range.
    @_spi(EmberInternal) public var count: Int64 {
        if step > 0 { return end > start ? (end - start + step - 1) / step : 0 }
        return start > end ? (start - end - step - 1) / (-step) : 0
    }

    /// First value and number of values of slice `i` (elements spread evenly, as Spark does).
    @_spi(EmberInternal) public func slice(_ i: Int) -> (first: Int64, count: Int64) {
        let n = count, p = Int64(numPartitions)
        let from = n * Int64(i) / p, to = n * Int64(i + 1) / p
        return (start + from * step, to - from)
    }

    @_spi(EmberInternal) public static let schema = StructType([StructField("id", .long, nullable: false)])
}
