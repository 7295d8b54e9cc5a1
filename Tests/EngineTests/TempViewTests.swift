// Temporary views: createOrReplaceTempView / createTempView, session.table, the catalog's listing
// and drop, case-insensitive names, and errors that name the view and what exists.

@testable import Engine
import Foundation
import Testing

@Suite struct TempViewTests {
    @Test func aViewReadsLikeItsDataFrameAndAnswersToItsName() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 100).select(col("id"), (col("id") % 3).alias("k"))
        try df.createOrReplaceTempView("Numbers")
        let viaView = try session.table("numbers").filter(col("numbers.k") === 1).agg(sum("id").alias("s")).collect()
        let direct = try df.filter(col("k") === 1).agg(sum("id").alias("s")).collect()
        #expect(viaView == direct)
        #expect(viaView.first?[0] == .long((0..<100).filter { $0 % 3 == 1 }.reduce(0, +)))
        #expect(session.catalog.listTables() == [Table(name: "Numbers", isTemporary: true, tableType: "TEMPORARY")])
        #expect(session.catalog.tableExists("NUMBERS"))

        // Replacing points the name at the new plan; createTempView refuses an existing name.
        try session.range(0, 5).createOrReplaceTempView("numbers")
        #expect(try session.table("Numbers").count() == 5)
        let exists = try #require(throws: EmberError.self) { try df.createTempView("NUMBERS") }
        #expect(exists.message.contains("already exists"))
        #expect(session.catalog.dropTempView("numbers"))
        #expect(!session.catalog.dropTempView("numbers"))
        #expect(session.catalog.listTables().isEmpty)
    }

    @Test func aJoinOfTwoViewsTellsTheirColumnsApart() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        try session.range(0, 10).createOrReplaceTempView("a")
        try session.range(5, 15).createOrReplaceTempView("b")
        let a = try session.table("a"), b = try session.table("b")
        let rows = try a.join(b, on: col("a.id") === col("b.id"), how: "inner").select(col("a.id")).orderBy("id").collect()
        #expect(rows.map { $0[0] } == (5..<10).map { Value.long(Int64($0)) })
    }

    @Test func unknownAndInvalidNamesSayWhatToDo() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let none = try #require(throws: EmberError.self) { try session.table("clicks") }
        #expect(none.message.contains("`clicks` cannot be found") && none.hint?.contains("createOrReplaceTempView") == true)
        try session.range(0, 1).createOrReplaceTempView("clicks_2024")
        let typo = try #require(throws: EmberError.self) { try session.table("click_2024") }
        #expect(typo.hint?.contains("did you mean `clicks_2024`?") == true, "\(String(describing: typo.hint))")
        for name in ["db.view", "", "two words", "123"] {
            #expect(throws: EmberError.self, "\(name)") { try session.range(0, 1).createOrReplaceTempView(name) }
        }
        #expect(!session.catalog.tableExists("db.view"))
    }
}
