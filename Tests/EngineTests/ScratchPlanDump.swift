@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing
import TPCHQueries

@Suite struct ScratchPlanDump {
    @Test func dump() throws {
        let directory = try SQLTPCHTests.tinyTables()
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let t = try TPCHTables(session: session, directory: directory)
        try t.createTempViews()
        let out = ProcessInfo.processInfo.environment["PLAN_DUMP"] ?? "/tmp/tpchsql-plans"
        try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var same: [Int] = [], sameStruct: [Int] = []
        for q in TPCH.numbers {
            let s = try session.sql(TPCHSQL.text(q)), d = try TPCH.query(q, t)
            let a = try s.explainString(false), b = try d.explainString(false)
            try a.write(toFile: "\(out)/q\(q)-sql.txt", atomically: true, encoding: .utf8)
            try b.write(toFile: "\(out)/q\(q)-df.txt", atomically: true, encoding: .utf8)
            if a == b { same.append(q) }
            if try s.physicalPlan() == d.physicalPlan() { sameStruct.append(q) }
        }
        print("SAME text \(same) struct \(sameStruct)")
    }
}
