// `ember sql` end to end (the real binary, its own executor processes): statements as an argument,
// from -f and from stdin; --view with reader options and formats; --conf under Spark's names with
// flags winning; --output writing one CSV; errors naming the statement's line in the script, with
// exit status 1 and nothing written.

import Engine
@testable import ember
import Foundation
import Testing

@Suite(.serialized) struct SQLCommandTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }
    let common = ["--executors", "2", "--cores", "1", "--no-ui", "--no-event-log"]

    func people(_ dir: ScratchDir) -> String {
        dir.write("people.csv", "name;age;city\nann;31;Oslo\nbob;NA;Rome\ncy;25;Oslo\ndee;40;Rome\n")
    }

    @Test func queriesPrintLikeShowAndStatementsRunInOrder() throws {
        let dir = ScratchDir("sql-cli")
        defer { dir.cleanup() }
        let view = "p=\(people(dir)),header=true,inferSchema=true,sep=;,nullValue=NA"
        let (status, out, err) = try runProgram(ember, ["sql", "--view", view] + common + ["""
            CREATE TEMPORARY VIEW grown AS SELECT * FROM p WHERE age >= 30;
            SELECT city, count(*) AS n, max(age) AS oldest FROM p GROUP BY city ORDER BY city;
            SELECT name FROM grown ORDER BY name;
            DESCRIBE p
            """])
        #expect(status == 0, "stderr: \(err)")
        #expect(out == """
            +----+---+------+
            |city|  n|oldest|
            +----+---+------+
            |Oslo|  2|    31|
            |Rome|  2|    40|
            +----+---+------+
            +----+
            |name|
            +----+
            | ann|
            | dee|
            +----+
            +--------+---------+-------+
            |col_name|data_type|comment|
            +--------+---------+-------+
            |    name|   string|   null|
            |     age|   bigint|   null|
            |    city|   string|   null|
            +--------+---------+-------+

            """)
        #expect(err.contains("Time taken:") && err.contains("Fetched 2 row(s)"))
    }

    @Test func fileScriptsStdinConfAndOutput() throws {
        let dir = ScratchDir("sql-cli-file")
        defer { dir.cleanup() }
        let csv = people(dir)
        let view = "p=\(csv),header=true,inferSchema=true,sep=;,nullValue=NA"
        let query = dir.write("q2.sql", "SET spark.sql.shuffle.partitions;\nSELECT city, sum(age) AS total FROM p GROUP BY city ORDER BY total DESC;\n")
        let output = dir.file("out.csv")
        var (status, out, err) = try runProgram(ember, ["sql", "-f", query, "--view", view, "--conf", "spark.sql.shuffle.partitions=5",
                                                        "--output", output] + common)
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("|spark.sql.shuffle.partitions|    5|"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "city,total\nOslo,56\nRome,40\n")
        // --output refuses to replace a file without --overwrite, and leaves it as it was.
        (status, _, err) = try runProgram(ember, ["sql", "-f", query, "--view", view, "--output", output] + common)
        #expect(status == 1 && err.contains("exists"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "city,total\nOslo,56\nRome,40\n")
        // --conf sets executor settings too; a flag given wins over it.
        (status, out, err) = try runProgram(ember, ["sql", "--conf", "spark.executor.instances=1", "--conf", "spark.executor.cores=3",
                                                    "--cores", "1", "--no-ui", "--no-event-log",
                                                    "SET spark.executor.instances; SET spark.executor.cores"])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("|spark.executor.instances|    1|") && out.contains("|spark.executor.cores|    1|"))
        // Statements on stdin when it is not a terminal.
        (status, out, err) = try runWithInput(["sql"] + common, input: "SELECT 6 * 7 AS answer;\nSELECT 'two' AS word;\n")
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("|answer|") && out.contains("|    42|") && out.contains("| two|"))
    }

    @Test func errorsNameTheStatementAndWhatToDo() throws {
        let dir = ScratchDir("sql-cli-errors")
        defer { dir.cleanup() }
        let view = "p=\(people(dir)),header=true,sep=;"
        let script = dir.write("bad.sql", "SELECT 1;\n\nSELECT nme\nFROM p;\nSELECT 2;\n")
        var (status, out, err) = try runProgram(ember, ["sql", "-f", script, "--view", view] + common)
        #expect(status == 1)
        #expect(err.contains("`nme` cannot be resolved") && err.contains("did you mean `name`"))
        #expect(err.contains("line: 3, column: 8") && err.contains("bad.sql, statement 2"), "stderr: \(err)")
        #expect(out.contains("|  1|") && !out.contains("|  2|"), "the script stops at the error")
        (status, _, err) = try runProgram(ember, ["sql", "SELEC 1"] + common)
        #expect(status == 1 && err.contains("line 1, column 1") && err.contains("^"))
        (status, _, err) = try runProgram(ember, ["sql", "--view", "p=\(dir.file("missing.csv"))", "SELECT 1"] + common)
        #expect(status == 1 && err.contains("missing.csv") && err.contains("view: p"))
        (status, _, err) = try runProgram(ember, ["sql", "--view", "1p=x.csv", "SELECT 1"] + common)
        #expect(status == 1 && err.contains("not a view name"))
        (status, _, err) = try runProgram(ember, ["sql", "--conf", "spark.sql.shufle.partitions=3", "SELECT 1"] + common)
        #expect(status == 1 && err.contains("spark.sql.shuffle.partitions"), "did you mean: \(err)")
        (status, _, err) = try runProgram(ember, ["sql", "--output", dir.file("o.parquet"), "SELECT 1"] + common)
        #expect(status == 0 && (try? Data(contentsOf: URL(fileURLWithPath: dir.file("o.parquet"))).prefix(4)) == Data("PAR1".utf8),
                "Parquet is written now: \(err)")
        (status, _, err) = try runProgram(ember, ["sql", "-f", dir.file("none.sql")] + common)
        #expect(status == 1 && err.contains("none.sql") && err.contains("does not exist"))
        (status, _, err) = try runProgram(ember, ["sql", "--output", dir.file("o.csv"), "SET spark.sql.shuffle.partitions=2"] + common)
        #expect(status == 1 && err.contains("--output needs a query"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("o.csv")))
    }

    @Test func viewOptionsParse() throws {
        func parts(_ text: String) throws -> [String] {
            let v = try SQLViewOption.parse(text)
            return [v.name, v.path, v.format] + v.options.map { "\($0.key)=\($0.value)" }
        }
        #expect(try parts("t=/data/a\\,b.csv,header=true,sep=\\,") == ["t", "/data/a,b.csv", "csv", "header=true", "sep=,"])
        #expect(try parts("lines=book.txt") == ["lines", "book.txt", "text"])
        #expect(try parts("x=data.bin,format=TEXT, nullValue = NA") == ["x", "data.bin", "text", "nullValue= NA"])
        #expect(throws: EmberError.self) { try parts("x=a.csv,format=csv,format=text") }
        #expect(throws: EmberError.self) { try parts("=a.csv") }
        #expect(throws: EmberError.self) { try parts("x=a.csv,header") }
        #expect(throws: EmberError.self) { try parts("x=a\\q.csv") }
    }

    func runWithInput(_ arguments: [String], input: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ember)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = PipeDrain(stdout), err = PipeDrain(stderr)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        _ = waitUntil(seconds: 300) { out.isDone && err.isDone && !process.isRunning }
        process.waitUntilExit()
        return (process.terminationStatus, out.text, err.text)
    }
}
