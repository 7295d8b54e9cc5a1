// MapOutputTracker: the driver's record of every shuffle's map outputs (one MapStatus per map
// partition), from which reduce tasks learn which byte ranges to read. Sizes per reduce partition
// (bytes and rows) are kept for later use: adaptive execution and skew diagnosis.
//
// THREADING: the scheduler's event loop changes it; the Session reads its statistics from other
// threads while a job runs, so its state sits behind its own short lock.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Synchronization

final class MapOutputTracker: Sendable {
    private let outputs = Mutex<[ShuffleID: [MapStatus?]]>([:])

    func register(shuffle: ShuffleID, numMaps: Int) {
        outputs.withLock { o in
            if o[shuffle] == nil { o[shuffle] = [MapStatus?](repeating: nil, count: numMaps) }
        }
    }

    /// Forgets a shuffle that will not be written (an adaptive join skipped its stage).
    func unregister(shuffle: ShuffleID) {
        outputs.withLock { _ = $0.removeValue(forKey: shuffle) }
    }

    /// Changes the number of map outputs of a shuffle none of whose outputs is registered yet (an
    /// adaptive join changed its writer's tasks).
    func resize(shuffle: ShuffleID, numMaps: Int) {
        outputs.withLock { o in
            guard let statuses = o[shuffle], !statuses.contains(where: { $0 != nil }) else { return }
            o[shuffle] = [MapStatus?](repeating: nil, count: numMaps)
        }
    }

    func add(_ status: MapStatus) {
        outputs.withLock { $0[status.shuffleId]?[status.mapIndex] = status }
    }

    func remove(shuffle: ShuffleID, mapIndex: Int) {
        outputs.withLock { $0[shuffle]?[mapIndex] = nil }
    }

    /// Map partitions of a shuffle that have no output yet.
    func missing(_ shuffle: ShuffleID) -> [Int] {
        guard let statuses = outputs.withLock({ $0[shuffle] }) else { return [] }
        return statuses.indices.filter { statuses[$0] == nil }
    }

    func isAvailable(_ shuffle: ShuffleID) -> Bool {
        outputs.withLock { o in o[shuffle].map { !$0.contains { $0 == nil } } ?? false }
    }

    func statuses(_ shuffle: ShuffleID) -> [MapStatus] { (outputs.withLock { $0[shuffle] } ?? []).compactMap { $0 } }

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

    /// Size statistics of every shuffle whose map outputs are registered.
    var allStatistics: [ShuffleID: MapOutputStatistics] {
        Dictionary(uniqueKeysWithValues: shuffleIDs.compactMap { id in statistics(id).map { (id, $0) } })
    }

    var shuffleIDs: [ShuffleID] { outputs.withLock { Array($0.keys) } }

    /// The blocks reduce partition `reduceId` reads from every map output of `shuffle` (empty ones included
    /// with length 0: the reader skips them).
    func blocks(shuffle: ShuffleID, reduceId: Int) -> [ShuffleBlockRef] {
        statuses(shuffle).map { $0.block(reduceId: reduceId) }
    }
}
