// A CSV, text or JSON single file (`singleFile`, the `ember` commands' --output FILE) is written by
// the tasks: each writes its partition as a part file in a private hidden directory next to the
// output, and the parts are appended to the output in partition order (a top-level sort
// range-partitions, so that is row order). Sorted, limited, aggregated and empty results equal a
// naive reference with the header once; a failed job leaves neither the file nor the directory.
// The range exchange's sampling job reads pieces of the line-format splits (SampledScans).

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct SingleFilePartsTests {
    func session(_ configure: (inout SessionConfig) -> Void = { _ in }) throws -> Session {
        try Session(config: testConfig { config in
            config.shufflePartitions = 4
            config.maxPartitionBytes = 256 << 10
            configure(&config)
        })
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Entries of `dir` a write leaves behind when it should not (staging directories, temp files).
    func leftovers(_ dir: ScratchDir) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
    }

    @Test func sortedLimitedAndAggregatedFilesEqualAReference() throws {
        let dir = ScratchDir("parts-csv")
        defer { dir.cleanup() }
        let data = ResultStreamTests.rows(60_000, seed: 11)
        let input = dir.write("in.csv", "k,v,x\n" + data.map(\.line).joined(separator: "\n") + "\n")
        let session = try session()
        defer { session.stop() }
        let table = try session.read.option("header", true).option("inferSchema", true).csv(input)

        try table.orderBy(col("k").asc(), col("v").asc(), col("x").asc()).write.option("header", true).singleFile(dir.file("sorted.csv"))
        let sorted = data.sorted { ($0.k, $0.v, $0.x) < ($1.k, $1.v, $1.x) }
        #expect(try lines(dir.file("sorted.csv")) == ["k,v,x"] + sorted.map(\.line) + [""])

        try table.orderBy(col("x").desc(), col("k").asc(), col("v").asc()).limit(1234).write.singleFile(dir.file("top.csv"))
        let top = data.sorted { ($1.x, $0.k, $0.v) < ($0.x, $1.k, $1.v) }.prefix(1234)
        #expect(try lines(dir.file("top.csv")) == top.map(\.line) + [""])

        var groups: [Int64: (Int64, Int64)] = [:]
        for r in data { groups[r.k, default: (0, 0)].0 += 1; groups[r.k, default: (0, 0)].1 += r.x }
        try table.groupBy("k").agg(count(col("*")).alias("n"), sum("x").alias("s")).orderBy(col("k").desc())
            .write.option("header", true).singleFile(dir.file("groups.csv"))
        let expected = groups.keys.sorted(by: >).map { "\($0),\(groups[$0]!.0),\(groups[$0]!.1)" }
        #expect(try lines(dir.file("groups.csv")) == ["k,n,s"] + expected + [""])

        try table.orderBy("x").select("x", "v").write.format("json").singleFile(dir.file("xv.json"))
        let json = try lines(dir.file("xv.json"))
        #expect(json.last == "" && json.dropLast().sorted() == data.map { "{\"x\":\($0.x),\"v\":\"\($0.v)\"}" }.sorted(), "the same rows")
        let xs = json.dropLast().map { Int64($0.split(separator: ",")[0].dropFirst(5))! }
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0 <= $1 }, "in order of x")

        try table.filter(col("x") > 5_000_000).write.option("header", true).singleFile(dir.file("empty.csv"))
        #expect(try String(contentsOfFile: dir.file("empty.csv"), encoding: .utf8) == "k,v,x\n", "an empty result keeps its header")
        #expect(try leftovers(dir) == [], "no staging directory or temp file is left")
        #expect(session.lastJobTasks.allSatisfy { $0.metrics.resultSize < 4096 }, "the rows did not go to the driver")
    }

    @Test func aFailedWriteLeavesNothing() throws {
        let dir = ScratchDir("parts-fail")
        defer { dir.cleanup() }
        let data = ResultStreamTests.rows(20_000, seed: 12)
        let input = dir.write("in.csv", "k,v,x\n" + data.map(\.line).joined(separator: "\n") + "\n")
        // Stage 0 samples the keys, stage 1 range-partitions, stage 2 sorts and writes the parts.
        let session = try session { config in
            config.faults.failTasksAtEnd = (0..<4).map { TaskSelector(stage: 2, partition: 1, attempt: $0) }
        }
        defer { session.stop() }
        let table = try session.read.option("header", true).option("inferSchema", true).csv(input)
        #expect(throws: EmberError.self) { try table.orderBy("x").write.singleFile(dir.file("out.csv")) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.csv")))
        #expect(try leftovers(dir) == [])
    }

    /// Splits of 2.2 MB: the sampling job reads pieces of them, the bounds still spread the rows
    /// over the partitions, and a persisted input is not cached from the pieces.
    @Test func aSortOverLargeSplitsSamplesPiecesAndStaysRight() throws {
        let dir = ScratchDir("parts-pieces")
        defer { dir.cleanup() }
        let data = ResultStreamTests.rows(200_000, seed: 13)   // about 4.4 MB: 2 splits of 2.2 MB
        let input = dir.write("in.csv", "k,v,x\n" + data.map(\.line).joined(separator: "\n") + "\n")
        let session = try session { $0.maxPartitionBytes = 3 << 20 }
        defer { session.stop() }
        let table = try session.read.option("header", true).option("inferSchema", true).csv(input).persist(.memoryOnly)
        try table.orderBy(col("x").asc(), col("k").asc(), col("v").asc()).write.singleFile(dir.file("sorted.csv"))
        let sorted = data.sorted { ($0.x, $0.k, $0.v) < ($1.x, $1.k, $1.v) }
        #expect(try lines(dir.file("sorted.csv")) == sorted.map(\.line) + [""])
        let written = session.lastJobTasks.filter { $0.metrics.outputRows > 0 && $0.stageId == session.lastJobTasks.map(\.stageId).max() }
        #expect(written.count == 4 && written.allSatisfy { $0.metrics.outputRows > 20_000 }, "balanced: \(written.map(\.metrics.outputRows))")
        #expect(try table.count() == Int64(data.count), "the cache holds whole partitions")
        #expect(try table.filter(col("k") < 100).count() == Int64(data.filter { $0.k < 100 }.count))
    }

    @Test func theSamplingJobReadsPiecesOfCutSplits() throws {
        let cut = FileSplit(path: "/in.csv", start: 64 << 20, length: 32 << 20, fileLength: 256 << 20)
        let pieces = SampledScans.pieces(cut)
        #expect(pieces.count == Int(SampledScans.piecesPerSplit))
        #expect(pieces.allSatisfy { $0.start >= cut.start && $0.end <= cut.end && $0.length == SampledScans.maxPieceBytes })
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.end <= $1.start }, "apart, in order")
        #expect(pieces.last!.start > cut.start + cut.length / 2, "spread over the split")
        // A whole file (compressed, multi-line or small) and a short range are read whole.
        #expect(SampledScans.pieces(FileSplit(path: "/a.csv.gz", start: 0, length: 1 << 30, fileLength: 1 << 30)) == [FileSplit(path: "/a.csv.gz", start: 0, length: 1 << 30, fileLength: 1 << 30)])
        let short = FileSplit(path: "/b.csv", start: 1 << 20, length: 128 << 10, fileLength: 4 << 20)
        #expect(SampledScans.pieces(short) == [short])
    }
}
