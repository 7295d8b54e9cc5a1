// PartitionDiscoveryTests: `partitionBy` writes `col=value/` directories (Spark's escaping, the
// default partition for null and the empty string, the partition columns not in the files);
// reading a directory discovers them as typed partition columns after the files' columns; filters
// on them prune whole directories, and explain shows how many.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct PartitionDiscoveryTests {
    static let specials: [String?] = ["a/b", "x=y", "50%", "", nil, "é €", "sp ace", "q?", "#1", "c:d", "[x]", "{^}", "say \"hi\"", "back\\slash", "it's", "tab\tx", "plain"]

    /// Writes `text` to `path` under `dir`, making its directories.
    static func put(_ dir: ScratchDir, _ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: dir.file((path as NSString).deletingLastPathComponent), withIntermediateDirectories: true)
        _ = dir.write(path, text)
    }

    @Test func partitionByEscapesValuesAndReadsThemBack() throws {
        let dir = ScratchDir("partby")
        defer { dir.cleanup() }
        var csv = "id,s,g\n"
        var expected: [[Value]] = []
        var rng = SeededRandom(seed: 21)
        for i in 0..<600 {
            let s = Self.specials.randomElement(using: &rng)!
            let g = Int64.random(in: 0..<3, using: &rng)
            let quoted = s.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
            csv += "\(i),\(quoted),\(g)\n"
            expected.append([.long(Int64(i)), .long(g), s.flatMap { $0.isEmpty ? nil : Value.string($0) } ?? .null])
        }
        let input = dir.write("in.csv", csv)
        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 3000)
        defer { session.stop() }
        // "" reads as null with the default nullValue; keep it a string to test the default partition.
        let df = try session.read.option("header", true).option("nullValue", "\u{1}").schema("id BIGINT, s STRING, g BIGINT").csv(input)
        let out = dir.file("out")
        try df.write.partitionBy("s").option("header", true).csv(out)

        let directories = Set(treeListing(out).filter { $0.contains("/") }.map { String($0.split(separator: "/")[0]) })
        #expect(directories == ["s=a%2Fb", "s=x%3Dy", "s=50%25", "s=__HIVE_DEFAULT_PARTITION__", "s=é €", "s=sp ace", "s=q%3F", "s=%231",
                                "s=c%3Ad", "s=%5Bx%5D", "s=%7B%5E}", "s=say %22hi%22", "s=back%5Cslash", "s=it%27s", "s=tab%09x", "s=plain"],
                "\(directories.sorted())")
        let parts = treeListing(out).filter { $0.contains("/part-") }
        #expect(parts.allSatisfy { isPartName(String($0.split(separator: "/")[1]), ext: "csv", partitioned: true) })
        // One file per task and partition value (the task sorted its rows by the partition column).
        #expect(Set(parts.map { $0.split(separator: "/")[0] + String($0.split(separator: "/")[1].prefix(10)) }).count == parts.count)
        // The files hold the other columns only.
        #expect(try readCSV(out + "/" + parts[0]).first == ["id", "g"])

        let back = try session.read.option("header", true).option("inferSchema", true).csv(out)
        #expect(try back.schema().fields == [StructField("id", .long), StructField("g", .long), StructField("s", .string)], "partition columns last")
        #expect(sortedText(try back.collect().map(\.values)) == sortedText(expected))
        #expect(try back.filter(col("s").isNull()).count() == Int64(expected.filter { $0[2].isNull }.count))
    }

    @Test func typedDiscoveryPruningAndExplain() throws {
        let dir = ScratchDir("prune")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let out = dir.file("t")
        let df = session.range(0, 1200, numPartitions: 3).select(col("id"), (col("id") % 4).alias("a"), (col("id") % 3 * lit(1.5)).alias("b"))
        try df.write.partitionBy("a", "b").csv(out)
        #expect(treeListing(out).contains { $0.hasPrefix("a=2/b=1.5/part-") })

        let t = try session.read.schema("id BIGINT").csv(out)
        #expect(try t.schema().fields == [StructField("id", .long), StructField("a", .long), StructField("b", .double)])
        #expect(try t.count() == 1200)
        #expect(session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }.count == 36, "3 tasks × 12 partitions, one file each")

        let one = t.filter(col("a") === 1 && col("id") > 100)
        let plan = try one.explainString()
        #expect(plan.contains("PartitionFilters: [(a#1 = 1)], partitions read: 3 of 12 (9 pruned), files read: 9 of 36"), "\(plan)")
        let got = try one.collect().map { ($0[0] as Value).longValue! }.sorted()
        #expect(got == (101..<1200).filter { $0 % 4 == 1 }.map(Int64.init))
        #expect(session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }.count == 9, "only the files of a=1 were read")

        let two = t.filter(col("b") >= 1.5 && col("a").isin(0, 3))
        #expect(try two.explainString().contains("partitions read: 4 of 12 (8 pruned)"))
        #expect(try two.count() == Int64((0..<1200).filter { $0 % 3 != 0 && [0, 3].contains($0 % 4) }.count))
        // A condition that reads a file column too cannot prune.
        let mixed = t.filter(col("a") === 1 || col("id") === 2)
        #expect(!(try mixed.explainString()).contains("PartitionFilters"))
        #expect(try mixed.count() == 301)
        // SQL over a view of the directory prunes the same way.
        try t.createOrReplaceTempView("t")
        let sql = try session.sql("SELECT count(*) AS n FROM t WHERE a = 3 AND b = 0")
        #expect(try sql.explainString().contains("partitions read: 1 of 12 (11 pruned)"))
        #expect(try sql.collect().first?[0] as Value? == .long(100))
        // A filter that rules out everything reads nothing.
        #expect(try t.filter(col("a") === 7).count() == 0)
    }

    @Test func inferenceWideningHiddenFilesAndConflicts() throws {
        let dir = ScratchDir("discover")
        defer { dir.cleanup() }
        func put(_ path: String, _ text: String) throws { try Self.put(dir, path, text) }
        try put("t/n=1/d=2024-01-02/x=007/s=abc/f.csv", "1\n")
        try put("t/n=2.5/d=2024-01-03 10%3A00%3A00/x=12/s=12/f.csv", "2\n")
        try put("t/n=__HIVE_DEFAULT_PARTITION__/d=2024-01-04/x=3/s=__HIVE_DEFAULT_PARTITION__/f.csv", "3\n")
        try put("t/_SUCCESS", "")
        try put("t/.hidden.csv", "9\n")
        try put("t/_temporary/0/n=9/d=2024-01-01/x=1/s=a/part.csv", "9\n")
        try put("t/n=1/.d=2024-01-01/x=1/s=a/f.csv", "9\n")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let t = try session.read.schema("v BIGINT").csv(dir.file("t"))
        #expect(try t.schema().fields == [StructField("v", .long), StructField("n", .double), StructField("d", .timestamp),
                                           StructField("x", .long), StructField("s", .string)])
        let rows = try t.orderBy("v").collect().map { $0.values.map(\.description) }
        #expect(rows == [["1", "1.0", "2024-01-02 00:00:00", "7", "abc"], ["2", "2.5", "2024-01-03 10:00:00", "12", "12"],
                         ["3", "null", "2024-01-04 00:00:00", "3", "null"]])
        // The user's schema types a partition column.
        let typed = try session.read.schema("v BIGINT, x STRING").csv(dir.file("t"))
        #expect(try typed.schema().fields.last == StructField("s", .string))
        #expect(try typed.schema().fields[2] == StructField("d", .timestamp))
        #expect(try typed.orderBy("v").collect().map { ($0[3] as Value) } == [.string("007"), .string("12"), .string("3")])
        #expect(PartitionDiscovery.inferType(["1", "2"]) == .long)
        #expect(PartitionDiscovery.inferType(["1", "NaN"]) == .string)
        #expect(PartitionDiscovery.inferType(["2024-01-01", "x"]) == .string)
        #expect(PartitionDiscovery.inferType([nil, nil]) == .string)
        #expect(PartitionDiscovery.inferType(["1", nil, "2024-01-01"]) == .string)

        try put("c/k=1/f.csv", "1\n")
        try put("c/j=2/g.csv", "2\n")
        let conflict = #expect(throws: EmberError.self) { try session.read.csv(dir.file("c")) }
        #expect(conflict?.message == "Conflicting partition column names detected")
        try put("m/k=1/f.csv", "1\n")
        try put("m/top.csv", "2\n")
        #expect(throws: EmberError.self) { try session.read.csv(dir.file("m")) }
        // Plain subdirectories are read too, without partition columns.
        try put("p/a/f.csv", "1\n")
        try put("p/b/c/g.csv", "2\n")
        #expect(try session.read.schema("v BIGINT").csv(dir.file("p")).count() == 2)
    }

    /// A partition column whose name starts with `_` writes `_k=v/` directories, which Spark's
    /// file index reads (it hides `_` names only when they hold no `=`); none of its rows may be lost.
    @Test func underscorePartitionColumnRoundTrips() throws {
        let dir = ScratchDir("partby-underscore")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let out = dir.file("u")
        try session.range(0, 100, numPartitions: 2).select(col("id"), (col("id") % 3).alias("_k")).write.partitionBy("_k").csv(out)
        #expect(treeListing(out).contains { $0.hasPrefix("_k=1/part-") })
        let back = try session.read.schema("id BIGINT").csv(out)
        #expect(try back.schema().fields == [StructField("id", .long), StructField("_k", .long)])
        #expect(try back.count() == 100)
        #expect(try back.filter(col("_k") === 2).count() == 33)
    }

    /// Pruning keeps every partition the filter is true for, also those whose values Value's `==`
    /// gets wrong: NaN (unequal to itself) and strings equal only up to Unicode normalization
    /// (different directories, different bytes: a filter on bytes tells them apart).
    @Test func pruningKeepsNaNAndDistinctlyEncodedPartitions() throws {
        let dir = ScratchDir("prune-identity")
        defer { dir.cleanup() }
        func put(_ path: String, _ text: String) throws { try Self.put(dir, path, text) }
        try put("d/k=NaN/f.csv", "1\n")
        try put("d/k=1.5/f.csv", "2\n")
        try put("d/k=0.5/f.csv", "3\n")
        let nfc = "\u{E9}", nfd = "e\u{301}"
        try put("s/s=\(nfc)/f.csv", "1\n")
        try put("s/s=\(nfd)/f.csv", "2\n")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let d = try session.read.schema("v BIGINT, k DOUBLE").csv(dir.file("d"))
        let greater = d.filter(col("k") > 1.0)   // NaN is above every number (Spark's order)
        #expect(try greater.explainString().contains("partitions read: 2 of 3"))
        #expect(try greater.collect().map { ($0[0] as Value).longValue! }.sorted() == [1, 2])
        let s = try session.read.schema("v BIGINT, s STRING").csv(dir.file("s"))
        #expect(try s.filter(col("s") === nfc).collect().map { ($0[0] as Value).longValue! } == [1])
        #expect(try s.filter(col("s") === nfd).collect().map { ($0[0] as Value).longValue! } == [2])
    }

    /// A symlink from a directory back to one above it is not followed: its files are read once
    /// (not again at every level the kernel resolves, nor exponentially often with two links).
    @Test func symlinkCyclesAreReadOnce() throws {
        let dir = ScratchDir("discover-cycle")
        defer { dir.cleanup() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("p/sub"), withIntermediateDirectories: true)
        _ = dir.write("p/f.csv", "1\n")
        _ = dir.write("p/sub/g.csv", "2\n")
        try fm.createSymbolicLink(atPath: dir.file("p/sub/up"), withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: dir.file("p/sub/again"), withDestinationPath: "..")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let rows = try session.read.schema("v BIGINT").csv(dir.file("p")).collect().map { ($0[0] as Value).longValue! }
        #expect(rows.sorted() == [1, 2])
    }

    @Test func partitionByRefusesWhatSparkRefuses() throws {
        let dir = ScratchDir("partby-errors")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = session.range(0, 10).select(col("id"), (col("id") % 2).alias("k"))
        let unknown = #expect(throws: EmberError.self) { try df.write.partitionBy("kk").csv(dir.file("a")) }
        #expect(unknown?.hint?.contains("did you mean `k`") == true)
        #expect(unknown?.message.hasPrefix("Partition column `kk` not found in schema") == true)
        let all = #expect(throws: EmberError.self) { try df.write.partitionBy("k", "id").csv(dir.file("b")) }
        #expect(all?.message == "Cannot use all columns for partition columns")
        // A column named twice, also in another case (spark.sql.caseSensitive=false), before the
        // other checks: ("k", "id", "K") names all the columns too.
        for names in [["k", "k"], ["k", "K"], ["k", "id", "K"]] {
            let twice = #expect(throws: EmberError.self) { try df.write.partitionBy(names).parquet(dir.file("c")) }
            #expect(twice?.message == "Found duplicate column(s) in the partition schema: `k`", "\(names)")
        }
        let two = #expect(throws: EmberError.self) { try df.write.partitionBy("ID", "k", "id", "K").json(dir.file("d")) }
        #expect(two?.message == "Found duplicate column(s) in the partition schema: `id`, `k`")
        // A partition column whose name the data also has (in another case) would be ambiguous.
        let ambiguous = #expect(throws: EmberError.self) {
            try df.select(col("id"), col("k"), col("id").alias("K")).write.partitionBy("k").csv(dir.file("e"))
        }
        #expect(ambiguous?.message.hasPrefix("Found duplicate column(s) when inserting into") == true)
        #expect(ambiguous?.message.hasSuffix(": `k`") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "refused before any job ran")
        #expect(session.lastJobTasks.isEmpty)
    }

    @Test func pathEscapingRoundTrips() {
        #expect(PartitionPath.component("k", .string("a/b=c%")) == "k=a%2Fb%3Dc%25")
        #expect(PartitionPath.component("k", .null) == "k=__HIVE_DEFAULT_PARTITION__")
        #expect(PartitionPath.component("k", .string("")) == "k=__HIVE_DEFAULT_PARTITION__")
        #expect(PartitionPath.component("d", .date(19_000)) == "d=2022-01-08")
        #expect(PartitionPath.component("t", .timestamp(1_500_000)) == "t=1970-01-01 00%3A00%3A01.5")
        #expect(PartitionPath.parse("k=a%2Fb")! == ("k", "a/b"))
        #expect(PartitionPath.parse("k=__HIVE_DEFAULT_PARTITION__")! == ("k", nil))
        #expect(PartitionPath.parse("nokey") == nil && PartitionPath.parse("=v") == nil)
        #expect(PartitionPath.unescape("100%") == "100%" && PartitionPath.unescape("%zz%4") == "%zz%4")
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 1..<12, using: &rng)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 1...127, using: &rng)))
            })
            let escaped = PartitionPath.escape(text)
            #expect(!escaped.contains("/") && !escaped.contains("="))
            #expect(PartitionPath.unescape(escaped) == text, "\(text.debugDescription)")
        }
    }
}
