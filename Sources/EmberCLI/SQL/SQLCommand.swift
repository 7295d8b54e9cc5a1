// `ember sql`: Spark SQL from the command line, like Spark's `spark-sql`.
//
//   ember sql "SELECT …; SELECT …"          runs the statements, printing each result as show() does
//   ember sql -f script.sql                 the same from a file (stops at the first error)
//   ember sql                               the interactive shell (SQLShell) when stdin is a terminal;
//                                           otherwise reads the script from stdin
//
// `--view name=path[,format=csv|text][,option=value…]` registers temporary views first (any reader
// option by Spark's name), `--conf key=value` sets Spark settings (a flag such as --executors wins
// over the same setting given by --conf), `--output FILE.csv` writes the last query's rows to one
// file instead of printing them.

import ArgumentParser
import Engine
import Foundation
@_spi(EmberInternal) import Planner

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run Spark SQL statements, or an interactive SQL shell when no statement is given.",
        discussion: """
            Statements end with ';'. Examples:
              ember sql --view 'clicks=clicks.csv,header=true,inferSchema=true' \\
                  "SELECT country, count(*) FROM clicks GROUP BY country ORDER BY 2 DESC"
              ember sql -f query.sql --conf spark.sql.shuffle.partitions=8 --output result.csv
              ember sql --view 'lines=book.txt,format=text'      (then type statements; quit; or Ctrl-D ends)
            """)

    @Argument(help: "SQL statements separated by ';' (omit for the interactive shell).") var statements: String?
    @Option(name: [.customShort("f"), .customLong("file")], help: "Read the statements from a file.") var file: String?
    @Option(name: .customLong("view"), help: ArgumentHelp(
        "A temporary view: name=path[,format=csv|text][,option=value…] (repeatable).",
        discussion: "Reader options by Spark's names: header, inferSchema, sep, quote, escape, comment, nullValue, mode. "
            + "The format defaults to the path's extension (.txt: text, otherwise csv); write \\, for a comma in a value."))
    var views: [String] = []
    @Option(name: .customLong("conf"), help: "A Spark setting key=value, e.g. spark.sql.shuffle.partitions=8 (repeatable).")
    var settings: [String] = []
    @Option(help: "Write the last query's rows to this file (.csv, with a header) instead of printing them.") var output: String?
    @Option(name: .customLong("max-rows"), help: "Rows of a result to print, as show(n) (default 20).") var maxRows: Int = 20
    @Flag(name: .customLong("no-truncate"), help: "Print whole cell values (show() truncates them to 20 characters).")
    var noTruncate = false
    @OptionGroup var cluster: ClusterOptions

    func validate() throws {
        if statements != nil && file != nil {
            throw ValidationError("give the statements as an argument or with -f, not both")
        }
        if maxRows < 0 { throw ValidationError("--max-rows must be 0 or more") }
        if let output { try SQLResultPrinter.checkOutputFormat(output) }
    }

    func run() throws {
        let script: String?
        if let file {
            script = try Self.readScript(file)
        } else if let statements {
            script = statements
        } else if isatty(0) == 1 {
            script = nil
        } else {
            script = try Self.readStandardInput()
        }
        let settingPairs = try settings.map(Self.parseSetting)
        let parsedViews = try views.map(SQLViewOption.parse)
        let session = try cluster.session(settings: settingPairs)
        defer { session.stop() }
        for view in parsedViews { try view.register(in: session) }
        let printer = SQLResultPrinter(session: session, maxRows: maxRows, truncate: !noTruncate,
                                       output: output, overwrite: cluster.overwrite)
        if let script {
            try printer.runScript(script, name: file)
        } else {
            try SQLShell(session: session, printer: printer).run()
        }
    }

    static func parseSetting(_ text: String) throws -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw EmberError(.configuration, "cannot parse --conf '\(text.escapingControlCharacters)'",
                             hint: "write key=value, e.g. --conf spark.sql.shuffle.partitions=8")
        }
        return (String(text[..<equals]).trimmingCharacters(in: .whitespaces), String(text[text.index(after: equals)...]))
    }

    /// A script file: regular, at most SQLSource's limit, UTF-8.
    static func readScript(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EmberError(.input, "the SQL file does not exist", context: [.init("file", path)], hint: "check the path given to -f")
        }
        guard !isDirectory.boolValue else {
            throw EmberError(.input, "the SQL file is a directory", context: [.init("file", path)], hint: "give -f a file of statements")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= SQLSource.maxBytes else {
            throw EmberError(.input, "the SQL file is larger than \(SQLSource.maxBytes >> 20) MiB", context: [.init("file", path)],
                             hint: "split the script into smaller files")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmberError(.input, "the SQL file cannot be read", context: [.init("file", path)], hint: "check its permissions")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw EmberError(.input, "the SQL file is not UTF-8 text", context: [.init("file", path)], hint: "save it as UTF-8")
        }
        return text
    }

    static func readStandardInput() throws -> String {
        var data = Data()
        while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty {
            data.append(chunk)
            if data.count > SQLSource.maxBytes {
                throw EmberError(.input, "the SQL script on standard input is larger than \(SQLSource.maxBytes >> 20) MiB",
                                 hint: "split the script into smaller ones")
            }
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw EmberError(.input, "the SQL script on standard input is not UTF-8 text", hint: "give UTF-8 text")
        }
        return text
    }
}
