// The 22 TPC-H queries' SQL text (Benchmarks/TPCH/sql) plans to the same physical plan as their
// DataFrame versions (Benchmarks/TPCH/Qnn.swift): the same operators, join order, join strategies,
// expressions and columns read. Plans are compared as values with the names of their columns left
// out (bound expressions read columns by position; `sum(…) AS __agg#0` and `sum(…) AS promo` run
// alike), and the result's column names are compared apart. The queries whose plans still differ
// are listed with the reason.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing
import TPCHQueries

@Suite struct SQLTPCHPlanTests {
    /// The queries whose SQL and DataFrame plans differ, and why.
    static let differing: [Int: String] = [:]

    /// A physical plan as JSON without the names of columns and aggregates.
    static func withoutNames(_ plan: PhysicalPlan) throws -> String {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { $0.key != "name" }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(plan))
        let data = try JSONSerialization.data(withJSONObject: strip(json), options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func physicalPlansEqualTheDataFrameVersions() throws {
        let directory = try SQLTPCHTests.tinyTables()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let tables = try TPCHTables(session: session, directory: directory)
        try tables.createTempViews()
        var equal: [Int] = []
        for q in TPCH.numbers {
            let sql = try session.sql(TPCHSQL.text(q)), api = try TPCH.query(q, tables)
            #expect(try sql.schema().names == api.schema().names, "Q\(q)")
            let same = try Self.withoutNames(sql.physicalPlan()) == Self.withoutNames(api.physicalPlan())
            if same { equal.append(q) }
            if same == (Self.differing[q] != nil) {
                Issue.record("""
                    Q\(q): plans \(same ? "equal, but listed as differing" : "differ") — SQL:
                    \(try sql.explainString(false))
                    DataFrame:
                    \(try api.explainString(false))
                    """)
            }
        }
        print("TPC-H: SQL plans equal to the DataFrame versions' for \(equal)")
    }
}
