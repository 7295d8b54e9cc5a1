// JSONReferenceTests: Ember's JSON lines reading and writing against DuckDB and pyarrow on seeded
// random files, through a real session with executor processes and many splits: Ember reads what
// they read, they read back what Ember writes, and so does Ember.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.enabled(if: JSONReference.python != nil, "needs the reference python of scripts/ensure-duckdb (DuckDB and pyarrow)"))
struct JSONReferenceTests {
    /// The first row where two readings differ, for a readable failure.
    func firstDifference(_ a: [[String?]], _ b: [[String?]]) -> String? {
        if a.count != b.count { return "\(a.count) rows against \(b.count)" }
        for (k, (x, y)) in zip(a, b).enumerated() where x != y { return "row \(k): \(x) against \(y)" }
        return nil
    }

    @Test func readingWritingAndReadingBackAgreeWithDuckDBAndPyarrow() throws {
        let dir = ScratchDir("json-reference")
        defer { dir.cleanup() }
        let path = dir.write("data.json", JSONReference.generate(rows: 4000, seed: 42))
        let reference = try JSONReference.read(path, scratch: dir.path)
        #expect(firstDifference(reference.duckdb, reference.arrow) == nil, "DuckDB and pyarrow disagree")
        #expect(reference.duckdb.count == 4000)

        let session = try makeSession(maxPartitionBytes: 16 << 10)
        defer { session.stop() }
        #expect(try session.splitFiles([path]).count > 20)
        let df = try session.read.schema(JSONReference.ddl).json(path)
        let ember = try df.orderBy("id").collect().map { $0.values.map(JSONReference.normalized) }
        #expect(firstDifference(ember, reference.duckdb) == nil)

        // Inference: the union of the keys sorted by name; nested values and timestamps as strings.
        let inferred = try session.read.json(path).schema()
        #expect(inferred.description == "struct<b:boolean,d:string,extra0:string,extra1:string,extra2:string,i:bigint,id:bigint,s:string,ts:string,x:double>")

        // Ember's output, read back by DuckDB, pyarrow and Ember.
        let outDir = dir.file("out.json")
        try df.coalesce(1).write.json(outDir)
        let out = try onlyPartFile(outDir)
        let back = try JSONReference.read(out, scratch: dir.path)
        #expect(firstDifference(back.duckdb, reference.duckdb) == nil, "DuckDB reads Ember's output differently")
        #expect(firstDifference(back.arrow, reference.arrow) == nil, "pyarrow reads Ember's output differently")
        let again = try session.read.schema(JSONReference.ddl).json(outDir).orderBy("id").collect().map { $0.values.map(JSONReference.normalized) }
        #expect(firstDifference(again, ember) == nil)
        // Written with nulls left out, fields in schema order, one object per line.
        let firstLine = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix(#"{"id":"#) && !firstLine.contains("null"))
    }

    @Test func ignoreNullFieldsFalseAndGzip() throws {
        let dir = ScratchDir("json-reference-options")
        defer { dir.cleanup() }
        let path = dir.write("data.json", JSONReference.generate(rows: 500, seed: 7))
        let reference = try JSONReference.read(path, scratch: dir.path)
        let session = try makeSession()
        defer { session.stop() }
        let df = try session.read.schema(JSONReference.ddl).json(path)
        try df.coalesce(1).write.option("ignoreNullFields", "false").json(dir.file("nulls"))
        let nulls = try onlyPartFile(dir.file("nulls"))
        #expect(try String(contentsOfFile: nulls, encoding: .utf8).contains(#""i":null"#))
        #expect(firstDifference(try JSONReference.read(nulls, scratch: dir.path).duckdb, reference.duckdb) == nil)
        try df.coalesce(1).write.format("json").option("compression", "gzip").save(dir.file("gzipped"))
        let gzipped = try onlyPartFile(dir.file("gzipped"))
        #expect(gzipped.hasSuffix(".json.gz"))
        #expect(firstDifference(try JSONReference.read(gzipped, scratch: dir.path).duckdb, reference.duckdb) == nil)
        // Ember reads its gzipped output back (decompressed as a stream, one split).
        let back = try session.read.schema(JSONReference.ddl).json(gzipped).orderBy("id").collect().map { $0.values.map(JSONReference.normalized) }
        #expect(firstDifference(back, try df.orderBy("id").collect().map { $0.values.map(JSONReference.normalized) }) == nil)
    }
}
