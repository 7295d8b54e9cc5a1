// The README's ten-line API example, compiled and run as written (with a test executor path),
// plus explain() and show() output shapes.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct ReadmeExampleTests {
    @Test func readmeExampleRuns() throws {
        let dir = ScratchDir("readme")
        defer { dir.cleanup() }
        let book = dir.write("book.txt", "The cat and THE hat.\nA cat!\n")
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let lines = try session.read.text(book)
        let counts = lines.select(explode(split(col("value"), "[^A-Za-z]+")).alias("word"))
            .filter(col("word") =!= "")
            .groupBy(lower(col("word")).alias("word")).count()
            .orderBy(col("count").desc(), col("word").asc())
        let shown = try counts.showString()
        #expect(shown.hasPrefix("+----+-----+\n|word|count|\n+----+-----+\n| cat|    2|\n| the|    2|\n"))
        try counts.write.mode(.overwrite).option("header", true).csv(dir.file("counts.csv"))
        #expect(try readCSVOutput(dir.file("counts.csv"), header: true) == [["word", "count"], ["cat", "2"], ["the", "2"], ["a", "1"], ["and", "1"], ["hat", "1"]])
        #expect(try counts.count() == 5)
        let plan = try counts.explainString()
        for section in ["== Parsed Logical Plan ==", "== Analyzed Logical Plan ==", "== Optimized Logical Plan ==", "== Physical Plan ==", "== Stages ==",
                        "HashAggregate(mode=Partial", "HashAggregate(mode=Final", "Exchange hashpartitioning", "ShuffleMapStage", "ResultStage"] {
            #expect(plan.contains(section), "explain() shows \(section)")
        }
    }

    @Test func transformationsAreLazyAndSparkNamed() throws {
        let dir = ScratchDir("api")
        defer { dir.cleanup() }
        let path = dir.write("t.csv", "name,age,score\nann,31,2.5\nbob,,4.0\ncid,45,\ndan,31,1.5\n")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let people = try session.read.option("header", true).option("inferSchema", true).csv(path)
        #expect(try people.schema() == StructType([StructField("name", .string), StructField("age", .long), StructField("score", .double)]))
        let older = try people.filter(col("age") >= 31 && col("score").isNotNull())
            .withColumn("double_score", col("score") * 2)
            .select(col("name"), (col("age") + 1).alias("next_age"), col("double_score"))
            .orderBy(desc("next_age"), asc("name"))
        #expect(try older.collect().map(\.description) == ["[ann,32,5.0]", "[dan,32,3.0]"])
        #expect(try people.limit(2).count() == 2)
        #expect(try people.agg(sum("age"), avg("score"), min("name"), max("age")).collect().map(\.description) == ["[107,2.6666666666666665,ann,45]"])
        #expect(try people.where(col("name") === "bob").select(col("age").isNull()).collect().first?[0] == .boolean(true))
    }
}
