// DirectoryOutputFailureTests: a write job that fails, is cancelled, retries tasks, speculates or
// loses an executor mid-write. A failed or cancelled job leaves no visible output and no
// `_temporary` (and an overwrite or append leaves the old output as it was); a job that succeeds
// after retries, speculative copies or a lost executor has exactly one copy of each partition's rows.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct DirectoryOutputFailureTests {
    /// 4 partitions of 5000 rows (2 input batches each); the write is the session's first job (stage 0).
    func source(_ session: Session) -> DataFrame { session.range(0, 20_000, numPartitions: 4) }

    func ids(_ dir: String) throws -> [Int64] { try readCSVOutput(dir).map { Int64($0[0])! }.sorted() }

    func session(_ configure: (inout SessionConfig) -> Void) throws -> Session {
        try Session(config: testConfig(executors: 2, cores: 2, configure))
    }

    /// Nothing visible and nothing left over, beside the given names.
    func expectNothingLeft(in dir: String, besides names: [String], _ comment: Comment? = nil) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == names.sorted(), comment)
    }

    @Test func aJobFailingAtTheEndOfItsWriteLeavesNothing() throws {
        let dir = ScratchDir("write-fail")
        defer { dir.cleanup() }
        // Partition 2 fails every attempt after its files were written.
        let s = try session { $0.faults.failTasksAtEnd = (0..<4).map { TaskSelector(stage: 0, partition: 2, attempt: $0) } }
        defer { s.stop() }
        let error = #expect(throws: EmberError.self) { try source(s).write.csv(dir.file("out")) }
        #expect(error?.message.contains("failed 4 times") == true)
        try expectNothingLeft(in: dir.path, besides: [], "no output, no staging directory")
    }

    @Test func aFailedOverwriteOrAppendKeepsTheOldOutput() throws {
        let dir = ScratchDir("write-fail-old")
        defer { dir.cleanup() }
        let out = dir.file("out")
        let first = try makeSession(executors: 1, cores: 2)
        try first.range(0, 10, numPartitions: 2).write.csv(out)
        first.stop()
        let before = treeListing(out)
        for mode in [SaveMode.overwrite, .append] {
            let s = try session { $0.faults.failTasksAtEnd = (0..<4).map { TaskSelector(stage: 0, partition: 1, attempt: $0) } }
            #expect(throws: EmberError.self) { try source(s).write.mode(mode).csv(out) }
            s.stop()
            #expect(treeListing(out) == before, "\(mode): the old output is as it was, no _temporary")
            #expect(try ids(out) == Array(0..<10))
            try expectNothingLeft(in: dir.path, besides: ["out"], "\(mode): no staging directory")
        }
    }

    @Test func retriedTasksLeaveOneCopyOfEachPartition() throws {
        let dir = ScratchDir("write-retry")
        defer { dir.cleanup() }
        // Two partitions fail once after writing their files, one of them twice.
        let s = try session {
            $0.faults.failTasksAtEnd = [TaskSelector(stage: 0, partition: 0, attempt: 0), TaskSelector(stage: 0, partition: 3, attempt: 0),
                                        TaskSelector(stage: 0, partition: 3, attempt: 1)]
            $0.faults.failTasks = [TaskSelector(stage: 0, partition: 1, attempt: 0)]
        }
        defer { s.stop() }
        try source(s).write.csv(dir.file("out"))
        #expect(s.lastJobFailures.count == 4)
        #expect(try ids(dir.file("out")) == Array(0..<20_000), "each row once")
        let files = treeListing(dir.file("out"))
        #expect(files.filter { $0.hasPrefix("part-") }.count == 4 && files.contains("_SUCCESS"), "\(files)")
        #expect(!files.contains { $0.hasPrefix("_temporary") })
    }

    @Test func aSpeculativeCopyAndItsStragglerLeaveOneCopy() throws {
        let dir = ScratchDir("write-spec")
        defer { dir.cleanup() }
        let s = try session {
            $0.speculation = true
            $0.faults.slowTasks = [(TaskSelector(stage: 0, partition: 0, attempt: 0), 1500)]
        }
        defer { s.stop() }
        try source(s).write.csv(dir.file("out"))
        #expect(try ids(dir.file("out")) == Array(0..<20_000), "each row once")
        #expect(treeListing(dir.file("out")).filter { $0.hasPrefix("part-00000-") }.count == 1)
        // The straggler is killed at its next batch boundary and removes its attempt directory.
        let deadline = Date(timeIntervalSinceNow: 60)
        while s.killedTasks.isEmpty && Date() < deadline { usleep(50_000) }
        #expect(!s.killedTasks.isEmpty, "the losing copy was killed")
        #expect(!treeListing(dir.file("out")).contains { $0.hasPrefix("_temporary") })
        #expect(try ids(dir.file("out")) == Array(0..<20_000), "still once after the straggler stopped")
    }

    @Test func anExecutorKilledMidWriteLeavesOneCopy() throws {
        let dir = ScratchDir("write-kill")
        defer { dir.cleanup() }
        // Executor 1 is killed (SIGKILL) when it finished one task; its other task is mid-write then.
        let s = try session {
            $0.faults.killExecutor = (executor: 1, afterTasks: 1)
            $0.faults.slowTasks = (1..<4).map { (TaskSelector(stage: 0, partition: $0), 400) }
        }
        defer { s.stop() }
        try source(s).write.csv(dir.file("out"))
        #expect(s.executorsLost == 1)
        #expect(try ids(dir.file("out")) == Array(0..<20_000), "each row once")
        let files = treeListing(dir.file("out"))
        #expect(files.filter { $0.hasPrefix("part-") }.count == 4 && !files.contains { $0.hasPrefix("_temporary") }, "\(files)")
    }

    @Test func aCancelledWriteLeavesNothing() throws {
        let dir = ScratchDir("write-cancel")
        defer { dir.cleanup() }
        let s = try session { $0.faults.slowTasks = (0..<4).map { (TaskSelector(stage: 0, partition: $0), 3000) } }
        defer { s.stop() }
        let canceller = Thread {
            usleep(500_000)
            s.cancelAllJobs()
        }
        canceller.start()
        let error = #expect(throws: EmberError.self) { try source(s).write.csv(dir.file("out")) }
        #expect(error?.code == .cancelled)
        try expectNothingLeft(in: dir.path, besides: [])
    }

    /// An append into a directory whose `_temporary` is a planted symlink is refused: nothing is
    /// written where the link points, and the existing output stays as it was.
    @Test func aPlantedTemporarySymlinkIsNotWrittenThrough() throws {
        let dir = ScratchDir("dir-output-symlink")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let out = dir.file("out"), elsewhere = dir.file("elsewhere")
        try session.range(0, 10).write.csv(out)
        let before = try readCSVOutput(out)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/_temporary", withDestinationPath: elsewhere)
        let error = #expect(throws: EmberError.self) { try session.range(10, 20).write.mode("append").csv(out) }
        #expect(error?.message.contains("is not a directory of this user") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty, "nothing written through the link")
        #expect(try readCSVOutput(out) == before)
    }
}
