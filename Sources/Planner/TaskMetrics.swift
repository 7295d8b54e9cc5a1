// TaskMetrics: what one task attempt read, wrote and how long it took (Spark's TaskMetrics).

/// Counters a task reports with its status (Spark's TaskMetrics, the parts this engine fills).
public struct TaskMetrics: Sendable, Codable, Hashable {
    public var inputRows: Int64 = 0
    public var inputBytes: Int64 = 0
    /// Bytes of the input's column data after decompression and before decoding (Parquet; 0 for
    /// formats read as they are stored): what a columnar scan's throughput is measured in.
    public var decompressedBytes: Int64 = 0
    /// Parquet row groups read, and skipped because their statistics ruled out a pushed-down filter.
    public var rowGroupsRead: Int64 = 0
    public var rowGroupsSkipped: Int64 = 0
    public var outputRows: Int64 = 0
    /// Files a write task wrote and their bytes (Spark's numFiles, numOutputBytes; numOutputRows is `outputRows`).
    public var outputFiles: Int = 0
    public var outputBytes: Int64 = 0
    public var shuffleReadRows: Int64 = 0
    public var shuffleReadBytes: Int64 = 0
    /// Map output blocks this task fetched (empty ones are skipped).
    public var shuffleBlocksFetched: Int = 0
    public var shuffleWriteRows: Int64 = 0
    public var shuffleWriteBytes: Int64 = 0
    public var durationNanos: UInt64 = 0
    /// Spill runs written and their bytes on disk.
    public var spillCount: Int = 0
    public var diskBytesSpilled: Int64 = 0
    /// In-memory bytes of the data that spilling released (Spark's memoryBytesSpilled): what the
    /// spilled rows took in memory, not what they take on disk.
    public var memoryBytesSpilled: Int64 = 0
    /// Encoded bytes of a result task's result (Spark's resultSize).
    public var resultSize: Int64 = 0
    /// Most execution memory the task held at once.
    public var peakExecutionMemory: Int64 = 0
    /// Peak resident set size of the executor process when the task ended (VmHWM).
    public var executorPeakRSS: Int64 = 0
    /// The most frequent partitioning key of a reduce task the driver found skewed (else nil).
    public var heavyKey: HeavyKey? = nil
    /// Zero metrics, e.g. to add up a job's tasks.
    public init() {}

    /// Everything the task read: its input plus its shuffle read.
    public var readBytes: Int64 { inputBytes + shuffleReadBytes }
}

/// The dominant key of a skewed reduce partition, as the task's key summary found it.
public struct HeavyKey: Sendable, Codable, Hashable {
    /// The key as "k = 0", or "(a, b) = (1, x)" for several key columns.
    public var key: String
    /// Rows with this key: a lower bound, exact within `partitionRows / (summary slots + 1)`.
    public var rows: Int64
    /// Rows the task read in all.
    public var partitionRows: Int64
    @_spi(EmberInternal) public init(key: String, rows: Int64, partitionRows: Int64) {
        self.key = key
        self.rows = rows
        self.partitionRows = partitionRows
    }
}
