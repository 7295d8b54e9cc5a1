// JSONEndToEndTests: JSON lines through every door: session.read.json and format("json").load, SQL's
// json.`path` and USING json, `ember sql --view …` and `--output x.json`, write.json and
// write.format("json").save with save modes, the writer's text and its life cycle, and FAILFAST
// failing a job with the file and line.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct JSONEndToEndTests {
    static let lines = """
        {"name": "ann", "age": 31, "city": "Oslo", "tags": ["a", "b"]}
        {"name": "bob", "city": "Rome", "score": 2.5}
        {"name": "cy", "age": 25, "city": "Oslo"}
        {"name": "dee", "age": 40, "city": "Rome", "extra": {"k": null}}

        """

    @Test func readersAndSQLSeeTheSameRows() throws {
        let dir = ScratchDir("json-e2e")
        defer { dir.cleanup() }
        let path = dir.write("people.json", Self.lines)
        let session = try makeSession()
        defer { session.stop() }
        let df = try session.read.json(path)
        #expect(try df.schema().description == "struct<age:bigint,city:string,extra:string,name:string,score:double,tags:string>")
        let byCity = try df.groupBy("city").agg(sum(col("age")).alias("total")).orderBy("city").collect().map { $0.values }
        #expect(byCity == [[.string("Oslo"), .long(56)], [.string("Rome"), .long(40)]])
        #expect(try session.read.format("JSON").load(path).count() == 4)
        let fromFile = try session.sql("SELECT name, tags FROM json.`\(path)` WHERE tags IS NOT NULL").collect().map { $0.values }
        #expect(fromFile == [[.string("ann"), .string(#"["a","b"]"#)]])
        _ = try session.sql("CREATE TEMPORARY VIEW p USING json OPTIONS (path '\(path)', primitivesAsString 'true')").collect()
        #expect(try session.sql("SELECT age FROM p WHERE name = 'cy'").collect().map { $0.values } == [[.string("25")]])
        // An option of another format is refused, with the JSON options listed.
        let error = try #require(throws: EmberError.self) { try session.read.option("header", true).json(path) }
        #expect(error.hint?.contains("primitivesAsString") == true)
    }

    @Test func failFastFailsTheJobNamingTheFileAndLine() throws {
        let dir = ScratchDir("json-failfast")
        defer { dir.cleanup() }
        let path = dir.write("bad.json", Self.lines + "{\"name\": \"eve\", \"age\": }\n")
        let session = try makeSession()
        defer { session.stop() }
        let df = try session.read.option("mode", "FAILFAST").schema("name STRING, age BIGINT").json(path)
        let error = try #require(throws: EmberError.self) { try df.collect() }
        #expect(error.description.contains("malformed JSON record"), "\(error)")
        #expect(error.description.contains("bad.json") && error.description.contains("line: 5"), "\(error)")
        // DROPMALFORMED skips it, PERMISSIVE keeps it as a corrupt record.
        #expect(try session.read.option("mode", "DROPMALFORMED").schema("name STRING, age BIGINT").json(path).count() == 4)
        let corrupt = try session.read.json(path).filter(col("_corrupt_record").isNotNull()).select("_corrupt_record").collect()
        #expect(corrupt.map { $0.values } == [[.string(#"{"name": "eve", "age": }"#)]])
    }

    @Test func writeSaveModesAndTheWrittenText() throws {
        let dir = ScratchDir("json-write")
        defer { dir.cleanup() }
        let session = try makeSession()
        defer { session.stop() }
        let input = dir.write("in.json", #"""
            {"y": "NaN", "id": 1, "s": "a\"b\\c\n", "x": 1.5, "b": true, "d": "2024-02-29", "ts": "2024-05-01T12:30:00.123456Z"}
            {"id": 2, "x": 1e10, "y": "-Infinity", "s": null}
            """#)
        let df = try session.read.schema("id BIGINT, s STRING, x DOUBLE, b BOOLEAN, d DATE, ts TIMESTAMP, y DOUBLE").json(input)
        let out = dir.file("out.json")
        try df.coalesce(1).write.json(out)
        func text() throws -> String { try String(contentsOfFile: try onlyPartFile(out), encoding: .utf8) }
        #expect(try text() == """
            {"id":1,"s":"a\\"b\\\\c\\n","x":1.5,"b":true,"d":"2024-02-29","ts":"2024-05-01T12:30:00.123Z","y":"NaN"}
            {"id":2,"x":1.0E10,"y":"-Infinity"}

            """)
        let mode = try FileManager.default.attributesOfItem(atPath: try onlyPartFile(out))[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o711 == 0o600 } == true, "the output is a readable, non-executable file")
        // The default mode refuses an existing output; ignore leaves it; overwrite replaces it.
        #expect(throws: EmberError.self) { try df.write.json(out) }
        try df.filter(col("id") === lit(2)).write.mode(.ignore).json(out)
        #expect(try text().hasPrefix(#"{"id":1"#))
        try df.filter(col("id") === lit(2)).coalesce(1).write.mode("overwrite").format("json").save(out)
        #expect(try text() == #"{"id":2,"x":1.0E10,"y":"-Infinity"}"# + "\n")
        // Read back: the non-finite doubles come back from their strings.
        let back = try session.read.schema("id BIGINT, x DOUBLE, y DOUBLE").json(out).collect().map { $0.values }
        #expect(back == [[.long(2), .double(1e10), .double(-.infinity)]])
        // Nothing is left behind: no staging or temp files next to the output, only the part and _SUCCESS in it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.json", "out.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix("part-") } == ["_SUCCESS"])
        #expect(throws: EmberError.self) { try df.write.option("compression", "snappy").json(dir.file("x.json")) }
        #expect(throws: EmberError.self) { try df.write.format("orc").save(dir.file("x.orc")) }
    }

    @Test func theWriterCreatesExclusivelyAndAbortRemoves() throws {
        let dir = ScratchDir("json-writer")
        defer { dir.cleanup() }
        let schema = try StructType.fromDDL("a BIGINT, s STRING")
        let path = dir.file("w.json")
        let writer = try JSONFileWriter(path: path, schema: schema, options: JSONWriteOptions())
        #expect(throws: EmberError.self) { try JSONFileWriter(path: path, schema: schema, options: JSONWriteOptions()) }
        #expect(throws: EmberError.self) { try JSONFileWriter(path: dir.file("missing/w.json"), schema: schema, options: JSONWriteOptions()) }
        // Several flushes' worth of rows, with control characters and non-ASCII text.
        let batch = ColumnarBatch.fromRows((0..<5000).map { [.long(Int64($0)), .string("\u{1}\u{1f}é😀 \($0)")] }, schema: schema)
        for _ in 0..<60 { try writer.write(batch) }
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(#"{"a":0,"s":"\u0001\u001Fé😀 0"}"# + "\n"))
        #expect(text.split(separator: "\n").count == 300_000)
        let other = try JSONFileWriter(path: dir.file("gone.json"), schema: schema, options: JSONWriteOptions())
        try other.write(batch)
        other.abort()
        other.abort()
        #expect(!FileManager.default.fileExists(atPath: dir.file("gone.json")))
    }

    @Test func theSQLCommandReadsAndWritesJSON() throws {
        let dir = ScratchDir("json-cli")
        defer { dir.cleanup() }
        let path = dir.write("people.jsonl", Self.lines)
        let output = dir.file("out.json")
        let ember = productsDirectory().appendingPathComponent("ember").path
        let common = ["--executors", "1", "--cores", "1", "--no-ui", "--no-event-log"]
        var (status, out, err) = try runProgram(ember, ["sql", "--view", "p=\(path)"] + common + ["SELECT name FROM p WHERE age > 30 ORDER BY name"])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("| ann|") && out.contains("| dee|") && !out.contains("bob"), "\(out)")
        (status, _, err) = try runProgram(ember, ["sql", "--view", "p=\(path),format=json,primitivesAsString=true", "--output", output] + common
                                          + ["SELECT city, count(*) AS n FROM p GROUP BY city ORDER BY city"])
        #expect(status == 0, "stderr: \(err)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == #"{"city":"Oslo","n":2}"# + "\n" + #"{"city":"Rome","n":2}"# + "\n")
        (status, _, err) = try runProgram(ember, ["sql", "--view", "p=\(path)", "--output", dir.file("out.parquet")] + common + ["SELECT 1 AS one"])
        #expect(status == 0, "stderr: \(err)")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        #expect(try session.read.parquet(dir.file("out.parquet")).collect().map { $0.values } == [[.long(1)]])
    }
}
