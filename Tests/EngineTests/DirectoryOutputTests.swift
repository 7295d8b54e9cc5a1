// DirectoryOutputTests: `write.csv(dir)` / `write.format(…).save(dir)` as Spark writes them: one
// part file per task from the executors, committed through `_temporary` and a job commit ending
// with `_SUCCESS`; rows read back equal the source; every save mode on directories; coalesce(1)
// and a sorted write. (Failures: DirectoryOutputFailureTests; partitionBy: PartitionDiscoveryTests.)

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

/// Seeded rows with nulls, quotes, delimiters and non-ASCII text, as a CSV file with a header.
struct RandomTable {
    static let schema = "id BIGINT, s STRING, d DOUBLE, day DATE"
    let rows: [[Value]]
    let csv: String

    init(count: Int, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let words = ["plain", "a,b", "say \"hi\"", "é €", "x y", "line"]
        var rows: [[Value]] = []
        var text = "id,s,d,day\n"
        for i in 0..<count {
            let s: String? = Int.random(in: 0..<8, using: &rng) == 0 ? nil : words.randomElement(using: &rng)! + String(Int.random(in: 0..<50, using: &rng))
            let d: Double? = Int.random(in: 0..<6, using: &rng) == 0 ? nil : Double(Int.random(in: -100_000...100_000, using: &rng)) / 64
            let day: Int32? = Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int32.random(in: -1000...30_000, using: &rng)
            rows.append([.long(Int64(i)), s.map(Value.string) ?? .null, d.map(Value.double) ?? .null, day.map(Value.date) ?? .null])
            let quoted = s.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 } ?? ""
            text += "\(i),\(quoted),\(d.map { Value.double($0).description } ?? ""),\(day.map { Value.date($0).description } ?? "")\n"
        }
        self.rows = rows
        self.csv = text
    }
}

/// Rows as comparable text, sorted.
func sortedText(_ rows: [[Value]]) -> [String] { rows.map { $0.map(\.description).joined(separator: "|") }.sorted() }

@Suite(.serialized) struct DirectoryOutputTests {
    @Test func writesOnePartPerTaskAndSuccessAndReadsBackTheSourceRows() throws {
        let dir = ScratchDir("dirout")
        defer { dir.cleanup() }
        let table = RandomTable(count: 5000, seed: 11)
        let input = dir.write("in.csv", table.csv)
        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 40_000)
        defer { session.stop() }
        let source = try session.read.option("header", true).schema(RandomTable.schema).csv(input)
        let tasks = try source.physicalPlan().numPartitions
        #expect(tasks >= 4)
        let out = dir.file("out")
        try source.write.option("header", true).csv(out)

        let files = treeListing(out)
        #expect(files.contains("_SUCCESS"))
        #expect(!files.contains { $0.hasPrefix("_temporary") }, "no _temporary left: \(files)")
        let parts = files.filter { $0 != "_SUCCESS" }
        #expect(parts.count == tasks && parts.allSatisfy { isPartName($0, ext: "csv") }, "\(files)")
        #expect(parts.map { String($0.prefix(10)) } == (0..<tasks).map { String(format: "part-%05d", $0) }, "one part per task")
        #expect(Set(parts.map { String($0.dropFirst(11).prefix(36)) }).count == 1, "one uuid per job")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.csv", "out"], "no staging left beside it")

        // The tasks' metrics: numFiles, numOutputRows, numOutputBytes.
        let metrics = session.lastJobTasks.map(\.metrics)
        #expect(metrics.reduce(0) { $0 + $1.outputFiles } == tasks)
        #expect(metrics.reduce(0) { $0 + $1.outputRows } == Int64(table.rows.count))
        let sizes = try parts.map { try FileManager.default.attributesOfItem(atPath: out + "/" + $0)[.size] as? Int64 ?? -1 }
        #expect(metrics.reduce(0) { $0 + $1.outputBytes } == sizes.reduce(0, +))

        let back = try session.read.option("header", true).schema(RandomTable.schema).csv(out).collect().map { $0.values }
        #expect(sortedText(back) == sortedText(table.rows))
        // The same through format(…).save and load.
        let viaSave = dir.file("saved")
        try source.write.format("csv").option("header", "true").mode("errorifexists").save(viaSave)
        let loaded = try session.read.format("csv").option("header", true).schema(RandomTable.schema).load(viaSave).collect().map { $0.values }
        #expect(sortedText(loaded) == sortedText(table.rows))
    }

    @Test func everySaveMode() throws {
        let dir = ScratchDir("modes")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let out = dir.file("out")
        let first = session.range(0, 100, numPartitions: 2)
        let second = session.range(100, 130, numPartitions: 3)
        func ids() throws -> [Int64] {
            try session.read.schema("id BIGINT").csv(out).collect().compactMap { ($0[0] as Value).longValue }.sorted()
        }
        func uuids() -> Set<String> {
            Set(treeListing(out).filter { $0.hasPrefix("part-") }.map { String($0.dropFirst(11).prefix(36)) })
        }

        try first.write.mode("error").csv(out)
        #expect(try ids() == Array(0..<100))
        let exists = #expect(throws: EmberError.self) { try second.write.csv(out) }
        #expect(exists?.message == "[PATH_ALREADY_EXISTS] Path \(out) already exists.")
        #expect(exists?.hint?.contains("overwrite") == true)
        #expect(try ids() == Array(0..<100), "untouched")

        try second.write.mode(.ignore).csv(out)
        #expect(try ids() == Array(0..<100), "ignore: nothing written")
        try second.write.mode("ignore").csv(dir.file("fresh"))
        #expect(treeListing(dir.file("fresh")).contains("_SUCCESS"), "ignore writes when nothing is there")

        try second.write.mode("append").csv(out)
        #expect(try ids() == Array(0..<130), "append: old and new rows")
        #expect(uuids().count == 2)
        try session.range(7, 8).write.mode(.append).csv(dir.file("new/nested"))
        #expect(treeListing(dir.file("new/nested")).contains("_SUCCESS"), "append creates a missing directory")

        try second.write.mode("overwrite").csv(out)
        #expect(try ids() == Array(100..<130), "overwrite: only the new rows")
        #expect(uuids().count == 1)
        // Overwrite replaces a regular file too, and a directory the job reads is refused.
        let file = dir.write("file.csv", "x\n")
        try first.write.mode(.overwrite).csv(file)
        #expect(treeListing(file).contains("_SUCCESS"))
        let reading = try session.read.schema("id BIGINT").csv(out)
        let same = #expect(throws: EmberError.self) { try reading.write.mode(.overwrite).csv(out) }
        #expect(same?.message == "Cannot overwrite a path that is also being read from")
        #expect(try ids() == Array(100..<130))
        #expect(throws: EmberError.self) { try first.write.mode("sometimes").csv(out) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.isEmpty, "no staging left")
    }

    @Test func coalesceOneWritesOnePartAndASortedWriteReadsBackSorted() throws {
        let dir = ScratchDir("coalesce-write")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2, partitions: 4, maxPartitionBytes: 2000)
        defer { session.stop() }
        var rng = SeededRandom(seed: 3)
        let values = (0..<3000).map { _ in Int64.random(in: -500...500, using: &rng) }
        let input = dir.write("in.csv", values.map(String.init).joined(separator: "\n") + "\n")
        let df = try session.read.schema("v BIGINT").csv(input)
        try df.coalesce(1).write.csv(dir.file("one"))
        let parts = treeListing(dir.file("one")).filter { $0.hasPrefix("part-") }
        #expect(parts.count == 1 && parts[0].hasPrefix("part-00000-"))
        #expect(try readCSVOutput(dir.file("one")).map { Int64($0[0])! }.sorted() == values.sorted())

        try df.orderBy("v").write.csv(dir.file("sorted"))
        #expect(treeListing(dir.file("sorted")).filter { $0.hasPrefix("part-") }.count > 1, "a range-partitioned write has several parts")
        #expect(try readCSVOutput(dir.file("sorted")).map { Int64($0[0])! } == values.sorted(), "parts in name order are in sort order")

        try df.orderBy(col("v").desc()).limit(10).write.csv(dir.file("top"))
        #expect(try readCSVOutput(dir.file("top")).map { Int64($0[0])! } == Array(values.sorted().reversed().prefix(10)))
    }

    @Test func textFormatAndFormatErrors() throws {
        let dir = ScratchDir("text-write")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let lines = try session.read.text(dir.write("in.txt", "alpha\nbeta,gamma\n\"q\"\nlast\n"))
        try lines.write.text(dir.file("out"))
        let parts = treeListing(dir.file("out")).filter { $0.hasPrefix("part-") }
        #expect(parts.allSatisfy { isPartName($0, ext: "txt") }, "\(parts)")
        #expect(try session.read.text(dir.file("out")).collect().map { ($0[0] as Value).stringValue ?? "" }.sorted() == ["\"q\"", "alpha", "beta,gamma", "last"])
        let twoColumns = session.range(0, 3).select(col("id"), col("id"))
        let tooMany = #expect(throws: EmberError.self) { try twoColumns.write.text(dir.file("bad")) }
        #expect(tooMany?.message.contains("supports only a single column") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("bad")))
        let duplicate = #expect(throws: EmberError.self) { try twoColumns.write.parquet(dir.file("p")) }
        #expect(duplicate?.message.contains("Found duplicate column(s) in the data schema") == true, "\(duplicate.map { "\($0)" } ?? "")")
        #expect(!FileManager.default.fileExists(atPath: dir.file("p")))
        let unknown = #expect(throws: EmberError.self) { try twoColumns.write.format("csvv").save(dir.file("p")) }
        #expect(unknown?.hint?.contains("did you mean 'csv'") == true)
        let option = #expect(throws: EmberError.self) { try twoColumns.write.option("heade", true).csv(dir.file("p")) }
        #expect(option?.hint?.contains("did you mean 'header'") == true)
        #expect(throws: EmberError.self) { try twoColumns.write.option("header", true).text(dir.file("p")) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("p")))
    }
}

@Suite(.serialized) struct CoalesceTests {
    @Test func coalesceMergesPartitionsWithoutAShuffle() throws {
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 1000, numPartitions: 7).filter(col("id") % 3 === 0)
        let one = df.coalesce(1)
        #expect(try one.physicalPlan().numPartitions == 1)
        #expect(!(try one.explainString()).contains("Exchange"), "no shuffle")
        #expect(try one.collect().compactMap { ($0[0] as Value).longValue }.sorted() == (0..<1000).filter { $0 % 3 == 0 }.map(Int64.init))
        let three = df.coalesce(3)
        #expect(try three.physicalPlan().numPartitions == 3)
        #expect(try three.count() == 334)
        #expect(try df.coalesce(20).physicalPlan().numPartitions == 7, "never more partitions than the child's")
        // A coalesce over a shuffle reads several reduce partitions in one task.
        let grouped = session.range(0, 500, numPartitions: 4).groupBy((col("id") % 10).alias("k")).count().coalesce(2)
        #expect(try grouped.collect().map { ($0[1] as Value).longValue ?? -1 }.reduce(0, +) == 500)
        // A cached DataFrame coalesced: its blocks are stored under their own partitions.
        let cached = session.range(0, 300, numPartitions: 6).persist(.memoryOnly)
        #expect(try cached.coalesce(2).count() == 300)
        #expect(try cached.count() == 300)
        #expect(throws: EmberError.self) { try df.coalesce(0).count() }
    }
}
