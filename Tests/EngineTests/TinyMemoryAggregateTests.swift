// Aggregates with a tiny memory share end, with the right answer or a clear OUT_OF_MEMORY error:
// a Final aggregate once recursed through spills until its stack overflowed (6 rows with
// `--memory 1m`). Spill depth is bounded, a bucket that does not shrink is finished without spilling
// again, and the reservation step fits the share. Real executor processes throughout; a run that
// does not end within a generous deadline is killed and fails the test.

import Engine
import Foundation
import Testing

/// Runs a program, killing it if it has not ended after `deadline` seconds (then status is nil).
func runProgram(_ executable: String, _ arguments: [String], deadline: TimeInterval) throws -> (Int32?, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errFile = NSTemporaryDirectory() + "ember-stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errFile, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errFile) }
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let end = Date().addingTimeInterval(deadline)
    while process.isRunning && Date() < end { usleep(50_000) }
    var status: Int32? = nil
    if process.isRunning {
        kill(-process.processIdentifier, SIGKILL)
        process.terminate()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    } else {
        status = process.terminationStatus
    }
    let err = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
    return (status, err)
}

/// CSV `k,v` rows and the groupBy(k).agg(count, sum(v)) output rows `k,count,sum_v`, sorted by key.
func smallGroupByInput(rows: Int, keys: Int, seed: UInt64) -> (csv: String, expected: [[String]]) {
    var rng = SeededRandom(seed: seed)
    var text = "k,v\n"
    var groups: [Int: (Int, Int64)] = [:]
    for _ in 0..<rows {
        let k = Int.random(in: 0..<keys, using: &rng), v = Int64.random(in: -100...1000, using: &rng)
        text += "\(k),\(v)\n"
        let g = groups[k] ?? (0, 0)
        groups[k] = (g.0 + 1, g.1 + v)
    }
    return (text, groups.keys.sorted().map { [String($0), String(groups[$0]!.0), String(groups[$0]!.1)] })
}

@Suite(.serialized) struct TinyMemoryAggregateTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    func groupByThroughTheTool(rows: Int, keys: Int, _ options: [String]) throws {
        let dir = ScratchDir("tinymem")
        defer { dir.cleanup() }
        let (csv, expected) = smallGroupByInput(rows: rows, keys: keys, seed: UInt64(rows))
        let input = dir.write("small.csv", csv)
        let output = dir.file("out.csv")
        let (status, err) = try runProgram(ember, ["groupby", input, "--by", "k", "--agg", "count,sum(v)", "--output", output, "--no-ui"] + options,
                                           deadline: 240)
        #expect(status != nil, "the run ended (stderr: \(err.suffix(2000)))")
        #expect(status == 0, "stderr: \(err.suffix(2000))")
        guard status == 0 else { return }
        let got = try readCSV(output)
        #expect(got.first == ["k", "count", "sum_v"])
        #expect(Array(got.dropFirst()) == expected)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(Set(leftovers) == ["small.csv", "out.csv"])
    }

    @Test func sixRowsWithOneMegabyte() throws {
        try groupByThroughTheTool(rows: 6, keys: 3, ["--executors", "1", "--cores", "1", "--memory", "1m"])
    }

    @Test func eightCoresSharingEightMegabytes() throws {
        try groupByThroughTheTool(rows: 400_000, keys: 200_000, ["--executors", "1", "--cores", "8", "--memory", "8m", "--partitions", "8"])
    }

    /// The FaultInjection job's shape with every reservation refused above `limit` bytes.
    func refusedAbove(_ limit: Int, _ df: (Session) -> DataFrame) throws -> Result<[String], EmberError> {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.shufflePartitions = 3
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.eventLogDir = nil
        config.uiEnabled = false
        config.faults.refuseMemoryAbove = limit
        let session = try Session(config: config)
        defer { session.stop() }
        do {
            return .success(try df(session).collect().map(\.description))
        } catch let error as EmberError {
            return .failure(error)
        }
    }

    /// A job that failed because memory did not fit: the executors' OOM is the root cause, and the
    /// message says how many bytes of what could not be reserved.
    func expectClearOutOfMemory(_ error: EmberError, _ limit: Int) {
        #expect(error.code == .outOfMemory || error.description.contains("ran out of memory"), "limit \(limit): \(error)")
        #expect(error.message.contains("bytes for"), "names what did not fit: \(error)")
    }

    @Test func refusedMemoryBelowOneMegabyteSpillsBoundedly() throws {
        let job: (Session) -> DataFrame = { s in
            s.range(0, 300_000, numPartitions: 3).groupBy((col("id") % 50_000).alias("k"))
                .agg(count(col("*")).alias("n"), sum("id").alias("s")).agg(count(col("*")), sum("n"), sum("s"))
        }
        let expected = ["[50000,300000,\(Int64(300_000) * 299_999 / 2)]"]
        switch try refusedAbove(512 << 10, job) {
        case .success(let rows): #expect(rows == expected)
        case .failure(let error): Issue.record("512 KiB: \(error)")
        }
        // Below a shuffle batch (4,096 rows), the writer cannot take its input: a clear error.
        for limit in [64 << 10, 16 << 10] {
            switch try refusedAbove(limit, job) {
            case .success(let rows): #expect(rows == expected, "limit \(limit)")
            case .failure(let error): expectClearOutOfMemory(error, limit)
            }
        }
    }

    @Test func aHotKeyUnderRefusedMemoryEndsWithTheAnswerOrAClearError() throws {
        // One key holds almost every row: its bucket cannot shrink by spilling again.
        let job: (Session) -> DataFrame = { s in
            s.range(0, 200_000, numPartitions: 2).groupBy(((col("id") % 1000) / 999).cast(.long).alias("k"))
                .agg(count(col("*")).alias("n")).orderBy("k")
        }
        for limit in [64 << 10, 4 << 10] {
            switch try refusedAbove(limit, job) {
            case .success(let rows): #expect(rows == ["[0,199800]", "[1,200]"], "limit \(limit)")
            case .failure(let error): expectClearOutOfMemory(error, limit)
            }
        }
    }
}
