// Parquet output of real jobs: `df.write.parquet(path)` and `write.format("parquet").save(path)`
// on real executor processes (one file, committed atomically, options checked before the job
// runs, save modes), and `ember sql` / `ember wordcount` with `--output x.parquet`; pyarrow and
// DuckDB read the files back equal to the job's rows.

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

    @Test func writeParquetWritesOneFileEqualToTheResult() throws {
        let dir = ScratchDir("parquet-job")
        defer { dir.cleanup() }
        let session = try makeSession(partitions: 3)
        defer { session.stop() }
        let df = try input(dir, session).filter(col("id") % 7 =!= 3).orderBy("id")
        let expected = ParquetOutputReference.normalized(try df.collect().map { $0.values })
        let path = dir.file("out.parquet")
        try df.write.parquet(path)
        var back = try ParquetOutputReference.read(path)
        #expect(back.pyarrow == expected && back.duckdb == expected)
        #expect(back.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.compression == "SNAPPY" } }, "Spark's default codec")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.csv", "out.parquet"], "no temp file left")

        // format + save, an option, and the save modes.
        #expect(throws: EmberError.self) { try df.write.format("parquet").save(path) }
        try df.write.format("parquet").mode(SaveMode.overwrite).option("compression", "zstd").save(path)
        back = try ParquetOutputReference.read(path)
        #expect(back.pyarrow == expected)
        #expect(back.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.compression == "ZSTD" } })
        try df.limit(1).write.mode(SaveMode.ignore).parquet(path)
        #expect(try ParquetOutputReference.read(path).pyarrow.count == expected.count, "ignore leaves the file as it was")
        try df.write.option("compression", "none").save(dir.file("default-format.parquet"))   // save's default format is parquet
        #expect(try ParquetOutputReference.read(dir.file("default-format.parquet")).rowGroups.first?.columns.first?.compression == "UNCOMPRESSED")
    }

    @Test func badOptionsFailBeforeTheJobAndWriteNothing() throws {
        let dir = ScratchDir("parquet-job")
        defer { dir.cleanup() }
        let session = try makeSession()
        defer { session.stop() }
        let df = try input(dir, session)
        let path = dir.file("out.parquet")
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
