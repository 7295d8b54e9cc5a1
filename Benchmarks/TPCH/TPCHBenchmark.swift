// TPCHBenchmark: runs TPC-H queries on a session and reports each one's time and row count, in the
// line format the peers' scripts print (`q01     4.291 s        4 rows`), so Benchmarks/peers/tpch
// can put Ember next to DuckDB, Polars and PySpark. With an answers directory, each result is
// written to `qNN.csv` (header row, rows in the query's order, CSV-quoted), each file committed
// atomically. Loading the tables (the CSV schema inference pass) is timed apart from the queries.
// With a SQL directory, each query is its SQL text (TPCHSQL) run by `session.sql` over temporary
// views of the same tables, instead of its DataFrame version; a query's time includes parsing and
// translating its text.

import Engine
import Foundation

public enum TPCHBenchmark {
    public struct QueryRun: Sendable {
        public var query: Int
        public var seconds: Double
        public var rows: Int
        /// Largest executor peak RSS (VmHWM) the query's tasks reported.
        public var executorPeakRSS: Int64
    }

    /// Runs `queries` over the tables in `data`, printing one line per query through `report`:
    /// their DataFrame versions, or with `sqlDirectory` their SQL text from that directory.
    public static func run(session: Session, data: String, format: String = "csv", queries: [Int], answersOut: String?,
                           sqlDirectory: String? = nil, report: (String) -> Void) throws -> [QueryRun] {
        try check(queries)
        let texts = try sqlDirectory.map { try TPCHSQL.texts(queries, directory: $0) }
        if let answersOut { try FileManager.default.createDirectory(atPath: answersOut, withIntermediateDirectories: true) }
        let loadStart = Date()
        let tables = try TPCHTables(session: session, directory: data, format: format)
        report(String(format: "tables loaded (%@) in %.3f s", format == "csv" ? "schema inference" : "footers read", Date().timeIntervalSince(loadStart)))
        if texts != nil { try tables.createTempViews() }
        var runs: [QueryRun] = []
        for q in queries {
            let start = Date()
            let df = try texts?[q].map(session.sql) ?? TPCH.query(q, tables)
            let rows = try df.collect()
            let seconds = Date().timeIntervalSince(start)
            let peak = session.lastJobTasks.map(\.metrics.executorPeakRSS).max() ?? 0
            if let answersOut {
                try answerCSV(try df.schema(), rows).write(toFile: "\(answersOut)/q\(String(format: "%02d", q)).csv", atomically: true, encoding: .utf8)
            }
            runs.append(QueryRun(query: q, seconds: seconds, rows: rows.count, executorPeakRSS: peak))
            report(String(format: "q%02d %9.3f s %8d rows", q, seconds, rows.count))
        }
        let total = runs.reduce(0) { $0 + $1.seconds }
        let peak = runs.map(\.executorPeakRSS).max() ?? 0
        report(String(format: "total %7.3f s (%d queries); largest executor peak RSS %d MiB", total, runs.count, Int(peak >> 20)))
        return runs
    }

    /// Throws unless every number in `queries` is a TPC-H query's.
    static func check(_ queries: [Int]) throws {
        for q in queries where !TPCH.numbers.contains(q) {
            throw EmberError(.configuration, "there is no TPC-H query \(q)", hint: "queries are numbered 1 to 22, e.g. --queries 1,5,7")
        }
    }

    /// A result as CSV: a header row, then the rows; fields with a comma, quote or line break quoted.
    static func answerCSV(_ schema: StructType, _ rows: [Row]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var text = schema.names.map(field).joined(separator: ",") + "\n"
        for row in rows {
            text += row.values.map { $0.isNull ? "" : field($0.description) }.joined(separator: ",") + "\n"
        }
        return text
    }
}
