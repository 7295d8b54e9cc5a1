// SQLResultPrinter: runs SQL statements for `ember sql` and the shell and shows what they return:
// a query's rows as Spark's show() table (the first --max-rows rows), EXPLAIN's plan as text, the
// rows of SHOW TABLES / DESCRIBE / SET whole, nothing for statements that only change the session;
// then spark-sql's "Time taken: … seconds, Fetched N row(s)" on stderr. With --output, the last
// query of a script writes all its rows to that file instead, CSV or JSON lines by its extension
// (committed atomically). Cell text is printed with control characters escaped: data cannot drive the terminal.

@_spi(EmberInternal) import Engine
import Foundation
@_spi(EmberInternal) import Planner

struct SQLResultPrinter {
    let session: Session
    let maxRows: Int
    let truncate: Bool
    let output: String?
    let overwrite: Bool

    static func checkOutputFormat(_ path: String) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv", "json", "jsonl": return
        case "parquet":
            throw EmberError(.configuration, "Ember cannot write \((path as NSString).pathExtension) files yet",
                             context: [.init("output", path)], hint: "write a .csv or .json file")
        default:
            throw EmberError(.configuration, "cannot tell the output format from the file name", context: [.init("output", path)],
                             hint: "end the name with .csv or .json")
        }
    }

    /// Runs every statement of a script in order, stopping at the first error (which names the
    /// statement and its line in the script). With --output the last query writes the file.
    func runScript(_ script: String, name: String?) throws {
        let pieces = SQLScriptSplitter.split(script)
        guard !pieces.isEmpty else {
            throw EmberError(.configuration, "there is no SQL statement to run", hint: "give statements separated by ';'")
        }
        let lastQuery = output == nil ? nil : pieces.lastIndex { Self.isQuery($0.text) }
        if output != nil && lastQuery == nil {
            throw EmberError(.configuration, "--output needs a query whose rows to write", hint: "end the script with a SELECT")
        }
        for (index, piece) in pieces.enumerated() {
            // Placed where it stands in the script, so an error's line and column are the script's.
            let placed = String(repeating: "\n", count: piece.position.line - 1) + String(repeating: " ", count: piece.position.column - 1) + piece.text
            do {
                try run(placed, writeTo: index == lastQuery ? output : nil)
            } catch let error as EmberError where pieces.count > 1 || name != nil {
                throw error.with("script", (name.map { $0 + ", " } ?? "") + "statement \(index + 1)")
            }
        }
    }

    /// Runs one statement (its text without the `;`) and shows its result.
    func run(_ text: String, writeTo file: String? = nil) throws {
        let start = Date()
        let kind = (try? SQLParser.parseStatement(text))?.kind
        let df = try session.sql(text)
        if let file {
            try writeOutputFile(df, to: file, overwrite: overwrite)
            reportTime(start, "wrote \(file.escapingControlCharacters)")
            return
        }
        switch kind {
        case .explain:
            for row in try df.collect() { printEscaped(row.values.first.map { "\($0)" } ?? "") }
            reportTime(start, nil)
        case .query:
            // One row more than shown tells whether there are more (--max-rows may be Int.max).
            let rows = try df.limit(maxRows < Int.max ? maxRows + 1 : maxRows).collect()
            let shown = Array(rows.prefix(maxRows))
            printEscaped(ShowFormatter.render(schema: try df.schema(), rows: shown.map(\.values), truncate: truncate,
                                              moreRows: rows.count > maxRows, limit: maxRows))
            reportTime(start, "Fetched \(shown.count) row(s)" + (rows.count > maxRows ? " (--max-rows)" : ""))
        default:
            if try df.schema().names.isEmpty {
                reportTime(start, nil)
            } else {
                let rows = try df.collect()
                printEscaped(ShowFormatter.render(schema: try df.schema(), rows: rows.map(\.values), truncate: false, moreRows: false, limit: 0))
                reportTime(start, "Fetched \(rows.count) row(s)")
            }
        }
    }

    static func isQuery(_ text: String) -> Bool {
        if case .query = (try? SQLParser.parseStatement(text))?.kind { return true }
        return false
    }

    private func printEscaped(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.map { String($0).escapingControlCharacters }.joined(separator: "\n")
        print(body.hasSuffix("\n") || body.isEmpty ? body : body + "\n", terminator: "")
        fflush(nil)
    }

    private func reportTime(_ start: Date, _ what: String?) {
        let seconds = Date().timeIntervalSince(start)
        StandardError.write(String(format: "Time taken: %.3f seconds", seconds) + (what.map { ", " + $0 } ?? "") + "\n")
    }
}
