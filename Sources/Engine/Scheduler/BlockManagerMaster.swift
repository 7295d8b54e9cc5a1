// BlockManagerMaster: where the driver believes cached partitions are (Spark's BlockManagerMaster
// for RDD blocks): cache id → partition → executors holding it.
//
// It learns of a block when the task that stored it succeeds, and forgets it when its executor is
// lost or removed, when the cache is unpersisted, when a task finds it missing, or when an
// executor's storage report no longer lists it (evicted to make room for execution memory).
// Reports carry a version that grows on the executor; only a newer report than the last one is
// applied, and reports only ever remove blocks (a report may predate a block's put or an
// unpersist, so it never adds one).
//
// THREADING: the scheduler's event loop changes it; the Session's accessors read it from other
// threads while a job runs, so its state sits behind its own short lock.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
import Synchronization

final class BlockManagerMaster: Sendable {
    private struct State {
        var locations: [Int: [Int: Set<ExecutorID>]] = [:]
        var reports: [ExecutorID: StorageReport] = [:]
    }
    private let state = Mutex(State())

    /// Cache id → partition → executors holding it.
    var locations: [Int: [Int: Set<ExecutorID>]] { state.withLock { $0.locations } }
    /// The newest storage report of each executor.
    var reports: [ExecutorID: StorageReport] { state.withLock { $0.reports } }

    /// A task on `executor` stored a block.
    func stored(_ block: CachedBlockInfo, on executor: ExecutorID) {
        state.withLock { s in _ = s.locations[block.cacheId, default: [:]][block.partition, default: []].insert(executor) }
    }

    /// Applies an executor's report if it is newer than the last one: blocks it does not list are gone.
    func apply(_ report: StorageReport, from executor: ExecutorID) {
        state.withLock { s in
            if let known = s.reports[executor], known.version >= report.version { return }
            s.reports[executor] = report
            let held = Set(report.blocks.map { BlockKey(cacheId: $0.cacheId, partition: $0.partition) })
            for (cache, partitions) in s.locations {
                for (partition, holders) in partitions where holders.contains(executor) {
                    if !held.contains(BlockKey(cacheId: cache, partition: partition)) {
                        s.locations[cache]![partition]!.remove(executor)
                    }
                }
            }
        }
    }

    /// An executor went away (lost, or removed by dynamic allocation): its blocks went with it.
    func removeExecutor(_ id: ExecutorID) {
        state.withLock { s in
            s.reports[id] = nil
            for cache in s.locations.keys {
                for partition in s.locations[cache]!.keys { s.locations[cache]![partition]!.remove(id) }
            }
        }
    }

    /// Forgets one cached block (found missing) or all blocks of a cache (unpersist).
    func forget(_ cacheId: Int, partition: Int? = nil) {
        state.withLock { s in
            if let partition { s.locations[cacheId]?[partition] = nil } else { s.locations[cacheId] = nil }
        }
    }

    /// True when every partition of a cached plan is held by an executor outside `excluded`.
    func isFullyCached(_ spec: CacheSpec, excluding excluded: Set<ExecutorID> = []) -> Bool {
        state.withLock { s in
            guard let parts = s.locations[spec.id] else { return false }
            return (0..<spec.numPartitions).allSatisfy { !(parts[$0] ?? []).subtracting(excluded).isEmpty }
        }
    }

    /// The executors holding each partition of a cache (nil: none known).
    func holders(of cacheId: Int) -> [Int: Set<ExecutorID>]? { state.withLock { $0.locations[cacheId] } }

    private struct BlockKey: Hashable { let cacheId: Int; let partition: Int }
}
