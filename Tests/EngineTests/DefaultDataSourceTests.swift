// DefaultDataSourceTests: `df.write.save(path)` and `session.read.load(path)` without a format use
// Spark's `spark.sql.sources.default`: parquet unless the session sets csv, json or text (at
// start or while it runs); a value Ember cannot read and write is refused, naming it.

@_spi(EmberInternal) @testable import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct DefaultDataSourceTests {
    func parts(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("part-") }.sorted()
    }

    @Test func saveAndLoadWithoutAFormatUseTheSessionsDefault() throws {
        let dir = ScratchDir("default-source")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 50, numPartitions: 2).select(col("id"), (col("id") * 3).alias("x"))
        let expected = try df.collect().map(\.description)
        #expect(try session.conf.get("spark.sql.sources.default") == "parquet")

        try df.write.save(dir.file("p"))
        #expect(!parts(dir.file("p")).isEmpty && parts(dir.file("p")).allSatisfy { isPartName($0, ext: "snappy.parquet") }, "\(parts(dir.file("p")))")
        #expect(try session.read.load(dir.file("p")).orderBy("id").collect().map(\.description) == expected)

        for (source, ext) in [("json", "json"), ("CSV", "csv")] {
            try session.conf.set("spark.sql.sources.default", source)
            let out = dir.file(source)
            try df.write.mode("overwrite").save(out)
            #expect(!parts(out).isEmpty && parts(out).allSatisfy { isPartName($0, ext: ext) }, "\(source): \(parts(out))")
            let back = ext == "csv" ? try session.read.schema(df.schema()).load(out) : try session.read.load(out)
            #expect(try back.orderBy("id").collect().map(\.description) == expected, "\(source)")
        }
        // An explicit format still wins, and SQL's SET changes the default too.
        try df.write.format("parquet").save(dir.file("explicit"))
        #expect(parts(dir.file("explicit")).allSatisfy { $0.hasSuffix(".snappy.parquet") })
        _ = try session.sql("SET spark.sql.sources.default=text").collect()
        try df.select(col("id").cast(.string)).write.save(dir.file("t"))
        #expect(parts(dir.file("t")).allSatisfy { isPartName($0, ext: "txt") }, "\(parts(dir.file("t")))")
        #expect(try session.read.load(dir.file("t")).count() == 50)
    }

    @Test func aDefaultEmberCannotReadAndWriteIsRefusedByName() throws {
        var config = SessionConfig()
        let error = #expect(throws: EmberError.self) { try config.set("spark.sql.sources.default", "parquett") }
        #expect(error?.message.contains("spark.sql.sources.default") == true && error?.message.contains("'parquett'") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(error?.hint?.contains("did you mean parquet") == true)
        #expect(throws: EmberError.self) { try config.set("spark.sql.sources.default", "orc") }
        try config.set("spark.sql.sources.default", " JSON ")
        #expect(config.defaultDataSource == "json" && config.value(of: "spark.sql.sources.default") == "json")
    }
}
