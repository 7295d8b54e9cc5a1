// Cached blocks' storage memory on real executors: a replaced block releases its storage; a task
// that fails after computing its partition leaves no block behind; execution memory evicts cached
// blocks down to the storage region (half the pool) and the driver learns which are gone (dropped
// MEMORY_ONLY blocks are recomputed, MEMORY_AND_DISK blocks are read from disk); an executor
// removed by dynamic allocation takes its blocks out of the driver's map.
//
// Accounting is checked through the storage report each executor sends with its task statuses:
// the storage memory its memory manager holds must equal the bytes of the blocks it keeps in
// memory, and every block it keeps must be one the driver knows of.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing

@Suite(.serialized) struct CacheStorageTests {
    func session(executors: Int, memory: Int64, configure: (inout SessionConfig) -> Void = { _ in }) throws -> Session {
        try Session(config: testConfig(executors: executors, cores: 1, memory: memory) { config in
            config.shufflePartitions = 2
            configure(&config)
        })
    }

    /// Storage memory equals the in-memory blocks' bytes on every executor, and the driver knows
    /// every block an executor keeps.
    func expectConsistentStorage(_ session: Session, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let locations = session.cachedBlockLocations
        for (executor, report) in session.storageReports {
            let inMemory = report.blocks.filter(\.inMemory).reduce(Int64(0)) { $0 + $1.bytes }
            #expect(report.memoryUsed == inMemory, "\(comment): executor \(executor) accounts \(report.memoryUsed) bytes to blocks of \(inMemory)",
                    sourceLocation: sourceLocation)
            for block in report.blocks {
                #expect(locations[block.cacheId]?[block.partition]?.contains(executor) == true,
                        "\(comment): executor \(executor) keeps rdd_\(block.cacheId)_\(block.partition), which the driver does not know of",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func replacingABlockReleasesItsStorage() throws {
        // Partitions 0 and 1 are small; partition 2 never fits, so the cache is never complete and
        // every action recomputes all three, storing 0 and 1 again over their old copies.
        let session = try session(executors: 1, memory: 16 << 20)
        defer { session.stop() }
        let cached = session.range(0, 300_000, numPartitions: 3)
            .filter((col("id") % 20 === 0) || (col("id") >= 200_000))
            .select(col("id"), randstr(100, seed: col("id")).alias("s"))
            .persist(.memoryOnly)
        for round in 1...3 {
            #expect(try cached.count() == 110_000, "round \(round)")
            expectConsistentStorage(session, "after round \(round)")
            let blocks = session.storageReports.values.flatMap(\.blocks).map(\.partition).sorted()
            #expect(blocks == [0, 1], "round \(round): the two small partitions stay cached: \(blocks)")
        }
    }

    @Test func aTaskThatFailsAfterComputingItsPartitionLeavesNoBlock() throws {
        let session = try session(executors: 2, memory: 256 << 20) {
            $0.faults.failTasksAtEnd = [TaskSelector(stage: 0, partition: 0, attempt: 0)]
        }
        defer { session.stop() }
        let cached = session.range(0, 40_000, numPartitions: 4).select(col("id"), randstr(50, seed: col("id")).alias("s")).persist(.memoryOnly)
        #expect(try cached.count() == 40_000)
        #expect(session.lastJobFailures.contains { $0.message.contains("injected late failure") }, "the fault fired")
        expectConsistentStorage(session, "after the retried job")
        let held = session.storageReports.values.flatMap(\.blocks).map(\.partition).sorted()
        #expect(held == [0, 1, 2, 3], "one block per partition, none left by the failed attempt: \(held)")
        #expect(try cached.count() == 40_000)
        #expect(session.lastJobTasks.filter { $0.stageId != session.lastJobTasks.last?.stageId }.allSatisfy { $0.metrics.inputRows == 0 },
                "the second action read the cache")
    }

    @Test(arguments: [StorageLevel.memoryOnly, .memoryAndDisk])
    func executionEvictsStorageDownToHalfThePool(_ level: StorageLevel) throws {
        // One task slot, 64 MiB: a pool of ~38.4 MiB whose storage region is ~19.2 MiB. Two cached
        // partitions of ~14 MiB fill 28 MiB; an aggregate over 1M distinct keys then needs the room.
        let memory: Int64 = 64 << 20
        let session = try session(executors: 1, memory: memory)
        defer { session.stop() }
        let pool = Int64(Double(memory) * ExecutorMemoryManager.memoryFraction)
        let region = Int64(Double(pool) * ExecutorMemoryManager.storageFraction)
        let cached = session.range(0, 262_000, numPartitions: 2).select(col("id"), randstr(100, seed: col("id")).alias("s")).persist(level)
        #expect(try cached.count() == 262_000)
        let before = try #require(session.storageReports.values.first)
        #expect(before.blocks.filter(\.inMemory).count == 2 && before.memoryUsed > region,
                "both blocks in memory, above the storage region: \(before.memoryUsed) of \(pool)")

        #expect(try session.range(0, 1_000_000, numPartitions: 2).groupBy(col("id")).count().count() == 1_000_000)
        let after = try #require(session.storageReports.values.first)
        #expect(after.memoryUsed <= region, "storage was evicted down to the region: \(after.memoryUsed) > \(region)")
        #expect(after.blocks.filter(\.inMemory).count == 1, "only as much as needed was evicted: \(after.blocks)")
        expectConsistentStorage(session, "after the eviction")
        let locations = session.cachedBlockLocations.values.flatMap { $0.values }.filter { !$0.isEmpty }.count
        #expect(locations == (level == .memoryOnly ? 1 : 2), "the driver knows what is left: \(session.cachedBlockLocations)")

        #expect(try cached.count() == 262_000)
        #expect(session.lastJobFailures.isEmpty, "no task looked for a block that is gone: \(session.lastJobFailures.map(\.message))")
        let firstStage = session.lastJobTasks.filter { $0.stageId != session.lastJobTasks.last?.stageId }
        if level == .memoryAndDisk {
            #expect(firstStage.allSatisfy { $0.metrics.inputRows == 0 }, "both partitions were read from the cache (one from disk)")
        } else {
            #expect(firstStage.contains { $0.metrics.inputRows > 0 }, "the dropped partition was recomputed")
        }
        expectConsistentStorage(session, "after the recomputation")
    }

    @Test func anExecutorRemovedByDynamicAllocationTakesItsBlocksAlong() throws {
        let session = try session(executors: 2, memory: 256 << 20) {
            $0.dynamicAllocation.enabled = true
            $0.dynamicAllocation.minExecutors = 1
            $0.dynamicAllocation.initialExecutors = 2
            $0.dynamicAllocation.maxExecutors = 2
            $0.dynamicAllocation.executorIdleTimeoutSeconds = 0.5
        }
        defer { session.stop() }
        let cached = session.range(0, 20_000, numPartitions: 2).select(col("id"), (col("id") % 7).alias("k")).cache()
        #expect(try cached.count() == 20_000)
        let holders = Set(session.cachedBlockLocations.values.flatMap { $0.values.flatMap { $0 } })
        #expect(holders.count == 2, "each executor holds a block: \(holders)")
        // Wait out the idle timeout; the next job removes one idle executor (down to minExecutors).
        let deadline = Date(timeIntervalSinceNow: 60)
        while session.removedIdleExecutors.isEmpty && Date() < deadline {
            usleep(600_000)
            _ = try session.range(0, 10, numPartitions: 1).count()
        }
        let removed = try #require(session.removedIdleExecutors.first)
        #expect(!Set(session.cachedBlockLocations.values.flatMap { $0.values.flatMap { $0 } }).contains(ExecutorID(removed)),
                "the removed executor's blocks left the driver's map")
        #expect(try cached.groupBy("k").count().count() == 7)
        #expect(session.lastJobFailures.isEmpty, "the missing partition was recomputed, not looked for: \(session.lastJobFailures.map(\.message))")
        #expect(session.executorsLost == 0)
    }
}
