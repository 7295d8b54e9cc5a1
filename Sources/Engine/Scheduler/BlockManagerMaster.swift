// BlockManagerMaster: where the driver believes cached partitions are (Spark's BlockManagerMaster
// for RDD blocks): cache id → partition → executors holding it.
//
// It learns of a block when the task that stored it succeeds, and forgets it when its executor is
// lost or removed, when the cache is unpersisted, when a task finds it missing, or when an
// executor's storage report no longer lists it (evicted to make room for execution memory).
// Reports carry a version that grows on the executor; only a newer report than the last one is
// applied, and reports only ever remove blocks (a report may predate a block's put or an
// unpersist, so it never adds one).

import Executor
import Planner

struct BlockManagerMaster {
    private(set) var locations: [Int: [Int: Set<ExecutorID>]] = [:]
    /// The newest storage report of each executor.
    private(set) var reports: [ExecutorID: StorageReport] = [:]

    /// A task on `executor` stored a block.
    mutating func stored(_ block: CachedBlockInfo, on executor: ExecutorID) {
        locations[block.cacheId, default: [:]][block.partition, default: []].insert(executor)
    }

    /// Applies an executor's report if it is newer than the last one: blocks it does not list are gone.
    mutating func apply(_ report: StorageReport, from executor: ExecutorID) {
        if let known = reports[executor], known.version >= report.version { return }
        reports[executor] = report
        let held = Set(report.blocks.map { BlockKey(cacheId: $0.cacheId, partition: $0.partition) })
        for (cache, partitions) in locations {
            for (partition, holders) in partitions where holders.contains(executor) {
                if !held.contains(BlockKey(cacheId: cache, partition: partition)) {
                    locations[cache]![partition]!.remove(executor)
                }
            }
        }
    }

    /// An executor went away (lost, or removed by dynamic allocation): its blocks went with it.
    mutating func removeExecutor(_ id: ExecutorID) {
        reports[id] = nil
        for cache in locations.keys {
            for partition in locations[cache]!.keys { locations[cache]![partition]!.remove(id) }
        }
    }

    /// Forgets one cached block (found missing) or all blocks of a cache (unpersist).
    mutating func forget(_ cacheId: Int, partition: Int? = nil) {
        if let partition { locations[cacheId]?[partition] = nil } else { locations[cacheId] = nil }
    }

    /// True when every partition of a cached plan is held by an executor outside `excluded`.
    func isFullyCached(_ spec: CacheSpec, excluding excluded: Set<ExecutorID> = []) -> Bool {
        guard let parts = locations[spec.id] else { return false }
        return (0..<spec.numPartitions).allSatisfy { !(parts[$0] ?? []).subtracting(excluded).isEmpty }
    }

    private struct BlockKey: Hashable { let cacheId: Int; let partition: Int }
}
