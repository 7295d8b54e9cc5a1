// The 22 TPC-H queries as SQL (Benchmarks/TPCH/sql/qNN.sql, the text the peers run) through
// session.sql on the tiny tables of TPCHQueriesTests: each answers as its DataFrame version
// (Benchmarks/TPCH) does (their plans: SQLTPCHPlanTests), through `ember bench tpch --sql` too,
// and parsing, translating and planning each takes milliseconds.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing
import TPCHQueries

@Suite(.serialized) struct SQLTPCHTests {
    /// A directory holding TPCHQueriesTests' tiny tables as CSV files.
    static func tinyTables() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tpch-sql-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in tpchTinyTables { try (text + "\n").write(toFile: "\(directory)/\(name).csv", atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func everyQueryAnswersAsItsDataFrameVersion() throws {
        let directory = try Self.tinyTables()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try makeSession(executors: 2, cores: 1)
        defer { session.stop() }
        let t = try TPCHTables(session: session, directory: directory)
        for name in TPCHTables.names {
            _ = try session.sql("CREATE TEMPORARY VIEW \(name) USING csv OPTIONS (path '\(directory)/\(name).csv', header 'true', inferSchema 'true')").collect()
        }
        let queries = try SQLTPCHParseTests.queries()
        var failures: [String] = []
        for number in TPCH.numbers {
            guard let sql = queries[number] else { failures.append("Q\(number): no SQL text"); continue }
            do {
                let fromSQL = try session.sql(sql), fromAPI = try TPCH.query(number, t)
                let a = try fromSQL.collect().map { $0.values.map(SQLTestTables.normalized) }
                let b = try fromAPI.collect().map { $0.values.map(SQLTestTables.normalized) }
                if a.sorted(by: { $0.lexicographicallyPrecedes($1) }) != b.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    failures.append("Q\(number): SQL \(a) DataFrame \(b)")
                }
                if try fromSQL.schema().names != fromAPI.schema().names {
                    failures.append("Q\(number): columns \(try fromSQL.schema().names) vs \(try fromAPI.schema().names)")
                }
            } catch {
                failures.append("Q\(number): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// `ember bench tpch --sql` runs the SQL text through the tool and writes the same answers as the
    /// DataFrame versions do; a missing SQL directory is named in the error, with `--sql-dir`.
    @Test func benchWithSQLWritesTheDataFrameVersionsAnswers() throws {
        let directory = try Self.tinyTables()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ember = productsDirectory().appendingPathComponent("ember").path
        let common = ["bench", "tpch", "--data", directory, "--executors", "2", "--cores", "1", "--no-ui", "--no-event-log"]
        var answers: [String: [String: String]] = [:]
        for mode in ["sql", "dataframe"] {
            let out = "\(directory)/answers-\(mode)"
            let (status, output, err) = try runProgram(ember, common + ["--answers-out", out] + (mode == "sql" ? ["--sql"] : []))
            #expect(status == 0, "stderr: \(err)")
            #expect(output.contains("q22") && output.contains("total"), "\(output)")
            for q in TPCH.numbers {
                let name = String(format: "q%02d.csv", q)
                answers[mode, default: [:]][name] = try String(contentsOfFile: "\(out)/\(name)", encoding: .utf8)
            }
        }
        for (name, text) in answers["dataframe"] ?? [:] {
            let sql = answers["sql"]?[name] ?? ""
            // Rows that tie on the ORDER BY keys may come in any order.
            #expect(sql.split(separator: "\n").sorted() == text.split(separator: "\n").sorted(), "\(name)")
        }
        #expect(answers["sql"]?.count == 22)

        let missing = "\(directory)/no-such-dir"
        let (status, _, err) = try runProgram(ember, common + ["--sql", "--sql-dir", missing, "--queries", "5"])
        #expect(status == 1)
        #expect(err.contains("\(missing)/q05.sql") && err.contains("--sql-dir"), "\(err)")
    }

    /// Parse, translate and plan time of each query next to the DataFrame version's planning, as
    /// `ember bench tpch --sql --plan-times` measures them. Printed, not asserted: timing is for the report.
    @Test func parseAndPlanTimes() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let directory = try Self.tinyTables()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lines: [String] = []
        let times = try TPCHPlanTimes.measure(session: session, data: directory, queries: TPCH.numbers,
                                              sqlDirectory: TPCHSQL.sourceDirectory, runs: 3) { lines.append($0) }
        print(lines.joined(separator: "\n"))
        #expect(times.map(\.query) == TPCH.numbers)
        #expect(times.allSatisfy { $0.parse > 0 && $0.parseAndTranslate > 0 && $0.sqlToPhysicalPlan > 0 && $0.dataFrameToPhysicalPlan > 0 })
    }
}
