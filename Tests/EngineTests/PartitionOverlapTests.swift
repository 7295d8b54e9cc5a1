// PartitionOverlapTests: a column that the files hold and that a `col=value` directory names too is
// one column, as in Spark (PartitioningUtils.mergeDataAndPartitionSchema): at the files' column's
// position, with the directory's type and value, for CSV, JSON lines and Parquet; filters on it
// prune directories, and a read of it alone still counts every row.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct PartitionOverlapTests {
    /// `root/k=1/…` and `root/k=2/…`, whose files also hold `k` with other values (99, "x").
    static func layout(_ dir: ScratchDir, _ ext: String, _ content: (Int) -> String) throws -> String {
        let root = dir.file("t")
        for k in 1...2 {
            try FileManager.default.createDirectory(atPath: root + "/k=\(k)", withIntermediateDirectories: true)
            try content(k).write(toFile: root + "/k=\(k)/part-0.\(ext)", atomically: true, encoding: .utf8)
        }
        return root
    }

    /// The rows of `df` as text, sorted.
    static func rows(_ df: DataFrame) throws -> [String] {
        try df.collect().map { $0.values.map(\.description).joined(separator: "|") }.sorted()
    }

    @Test func csvColumnAlsoInTheDirectoryIsReadOnceFromTheDirectory() throws {
        let dir = ScratchDir("overlap-csv")
        defer { dir.cleanup() }
        // The file's k (first column, always 99) disagrees with its directory.
        let root = try Self.layout(dir, "csv") { k in "k,id,name\n99,\(k * 10),a\n99,\(k * 10 + 1),b\n" }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(root)
        #expect(try df.schema().fields == [StructField("k", .long), StructField("id", .long), StructField("name", .string)],
                "k once, in the file's position, with the directory's type")
        #expect(try Self.rows(df) == ["1|10|a", "1|11|b", "2|20|a", "2|21|b"])
        #expect(try Self.rows(df.select("k")) == ["1", "1", "2", "2"], "only the directory's column: every row counted")
        #expect(try Self.rows(df.filter(col("k") === 2).select("id", "k")) == ["20|2", "21|2"])
        let plan = try df.filter(col("k") === 2).explainString()
        #expect(plan.contains("partitions read: 1 of 2"), "a filter on the column prunes directories: \(plan)")
        // Without a header the file's columns are _c0…: nothing overlaps, k comes last.
        let plain = try session.read.option("inferSchema", true).csv(root)
        #expect(try plain.schema().names == ["_c0", "_c1", "_c2", "k"])
    }

    @Test func jsonFieldAlsoInTheDirectoryIsReadOnceFromTheDirectory() throws {
        let dir = ScratchDir("overlap-json")
        defer { dir.cleanup() }
        // The files' k is a string of another value; names are sorted by inference: id, k, z.
        let root = try Self.layout(dir, "json") { k in "{\"id\": \(k * 10), \"k\": \"x\", \"z\": true}\n{\"id\": \(k * 10 + 1), \"k\": \"y\", \"z\": false}\n" }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = try session.read.json(root)
        #expect(try df.schema().fields == [StructField("id", .long), StructField("k", .long), StructField("z", .boolean)])
        #expect(try Self.rows(df) == ["10|1|true", "11|1|false", "20|2|true", "21|2|false"])
        #expect(try df.filter(col("k") > 1).count() == 2)
    }

    @Test func parquetColumnAlsoInTheDirectoryIsReadOnceFromTheDirectory() throws {
        let dir = ScratchDir("overlap-parquet")
        defer { dir.cleanup() }
        let root = dir.file("t")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        // Each directory's files hold k = 7 (and a string k2 that is no partition column).
        for k in 1...2 {
            let part = session.range(0, 50, numPartitions: 1)
                .select(col("id"), lit(7).alias("k"), (col("id") * lit(Int64(k))).alias("v"))
            try part.coalesce(1).write.parquet(root + "/k=\(k)")
        }
        let df = try session.read.parquet(root)
        #expect(try df.schema().fields == [StructField("id", .long), StructField("k", .long), StructField("v", .long)])
        let got = try df.collect().map { $0.values }
        #expect(got.count == 100)
        #expect(got.allSatisfy { row in row[1] == .long(1) ? row[2] == row[0] : (row[1] == .long(2) && row[2] == .long(row[0].longValue! * 2)) },
                "k is the directory's value, never the files' 7")
        #expect(try df.filter(col("k") === 7).count() == 0)
        #expect(try df.groupBy("k").count().collect().map { "\($0.values[0])=\($0.values[1])" }.sorted() == ["1=50", "2=50"])
    }
}
