// cache() / persist() / unpersist(): the first action computes and keeps the partitions on the
// executors; later actions read them PROCESS_LOCAL without scanning; a lost executor's blocks are
// recomputed; unpersist drops them.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct CacheTests {
    func words(_ session: Session, _ input: String) throws -> DataFrame {
        try session.read.text(input).select(explode(split(col("value"), "[^A-Za-z]+")).alias("w")).filter(col("w") =!= "")
    }

    @Test(arguments: [StorageLevel.memoryOnly, .memoryAndDisk, .diskOnly])
    func laterActionsReadCachedPartitions(_ level: StorageLevel) throws {
        let dir = ScratchDir("cache")
        defer { dir.cleanup() }
        let text = randomText(lines: 3000, vocabulary: 400, skew: false, seed: 4)
        let input = dir.write("in.txt", text)
        let session = try makeSession(executors: 2, cores: 2, partitions: 3, maxPartitionBytes: 16 << 10)
        defer { session.stop() }
        let cached = try words(session, input).persist(level)
        let total = referenceWordCount([text]).reduce(0) { $0 + $1.1 }
        #expect(try cached.count() == Int64(total))
        let firstScan = session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }.count
        #expect(firstScan > 2, "the first action scanned the file")
        #expect(try cached.count() == Int64(total))
        let second = session.lastJobTasks
        #expect(second.allSatisfy { $0.metrics.inputBytes == 0 }, "the second action read cached blocks, not the file")
        let mapTasks = second.filter { $0.stageId != second.last?.stageId }
        #expect(!mapTasks.isEmpty && mapTasks.allSatisfy { $0.locality == .processLocal }, "\(mapTasks.map(\.locality))")
        let counts = try cached.groupBy(lower(col("w")).alias("w")).count().orderBy(col("count").desc(), col("w").asc()).collect()
        #expect(counts.map { "\($0[0]):\($0[1])" } == referenceWordCount([text]).map { "\($0.0):\($0.1)" })
        cached.unpersist()
        #expect(try cached.count() == Int64(total))
        #expect(session.lastJobTasks.contains { $0.metrics.inputBytes > 0 }, "after unpersist the file is scanned again")
    }

    @Test func blocksOfALostExecutorAreRecomputed() throws {
        let dir = ScratchDir("cache-loss")
        defer { dir.cleanup() }
        let text = randomText(lines: 3000, vocabulary: 400, skew: false, seed: 6)
        let input = dir.write("in.txt", text)
        let session = try makeSession(executors: 2, cores: 2, partitions: 3, maxPartitionBytes: 16 << 10)
        defer { session.stop() }
        let cached = try words(session, input).cache()
        let total = Int64(referenceWordCount([text]).reduce(0) { $0 + $1.1 })
        #expect(try cached.count() == total)
        kill(session.executorPIDs[0], SIGKILL)
        usleep(300_000)
        #expect(try cached.count() == total, "the lost blocks were recomputed")
        #expect(try cached.count() == total)
        #expect(session.lastJobTasks.allSatisfy { $0.metrics.inputBytes == 0 }, "and cached again")
    }
}
