// Results stream from the tasks to the caller: result tasks whose output is over
// maxDirectResultSize leave it in a result file, and the driver hands partitions on in order as
// they arrive (sorted results through a streaming k-way merge, limits stopping the job early).
// Written and collected results equal a naive reference; collect() enforces maxResultSize with
// Spark's message; a status that cannot be sent fails the task, not the executor. (Results larger
// than a frame: StatusFrameTests.)

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Testing

@Suite(.serialized) struct ResultStreamTests {
    struct Row: Hashable {
        var k: Int64
        var v: String
        var x: Int64
        var line: String { "\(k),\(v),\(x)" }
    }

    static func rows(_ count: Int, seed: UInt64) -> [Row] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            Row(k: Int64.random(in: 0..<40_000, using: &rng), v: "w\(Int.random(in: 0..<1_000_000, using: &rng))",
                x: Int64.random(in: -1_000_000...1_000_000, using: &rng))
        }
    }

    func session(_ configure: (inout SessionConfig) -> Void = { _ in }) throws -> Session {
        try Session(config: testConfig { config in
            config.shufflePartitions = 4
            config.maxPartitionBytes = 256 << 10
            config.maxDirectResultSize = 64 << 10   // most partitions come back through result files
            configure(&config)
        })
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The query's rows as the driver's result stream hands them on (what collect() and a Parquet
    /// single file read; a CSV single file is written by the tasks instead: SingleFilePartsTests).
    func streamedLines(_ df: DataFrame) throws -> [String] {
        var lines: [String] = []
        _ = try df.session.execute(df.plan, maxResultSize: nil) { batch in
            for i in 0..<batch.numRows { lines.append(batch.row(i).map { "\($0)" }.joined(separator: ",")) }
        }
        return lines
    }

    func resultFiles(_ session: Session) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: session.appDir)) ?? []).filter { $0.hasPrefix("result_") }
    }

    /// The result files left once the tasks of ended jobs have reported in. A job that fails or
    /// ends early does not wait for the tasks it kills: a task that finished first writes its
    /// result file and the driver removes it when it hears of it, at the next job's catch-up. So
    /// run tiny jobs until the files are gone (or 30 s pass, and whatever is left is a leak).
    func resultFilesOnceSettled(_ session: Session) throws -> [String] {
        let deadline = Date(timeIntervalSinceNow: 30)
        var left = resultFiles(session)
        while !left.isEmpty && Date() < deadline {
            usleep(100_000)
            _ = try session.range(0, 1).count()
            left = resultFiles(session)
        }
        return left
    }

    @Test func writtenAndCollectedResultsEqualAReference() throws {
        let dir = ScratchDir("result-stream")
        defer { dir.cleanup() }
        let data = Self.rows(150_000, seed: 7)
        let input = dir.write("in.csv", "k,v,x\n" + data.map(\.line).joined(separator: "\n") + "\n")
        let session = try session()
        defer { session.stop() }
        let table = try session.read.option("header", true).option("inferSchema", true).csv(input)

        // Unordered: partitions in order, so the input's order.
        #expect(try streamedLines(table) == data.map(\.line))
        #expect(session.lastJobTasks.contains { $0.metrics.resultSize > 64 << 10 }, "results went through result files")
        #expect(try resultFilesOnceSettled(session).isEmpty, "result files are removed once read")
        #expect(try table.collect().map { "\($0[0]),\($0[1]),\($0[2])" } == data.map(\.line))

        // Sorted: a streaming merge of the sorted partitions.
        let sorted = data.sorted { ($0.k, $0.v, $0.x) < ($1.k, $1.v, $1.x) }
        #expect(try streamedLines(table.orderBy(col("k").asc(), col("v").asc(), col("x").asc())) == sorted.map(\.line))

        // Sorted with a limit: the merge stops after n rows.
        let top = data.sorted { ($1.x, $0.k, $0.v) < ($0.x, $1.k, $1.v) }.prefix(1234)
        #expect(try streamedLines(table.orderBy(col("x").desc(), col("k").asc(), col("v").asc()).limit(1234)) == top.map(\.line))

        // An aggregate's result, sorted by key.
        var groups: [Int64: (Int64, Int64)] = [:]
        for r in data { groups[r.k, default: (0, 0)].0 += 1; groups[r.k, default: (0, 0)].1 += r.x }
        let expected = groups.keys.sorted().map { "\($0),\(groups[$0]!.0),\(groups[$0]!.1)" }
        #expect(try streamedLines(table.groupBy("k").agg(count(col("*")).alias("n"), sum("x").alias("s")).orderBy("k")) == expected)
        #expect(try resultFilesOnceSettled(session).isEmpty)
    }

    @Test func collectFailsOverMaxResultSizeWithSparksMessage() throws {
        let dir = ScratchDir("result-limit")
        defer { dir.cleanup() }
        let data = Self.rows(150_000, seed: 8)
        let input = dir.write("in.csv", "k,v,x\n" + data.map(\.line).joined(separator: "\n") + "\n")
        let session = try session { $0.maxResultSize = 1 << 20 }
        defer { session.stop() }
        let table = try session.read.option("header", true).option("inferSchema", true).csv(input)
        do {
            _ = try table.collect()
            Issue.record("collecting more than maxResultSize succeeded")
        } catch let error as EmberError {
            #expect(error.message.hasPrefix("Total size of serialized results of "), "\(error.message)")
            #expect(error.message.hasSuffix(" is bigger than spark.driver.maxResultSize (1024.0 KiB)"), "\(error.message)")
            #expect(error.hint?.contains("write the result out") == true, "\(error.hint ?? "")")
        }
        #expect(try table.take(3).count == 3, "a small result still fits")
        #expect(try streamedLines(table).count == data.count, "a streamed result is not limited")
        let left = try resultFilesOnceSettled(session)
        #expect(left.isEmpty, "the failed collect's result files were removed: \(left)")
    }

    @Test func aStatusThatCannotBeSentFailsTheTaskNotTheExecutor() throws {
        let session = try session { $0.faults.unsendableStatus = [TaskSelector(partition: 1, attempt: 0)] }
        defer { session.stop() }
        let df = session.range(0, 100_000, numPartitions: 4).groupBy((col("id") % 7).alias("k"))
            .agg(count(col("*")).alias("n"), sum("id").alias("s")).orderBy("k")
        #expect(try df.collect().map(\.description) == FaultInjectionTests.expected)
        #expect(session.executorsLost == 0, "the executor stayed: \(session.executorLossReasons)")
        #expect(session.lastJobFailures.contains { $0.message.contains("could not be sent to the driver") }, "\(session.lastJobFailures.map(\.message))")
    }

    @Test func anUnorderedLimitEndsTheJobAndKillsTheTasksItNoLongerNeeds() throws {
        // Partitions 1-7 are stragglers (2 s per batch of their 100,000 rows); partition 0 alone
        // holds the 5 rows asked for.
        let session = try session {
            $0.faults.slowTasks = (1..<8).map { (TaskSelector(stage: 0, partition: $0), 2000) }
        }
        defer { session.stop() }
        let rows = try session.range(0, 800_000, numPartitions: 8).filter(col("id") % 1000 === 0).limit(5).collect()
        #expect(rows.map { $0.getLong(0) } == [0, 1000, 2000, 3000, 4000])
        let deadline = Date(timeIntervalSinceNow: 60)
        var killed: [TaskRecord] = []
        while killed.isEmpty && Date() < deadline {
            killed = session.killedTasks.filter { $0.stageId == StageID(0) }
            if killed.isEmpty { usleep(50_000) }
        }
        #expect(!killed.isEmpty, "the tasks still running when the limit was reached were killed")
        #expect(killed.allSatisfy { $0.partition > 0 && $0.metrics.inputRows < 100_000 }, "\(killed.map { ($0.partition, $0.metrics.inputRows) })")
    }
}

/// ResultStream on its own: partitions reach the consumer in order as soon as every earlier one
/// arrived, from the status frame or from a result file alike; sorted partitions wait for the
/// merge; a limit ends the stream.
@Suite struct ResultStreamOrderTests {
    let schema = StructType([StructField("id", .long)])

    func batch(_ values: [Int64]) -> ColumnarBatch {
        ColumnarBatch(schema: schema, columns: [ColumnVector(.long(values))], numRows: values.count)
    }

    /// A result as a task reports it: encoded batches in the frame, or (asFile) in a result file.
    func result(_ partition: Int, _ batches: [[Int64]], asFile: Bool, appDir: String) throws -> TaskResult {
        try result(partition, encoding: batches.map(batch), asFile: asFile, appDir: appDir)
    }

    func result(_ partition: Int, encoding batches: [ColumnarBatch], asFile: Bool, appDir: String) throws -> TaskResult {
        var status = TaskStatus(taskId: TaskID(partition), executorId: ExecutorID("1"), state: .finished, metrics: TaskMetrics())
        status.resultBatches = batches.count
        var binary: [UInt8] = []
        for b in batches { BatchCodec.encode(b, into: &binary) }
        status.resultBytes = Int64(binary.count)
        guard asFile else { return TaskResult(partition: partition, status: status, binary: binary) }
        let writer = try ResultFileWriter(directory: appDir, taskId: TaskID(partition), compressionLevel: 1)
        // One frame per batch, so the reader crosses frame boundaries.
        for b in batches {
            var encoded: [UInt8] = []
            BatchCodec.encode(b, into: &encoded)
            try writer.appendFrame(encoded)
        }
        status.resultFile = try writer.finish()
        return TaskResult(partition: partition, status: status, binary: [])
    }

    @Test func partitionsGoOutInOrderAsSoonAsTheyCan() throws {
        let dir = ScratchDir("result-order")
        defer { dir.cleanup() }
        var seen: [Int64] = []
        let stream = ResultStream(schema: schema, ordering: nil, limit: nil, maxResultSize: nil, appDir: dir.path) { b in
            seen += (0..<b.numRows).map { b.row($0)[0].longValue ?? -1 }
        }
        #expect(try stream.receive(result(2, [[20, 21]], asFile: true, appDir: dir.path)))
        #expect(try stream.receive(result(1, [[10], [11, 12]], asFile: false, appDir: dir.path)))
        #expect(seen.isEmpty, "partition 0 has not arrived")
        #expect(try stream.receive(result(0, [[0, 1], [2]], asFile: true, appDir: dir.path)))
        #expect(seen == [0, 1, 2, 10, 11, 12, 20, 21], "0, then the waiting 1 and 2")
        #expect(stream.delivered == [0, 1, 2])
        #expect(try stream.receive(result(3, [[30]], asFile: false, appDir: dir.path)))
        #expect(seen.last == 30)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "result files are removed once read")
    }

    @Test func sortedPartitionsAreMergedAndALimitStopsTheStream() throws {
        let dir = ScratchDir("result-merge")
        defer { dir.cleanup() }
        var seen: [Int64] = []
        let order = BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)
        let stream = ResultStream(schema: schema, ordering: [order], limit: 7, maxResultSize: nil, appDir: dir.path) { b in
            seen += (0..<b.numRows).map { b.row($0)[0].longValue ?? -1 }
        }
        #expect(try stream.receive(result(1, [[1, 4], [6, 9]], asFile: true, appDir: dir.path)))
        #expect(try stream.receive(result(0, [[0, 2, 3], [5, 7, 8]], asFile: false, appDir: dir.path)))
        #expect(seen.isEmpty, "a sorted result waits for every partition")
        try stream.finish()
        #expect(seen == [0, 1, 2, 3, 4, 5, 6], "merged, cut at the limit")

        var first: [Int64] = []
        let limited = ResultStream(schema: schema, ordering: nil, limit: 3, maxResultSize: nil, appDir: dir.path) { b in
            first += (0..<b.numRows).map { b.row($0)[0].longValue ?? -1 }
        }
        #expect(try limited.receive(result(0, [[0, 1], [2, 3]], asFile: true, appDir: dir.path)) == false, "no more partitions needed")
        #expect(first == [0, 1, 2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
