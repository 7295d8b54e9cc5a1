// ShuffleFiles: names and on-disk layout of one map task's shuffle output (data + index file,
// after Spark's IndexShuffleBlockResolver), the index check, and the MapStatus a map task reports.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// File naming and the index format of a map output.
///
/// ```
///  <dir>/shuffle_<shuffleId>_<mapId>_0.data
///  ┌──────────────────┬──────────────────┬─────┬──────────────────────┐
///  │ partition 0      │ partition 1      │ …   │ partition P-1        │   each: zero bytes, or one or
///  │ zstd frame(s)    │ (empty: 0 bytes) │     │ zstd frame(s)        │   more complete zstd frames of
///  └──────────────────┴──────────────────┴─────┴──────────────────────┘   BatchCodec-encoded batches
///
///  <dir>/shuffle_<shuffleId>_<mapId>_0.index     (P + 1) × big-endian UInt64
///  ┌─────────┬────────────┬────────────┬─────┬──────────────────────┐
///  │ 0       │ end of p0  │ end of p1  │ …   │ end of p(P-1)        │   = data file length
///  └─────────┴────────────┴────────────┴─────┴──────────────────────┘
/// ```
///
/// Reduce partition r is the byte range `[offset[r], offset[r+1])` of the data file: a reducer
/// reads the two offsets at `r * 8` and `(r + 1) * 8` and then exactly that range. `mapId` is the
/// task attempt id, so two attempts of one map partition never write the same names; the trailing
/// `0` is Spark's no-op reduce id of a whole-file block.
@_spi(EmberInternal) public enum ShuffleFiles {
    @_spi(EmberInternal) public static func dataFileName(shuffleId: ShuffleID, mapId: TaskID) -> String {
        "shuffle_\(shuffleId.value)_\(mapId.value)_0.data"
    }

    @_spi(EmberInternal) public static func indexFileName(shuffleId: ShuffleID, mapId: TaskID) -> String {
        "shuffle_\(shuffleId.value)_\(mapId.value)_0.index"
    }

    @_spi(EmberInternal) public static func dataPath(directory: String, shuffleId: ShuffleID, mapId: TaskID) -> String {
        join(directory, dataFileName(shuffleId: shuffleId, mapId: mapId))
    }

    @_spi(EmberInternal) public static func indexPath(directory: String, shuffleId: ShuffleID, mapId: TaskID) -> String {
        join(directory, indexFileName(shuffleId: shuffleId, mapId: mapId))
    }

    /// Deletes a map output's data and index files (missing files are fine).
    @_spi(EmberInternal) public static func remove(directory: String, shuffleId: ShuffleID, mapId: TaskID) {
        FileOps.remove(indexPath(directory: directory, shuffleId: shuffleId, mapId: mapId))
        FileOps.remove(dataPath(directory: directory, shuffleId: shuffleId, mapId: mapId))
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The index bytes for the given partition lengths: cumulative big-endian offsets from 0.
    static func encodeIndex(lengths: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((lengths.count + 1) * 8)
        var offset: Int64 = 0
        withUnsafeBytes(of: offset.bigEndian) { out.append(contentsOf: $0) }
        for length in lengths {
            offset += length
            withUnsafeBytes(of: offset.bigEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Spark's `checkIndexAndDataFile`: the partition lengths of an existing, consistent pair, or
    /// nil when there is none. Consistent means: the index holds exactly `numPartitions + 1`
    /// offsets, the first is 0, they never decrease, and the last equals the data file's length.
    @_spi(EmberInternal) public static func validLengths(indexPath: String, dataPath: String, numPartitions: Int) -> [Int64]? {
        guard numPartitions > 0,
              let index = try? PosixFile.openForReading(indexPath),
              let data = try? PosixFile.openForReading(dataPath),
              let indexSize = try? index.size(), indexSize == Int64(numPartitions + 1) * 8,
              let dataSize = try? data.size()
        else { return nil }
        var raw = [UInt8](repeating: 0, count: Int(indexSize))
        let readOK = (try? raw.withUnsafeMutableBytes { try index.read(into: $0.baseAddress!, count: $0.count, at: 0) }) != nil
        guard readOK else { return nil }
        var lengths: [Int64] = []
        lengths.reserveCapacity(numPartitions)
        var previous: Int64 = 0
        let ok = raw.withUnsafeBytes { bytes -> Bool in
            for i in 0...numPartitions {
                let offset = Int64(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                if i == 0 {
                    if offset != 0 { return false }
                } else {
                    if offset < previous { return false }
                    lengths.append(offset - previous)
                }
                previous = offset
            }
            return previous == dataSize
        }
        return ok ? lengths : nil
    }
}

/// What a map task reports to the driver: where its output is and how big each reduce partition
/// is, in compressed bytes on disk and in rows. The scheduler, adaptive coalescing and skew
/// diagnosis read these; a reducer skips the blocks whose length is 0.
@_spi(EmberInternal) public struct MapStatus: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var shuffleId: ShuffleID
    /// The task attempt that wrote the files (also the middle part of their names).
    @_spi(EmberInternal) public var mapId: TaskID
    /// The map partition index (0..<number of map tasks).
    @_spi(EmberInternal) public var mapIndex: Int
    @_spi(EmberInternal) public var executorId: ExecutorID
    @_spi(EmberInternal) public var dataPath: String
    @_spi(EmberInternal) public var indexPath: String
    /// Bytes of each reduce partition in the data file.
    @_spi(EmberInternal) public var partitionLengths: [Int64]
    /// Rows of each reduce partition.
    @_spi(EmberInternal) public var partitionRows: [Int64]

    @_spi(EmberInternal) public init(shuffleId: ShuffleID, mapId: TaskID, mapIndex: Int, executorId: ExecutorID,
                dataPath: String, indexPath: String, partitionLengths: [Int64], partitionRows: [Int64]) {
        self.shuffleId = shuffleId
        self.mapId = mapId
        self.mapIndex = mapIndex
        self.executorId = executorId
        self.dataPath = dataPath
        self.indexPath = indexPath
        self.partitionLengths = partitionLengths
        self.partitionRows = partitionRows
    }

    @_spi(EmberInternal) public var numPartitions: Int { partitionLengths.count }
    @_spi(EmberInternal) public var totalBytes: Int64 { partitionLengths.reduce(0, +) }
    @_spi(EmberInternal) public var totalRows: Int64 { partitionRows.reduce(0, +) }

    /// The block a reducer of partition `reduceId` fetches from this map output.
    @_spi(EmberInternal) public func block(reduceId: Int) -> ShuffleBlockRef {
        ShuffleBlockRef(shuffleId: shuffleId, mapId: mapId, mapIndex: mapIndex, executorId: executorId,
                        dataPath: dataPath, indexPath: indexPath, length: partitionLengths[reduceId],
                        rows: partitionRows.indices.contains(reduceId) ? partitionRows[reduceId] : 0)
    }
}
