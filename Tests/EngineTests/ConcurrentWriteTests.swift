// ConcurrentWriteTests: write jobs that share an output directory or fail half way through their
// commit, on real executor processes. Each job has its own temporary directory under
// `<dir>/_temporary`: two appends running at once (two sessions) both commit all their rows, a
// failing append removes only its own files, and `_temporary` goes with the last job. A commit
// that fails after moving some files into the output takes them back out (an append shows all of
// a job's rows or none), a file already in the output is never replaced, and a partition directory
// replaced by a symlink is never written through.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
import Testing

@Suite(.serialized) struct ConcurrentWriteTests {
    func ids(_ dir: String) throws -> [Int64] { try readCSVOutput(dir).map { Int64($0[0])! }.sorted() }

    /// A session whose write job (stage 0) spends 3 s on each input batch of its 4 tasks.
    func slowSession() throws -> Session {
        try Session(config: testConfig(executors: 2, cores: 2) {
            $0.faults.slowTasks = (0..<4).map { (TaskSelector(stage: 0, partition: $0), 3000) }
        })
    }

    /// Runs `work` on its own thread; the returned function waits for it and rethrows its error.
    func inBackground(_ work: @escaping @Sendable () throws -> Void) -> () throws -> Void {
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        Thread { let r = Result { try work() }; outcome.withLock { $0 = r } }.start()
        return {
            _ = waitUntil(seconds: 600) { outcome.withLock { $0 != nil } }
            try outcome.withLock { $0 ?? .failure(EmberError(.internal, "the background write did not end")) }.get()
        }
    }

    /// Task attempt directories under the output's `_temporary` (of any job).
    func attemptDirectories(_ out: String) -> Int {
        let temporary = out + "/_temporary"
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        return jobs.reduce(0) { n, job in
            n + ((try? FileManager.default.contentsOfDirectory(atPath: temporary + "/" + job + "/_temporary")) ?? []).filter { $0.hasPrefix("attempt_") }.count
        }
    }

    func entries(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

    @Test func twoAppendsIntoOneDirectoryAtOnceBothCommitAllTheirRows() throws {
        let dir = ScratchDir("append-together")
        defer { dir.cleanup() }
        let out = dir.file("out")
        let fast = try makeSession(executors: 1, cores: 2)
        defer { fast.stop() }
        let slow = try slowSession()
        defer { slow.stop() }
        try fast.range(0, 10, numPartitions: 1).write.csv(out)
        let slowAppend = inBackground { try slow.range(1000, 21_000, numPartitions: 4).write.mode("append").csv(out) }
        #expect(waitUntil(seconds: 120) { attemptDirectories(out) == 4 }, "the slow append's tasks are writing")
        try fast.range(100, 200, numPartitions: 2).write.mode("append").csv(out)
        #expect(slow.isRunningJob, "the fast append committed while the slow one was still writing")
        try slowAppend()
        #expect(try ids(out) == Array(0..<10) + Array(100..<200) + Array(1000..<21_000), "all rows of both appends")
        #expect(!entries(out).contains("_temporary"), "\(entries(out))")
        #expect(entries(out).filter { $0.hasPrefix("part-") }.count == 1 + 2 + 4)
    }

    @Test func aFailedAppendRemovesOnlyItsOwnFiles() throws {
        let dir = ScratchDir("append-fail-together")
        defer { dir.cleanup() }
        let out = dir.file("out")
        let failing = try Session(config: testConfig(executors: 1, cores: 2) {
            $0.faults.failTasksAtEnd = (0..<4).map { TaskSelector(stage: 0, partition: 1, attempt: $0) }
        })
        defer { failing.stop() }
        let slow = try slowSession()
        defer { slow.stop() }
        let slowAppend = inBackground { try slow.range(1000, 21_000, numPartitions: 4).write.mode("append").csv(out) }
        #expect(waitUntil(seconds: 120) { attemptDirectories(out) == 4 }, "the slow append's tasks are writing")
        let error = #expect(throws: EmberError.self) { try failing.range(0, 100, numPartitions: 2).write.mode("append").csv(out) }
        #expect(error?.message.contains("failed 4 times") == true)
        #expect(slow.isRunningJob, "the failed append ended while the slow one was still writing")
        try slowAppend()
        #expect(try ids(out) == Array(1000..<21_000), "the slow append's rows, none of the failed one's")
        #expect(entries(out).filter { !$0.hasPrefix("part-") } == ["_SUCCESS"], "\(entries(out))")
    }

    /// The commit of a partitioned append moves `k=0` and `k=1` files, then finds a file where the
    /// directory `k=2` belongs: it fails, and the files it had moved are taken back out.
    @Test func anAppendWhoseCommitFailsHalfWayLeavesTheOutputAsItWas() throws {
        let dir = ScratchDir("append-commit-fail")
        defer { dir.cleanup() }
        let out = dir.file("out")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 30, numPartitions: 1).select(col("id"), (col("id") % 3).alias("k"))
        try df.filter(col("k") < lit(2)).write.partitionBy("k").csv(out)
        _ = dir.write("out/k=2", "not a directory\n")
        let before = treeListing(out)
        let error = #expect(throws: EmberError.self) { try df.write.mode("append").partitionBy("k").csv(out) }
        #expect(error?.context("path") == out + "/k=2", "\(error.map { "\($0)" } ?? "")")
        #expect(treeListing(out) == before, "none of the failed append's files is left")
        #expect(entries(out) == ["_SUCCESS", "k=0", "k=1", "k=2"])
    }

    @Test func aPartitionDirectoryReplacedByASymlinkIsNotWrittenThrough() throws {
        let dir = ScratchDir("append-partition-link")
        defer { dir.cleanup() }
        let out = dir.file("out"), elsewhere = dir.file("elsewhere")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 20, numPartitions: 1).select(col("id"), (col("id") % 2).alias("k"))
        try df.filter(col("k") === lit(0)).write.partitionBy("k").csv(out)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/k=1", withDestinationPath: elsewhere)
        let before = treeListing(out)
        let error = #expect(throws: EmberError.self) { try df.write.mode("append").partitionBy("k").csv(out) }
        #expect(error?.message.contains("not a directory") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(entries(elsewhere).isEmpty, "nothing written through the link")
        #expect(treeListing(out) == before)
    }

    /// A file already in the output under a name the job commits (a name never repeats across
    /// jobs; this one is planted) is never replaced: the commit fails and takes its files back out.
    @Test func theJobCommitNeverReplacesAFileInTheOutput() throws {
        let dir = ScratchDir("commit-no-replace")
        defer { dir.cleanup() }
        let root = dir.file("out")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let spec = FileWriteSpec(root: root, jobId: "20260101000000_0001", jobUUID: UUID().uuidString.lowercased(),
                                 format: .csv(CSVWriteOptions()), schema: StructType([StructField("id", .long)]), partitionColumns: [])
        let committer = FileCommitProtocol(spec: spec)
        try committer.setupJob()
        var names: [String] = []
        for partition in 0..<2 {
            let attempt = spec.attemptDirectory(stage: StageID(0), partition: partition, stageAttempt: 0, attempt: 0)
            try FileManager.default.createDirectory(atPath: attempt, withIntermediateDirectories: false)
            let name = spec.fileName(partition: partition, counter: 0, fileExtension: "csv")
            _ = FileManager.default.createFile(atPath: attempt + "/" + name, contents: Data("\(partition)\n".utf8))
            var status = TaskStatus(taskId: TaskID(partition), executorId: ExecutorID("1"), state: .finished, metrics: TaskMetrics())
            status.written = WriteTaskReport(attemptDirectory: attempt, files: [WrittenFile(path: name, rows: 1, bytes: 2)])
            #expect(try committer.receive(TaskResult(partition: partition, status: status, binary: [])))
            names.append(name)
        }
        _ = FileManager.default.createFile(atPath: root + "/" + names[1], contents: Data("someone else's\n".utf8))
        let error = #expect(throws: EmberError.self) { try committer.commitJob() }
        #expect(error?.message == "a file of the job's name is already in the output")
        committer.abortJob()
        #expect(entries(root) == [names[1]], "the first file taken back out, no _temporary")
        #expect(try String(contentsOfFile: root + "/" + names[1], encoding: .utf8) == "someone else's\n")
    }

    /// Once rolled back (a failure, or the process ending on a signal), a commit publishes nothing
    /// more; a completed one is never rolled back.
    @Test func aRolledBackCommitPublishesNothingMore() throws {
        let dir = ScratchDir("commit-journal")
        defer { dir.cleanup() }
        let journal = CommitJournal()
        #expect(try journal.makeDirectory(dir.file("k=1")) == 0)
        try journal.publish(file: dir.file("k=1/a")) { _ = dir.write("k=1/a", "1\n") }
        journal.rollBack()
        #expect(entries(dir.path).isEmpty, "the file and the directory it made are gone")
        #expect(throws: EmberError.self) { try journal.publish(file: dir.file("b")) { _ = dir.write("b", "2\n") } }
        #expect(entries(dir.path).isEmpty)
        let done = CommitJournal()
        try done.publish(file: dir.file("c")) { _ = dir.write("c", "3\n") }
        try done.complete {}
        done.rollBack()
        #expect(entries(dir.path) == ["c"])
    }
}
