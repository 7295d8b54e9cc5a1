// Parquet output of real jobs: `df.write.parquet(dir)` and `write.format("parquet").save(dir)`
// on real executor processes (part files named `.snappy.parquet` etc. through the directory
// commit, options checked before the job runs, save modes), and `ember sql` / `ember wordcount`
// with `--output x.parquet` writing exactly that file; pyarrow and DuckDB read them back equal
// to the job's rows.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized, .enabled(if: ParquetReference.python != nil, "needs pyarrow and DuckDB (scripts/ensure-duckdb)")) struct ParquetWriteJobTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    /// A CSV input of every type with nulls, and the DataFrame over it.
    func input(_ dir: ScratchDir, _ session: Session) throws -> DataFrame {
        var data = ParquetTestData(seed: 21)
        let schema = ParquetTestData.allTypes
        let rows = data.rows(schema, count: 3000).map { row in
            row.map { v -> String in
                switch v {
                case .null: return ""
                case .string(let s): return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\n", with: " ") + "\""
                default: return v.description
                }
            }.joined(separator: ",")
        }
        let path = dir.write("in.csv", (["id,n,x,b,s,d,t"] + rows).joined(separator: "\n") + "\n")
        let ddl = "id BIGINT, n BIGINT, x DOUBLE, b BOOLEAN, s STRING, d DATE, t TIMESTAMP"
        return try session.read.option("header", true).schema(ddl).csv(path)
    }

    /// The part files of an output directory, in name order.
    func parts(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("part-") }.sorted().map { dir + "/" + $0 }
    }

    @Test func writeParquetWritesPartFilesEqualToTheResult() throws {
        let dir = ScratchDir("parquet-job")
        defer { dir.cleanup() }
        let session = try makeSession(partitions: 3)
        defer { session.stop() }
        let df = try input(dir, session).filter(col("id") % 7 =!= 3).orderBy("id")
        let expected = ParquetOutputReference.normalized(try df.collect().map { $0.values })
        let out = dir.file("out")
        try df.write.parquet(out)
        #expect(FileManager.default.fileExists(atPath: out + "/_SUCCESS"))
        var files = try parts(out)
        #expect(!files.isEmpty && files.allSatisfy { $0.hasSuffix(".snappy.parquet") }, "Spark's default codec and names: \(files)")
        var back = try ParquetOutputReference.read(files)
        #expect(files.flatMap { back[$0]?.pyarrow ?? [] } == expected)
        #expect(files.flatMap { back[$0]?.duckdb ?? [] } == expected)
        #expect(files.allSatisfy { back[$0]?.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.compression == "SNAPPY" } } == true })

        // format + save, an option, and the save modes.
        #expect(throws: EmberError.self) { try df.write.format("parquet").save(out) }
        try df.coalesce(1).write.format("parquet").mode(SaveMode.overwrite).option("compression", "zstd").save(out)
        files = try parts(out)
        #expect(files.count == 1 && files[0].hasSuffix(".zstd.parquet"))
        back = try ParquetOutputReference.read(files)
        #expect(back[files[0]]?.pyarrow == expected)
        #expect(back[files[0]]?.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.compression == "ZSTD" } } == true)
        try df.limit(1).write.mode(SaveMode.ignore).parquet(out)
        #expect(try parts(out) == files, "ignore leaves the output as it was")
        try df.coalesce(1).write.format("PARQUET").option("compression", "none").save(dir.file("default-format"))
        let plain = try parts(dir.file("default-format"))
        #expect(plain.count == 1 && plain[0].hasSuffix("c000.parquet"))
        #expect(try ParquetOutputReference.read(plain[0]).rowGroups.first?.columns.first?.compression == "UNCOMPRESSED")
        // Ember reads the directory back.
        #expect(ParquetOutputReference.normalized(try session.read.parquet(out).orderBy("id").collect().map { $0.values }) == expected)
    }

    @Test func badOptionsFailBeforeTheJobAndWriteNothing() throws {
        let dir = ScratchDir("parquet-job")
        defer { dir.cleanup() }
        let session = try makeSession()
        defer { session.stop() }
        let df = try input(dir, session)
        let path = dir.file("out")
        var error = #expect(throws: EmberError.self) { try df.write.option("compresion", "zstd").parquet(path) }
        #expect(error?.hint?.contains("did you mean 'compression'") == true)
        error = #expect(throws: EmberError.self) { try df.write.option("compression", "brotli2").parquet(path) }
        #expect(error?.message.hasPrefix("Codec [brotli2] is not available. Available codecs are") == true)
        error = #expect(throws: EmberError.self) { try df.write.option("compression", "lz4").parquet(path) }
        #expect(error?.hint?.contains("lz4_raw") == true)
        error = #expect(throws: EmberError.self) { try df.write.option("parquet.block.size", "-1").parquet(path) }
        #expect(error?.message.contains("parquet.block.size") == true)
        error = #expect(throws: EmberError.self) { try df.write.format("orc").save(path) }
        #expect(error?.message.contains("orc") == true)
        error = #expect(throws: EmberError.self) { try df.select(col("id"), col("n").alias("ID")).write.parquet(path) }
        #expect(error?.message.contains("duplicate") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["in.csv"])
    }

    @Test func outputFilesOfTheCommandsAreParquetByTheirExtension() throws {
        let dir = ScratchDir("parquet-cli")
        defer { dir.cleanup() }
        let common = ["--executors", "2", "--cores", "1", "--no-ui", "--no-event-log"]
        let people = dir.write("people.csv", "name,age\nann,31\nbob,\ncy,25\n")
        let output = dir.file("adults.parquet")
        var (status, _, err) = try runProgram(ember, ["sql", "--view", "p=\(people),header=true,inferSchema=true"] + common
                                                      + ["--output", output, "SELECT name, age FROM p ORDER BY name"])
        #expect(status == 0, "stderr: \(err)")
        var back = try ParquetOutputReference.read(output)
        #expect(back.pyarrow == [["ann", "31"], ["bob", nil], ["cy", "25"]])
        #expect(back.duckdb == back.pyarrow)
        #expect(back.columns.map(\.name) == ["name", "age"])

        let text = dir.write("in.txt", "the cat and the hat\nThe end\n")
        let counts = dir.file("counts.parquet")
        (status, _, err) = try runProgram(ember, ["wordcount", text, "--output", counts, "--executors", "2", "--cores", "1"],
                                          environment: ["EMBER_EXECUTOR_PATH": ""])
        #expect(status == 0, "stderr: \(err)")
        back = try ParquetOutputReference.read(counts)
        #expect(back.columns.map(\.name) == ["word", "count"])
        #expect(Set(back.pyarrow.map { "\($0[0] ?? ""):\($0[1] ?? "")" }) == ["the:3", "cat:1", "and:1", "hat:1", "end:1"])
    }
}
