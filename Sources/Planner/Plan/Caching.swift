// Caching as plan values: a cached DataFrame's partitions are kept by the executors that computed
// them (Spark's persist), under a storage level, and read back by later jobs.

/// Where cached partitions live (Spark's StorageLevel names).
public enum StorageLevel: String, Sendable, Codable, Hashable {
    /// In executor memory; a partition that does not fit is not cached (recomputed when needed).
    case memoryOnly = "MEMORY_ONLY"
    /// In memory, or on the executor's disk when memory is refused.
    case memoryAndDisk = "MEMORY_AND_DISK"
    /// On the executor's disk (zstd-compressed batches).
    case diskOnly = "DISK_ONLY"
}

/// One cached DataFrame in a physical plan.
@_spi(EmberInternal) public struct CacheSpec: Sendable, Codable, Hashable {
    /// Unique in the session (Spark's RDD id of the cached plan).
    @_spi(EmberInternal) public var id: Int
    @_spi(EmberInternal) public var level: StorageLevel
    @_spi(EmberInternal) public var schema: StructType
    @_spi(EmberInternal) public var numPartitions: Int
    @_spi(EmberInternal) public init(id: Int, level: StorageLevel, schema: StructType, numPartitions: Int) {
        self.id = id
        self.level = level
        self.schema = schema
        self.numPartitions = numPartitions
    }
}
