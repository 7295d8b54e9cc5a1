// TPCHPlanTimes: how long each TPC-H query takes from SQL text to a physical plan, without running
// it (`ember bench tpch --sql --plan-times`): parsing the text, then translating it into a
// DataFrame (session.sql), then planning it (analyze, optimize, physical plan), each the best of
// `runs` tries; and next to it the DataFrame version's building and planning. Reading and schema
// inference of the tables happen once, before.

import Engine
@_spi(EmberInternal) import Planner
import Foundation

public enum TPCHPlanTimes {
    /// One query's best times, in microseconds.
    public struct Times: Sendable {
        public var query: Int
        /// SQLParser alone.
        public var parse: Double
        /// session.sql: parsing and translating.
        public var parseAndTranslate: Double
        /// session.sql, then planning the DataFrame it returns.
        public var sqlToPhysicalPlan: Double
        /// The DataFrame version (Benchmarks/TPCH/Qnn.swift) built and planned.
        public var dataFrameToPhysicalPlan: Double
    }

    /// Times `queries` over the tables in `data`, printing one line per query through `report`.
    public static func measure(session: Session, data: String, format: String = "csv", queries: [Int], sqlDirectory: String, runs: Int,
                               report: (String) -> Void) throws -> [Times] {
        try TPCHBenchmark.check(queries)
        guard runs >= 1 else { throw EmberError(.configuration, "--runs must be at least 1", hint: "e.g. --runs 20") }
        let texts = try TPCHSQL.texts(queries, directory: sqlDirectory)
        let tables = try TPCHTables(session: session, directory: data, format: format)
        try tables.createTempViews()
        report("best of \(runs), µs: parse, parse+translate, parse+translate+plan (SQL); build+plan (DataFrame)")
        var all: [Times] = []
        for q in queries {
            guard let text = texts[q] else { continue }
            let times = Times(
                query: q,
                parse: try best(of: runs) { _ = try SQLParser.parseStatement(text) },
                parseAndTranslate: try best(of: runs) { _ = try session.sql(text) },
                sqlToPhysicalPlan: try best(of: runs) { _ = try session.sql(text).physicalPlan() },
                dataFrameToPhysicalPlan: try best(of: runs) { _ = try TPCH.query(q, tables).physicalPlan() })
            all.append(times)
            report(String(format: "q%02d  parse %7.0f  +translate %7.0f  +plan %7.0f    dataframe %7.0f", q, times.parse,
                          times.parseAndTranslate, times.sqlToPhysicalPlan, times.dataFrameToPhysicalPlan))
        }
        let slowest = all.max { $0.sqlToPhysicalPlan < $1.sqlToPhysicalPlan }
        if let slowest {
            report(String(format: "slowest: q%02d, %.0f µs from SQL text to physical plan (DataFrame version: %.0f µs)",
                          slowest.query, slowest.sqlToPhysicalPlan, slowest.dataFrameToPhysicalPlan))
        }
        return all
    }

    /// The shortest of `runs` runs of `body`, in microseconds.
    static func best(of runs: Int, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        var fastest = Duration.seconds(Int64.max)
        for _ in 0..<runs { fastest = min(fastest, try clock.measure(body)) }
        return Double(fastest.components.seconds) * 1e6 + Double(fastest.components.attoseconds) / 1e12
    }
}
