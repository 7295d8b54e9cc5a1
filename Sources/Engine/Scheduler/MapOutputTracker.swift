// MapOutputTracker: the driver's record of every shuffle's map outputs (one MapStatus per map
// partition), from which reduce tasks learn which byte ranges to read. Sizes per reduce partition
// (bytes and rows) are kept for later use: adaptive execution and skew diagnosis.

import Executor
import Planner
import Shuffle

struct MapOutputTracker {
    private var outputs: [ShuffleID: [MapStatus?]] = [:]

    mutating func register(shuffle: ShuffleID, numMaps: Int) {
        if outputs[shuffle] == nil { outputs[shuffle] = [MapStatus?](repeating: nil, count: numMaps) }
    }

    mutating func add(_ status: MapStatus) {
        outputs[status.shuffleId]?[status.mapIndex] = status
    }

    mutating func remove(shuffle: ShuffleID, mapIndex: Int) {
        outputs[shuffle]?[mapIndex] = nil
    }

    /// Map partitions of a shuffle that have no output yet.
    func missing(_ shuffle: ShuffleID) -> [Int] {
        guard let statuses = outputs[shuffle] else { return [] }
        return statuses.indices.filter { statuses[$0] == nil }
    }

    func isAvailable(_ shuffle: ShuffleID) -> Bool { outputs[shuffle] != nil && missing(shuffle).isEmpty }

    func statuses(_ shuffle: ShuffleID) -> [MapStatus] { (outputs[shuffle] ?? []).compactMap { $0 } }

    /// Bytes and rows per reduce partition of a shuffle, summed over its map outputs.
    func statistics(_ shuffle: ShuffleID) -> MapOutputStatistics? {
        let all = statuses(shuffle)
        guard let first = all.first else { return nil }
        var bytes = [Int64](repeating: 0, count: first.partitionLengths.count)
        var rows = bytes
        for s in all {
            for r in bytes.indices {
                bytes[r] += s.partitionLengths[r]
                rows[r] += s.partitionRows[r]
            }
        }
        return MapOutputStatistics(shuffleId: shuffle, mapOutputs: all.count, bytesByPartition: bytes, rowsByPartition: rows)
    }

    var shuffleIDs: [ShuffleID] { Array(outputs.keys) }

    /// The blocks reduce partition `reduceId` reads from every map output of `shuffle` (empty ones included
    /// with length 0: the reader skips them).
    func blocks(shuffle: ShuffleID, reduceId: Int) -> [ShuffleBlockRef] {
        statuses(shuffle).map { s in
            ShuffleBlockRef(shuffleId: s.shuffleId, mapId: s.mapId, mapIndex: s.mapIndex, executorId: s.executorId,
                            dataPath: s.dataPath, indexPath: s.indexPath, length: s.partitionLengths[reduceId])
        }
    }
}
