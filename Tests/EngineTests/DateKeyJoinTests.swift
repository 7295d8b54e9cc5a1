// DateKeyJoinTests: shuffled hash joins on one date key (the single-key slot table), with null
// and duplicate keys, every join type, and a date key joined with a timestamp one, against a
// reference computed row by row.

import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite(.serialized) struct DateKeyJoinTests {
    struct R { var day: Int?; var v: Int }

    static func rows(_ n: Int, seed: UInt64) -> [R] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in R(day: rng.next() % 7 == 0 ? nil : Int(rng.next() % 40), v: i) }
    }

    static func csv(_ rows: [R]) -> String {
        "d,v\n" + rows.map { r in "\(r.day.map { String(format: "2021-03-%02d", 1 + $0 % 28) + ($0 >= 28 ? "x" : "") } ?? ""),\(r.v)\n" }.joined()
    }

    /// The day a row's key names (nil: null, or a string that is not a date and casts to null).
    static func key(_ r: R) -> Int? { r.day.flatMap { $0 >= 28 ? nil : $0 } }

    static func reference(_ l: [R], _ r: [R], how: String) -> [String] {
        var out: [String] = []
        var rightMatched = Set<Int>()
        for a in l {
            let matches = r.enumerated().filter { key(a) != nil && key($0.element) == key(a) }
            for (j, _) in matches { rightMatched.insert(j) }
            switch how {
            case "inner", "left", "right", "full": out += matches.map { "\(a.v)|\($0.element.v)" }
            case "left_semi": if !matches.isEmpty { out.append("\(a.v)") }
            default: if matches.isEmpty { out.append("\(a.v)") }
            }
            if (how == "left" || how == "full") && matches.isEmpty { out.append("\(a.v)|null") }
        }
        if how == "right" || how == "full" { for (j, b) in r.enumerated() where !rightMatched.contains(j) { out.append("null|\(b.v)") } }
        return out.sorted()
    }

    @Test func dateKeysMatchTheReference() throws {
        let dir = ScratchDir("join-date-keys")
        defer { dir.cleanup() }
        var config = testConfig()
        config.shufflePartitions = 3
        config.autoBroadcastJoinThreshold = -1
        let session = try Session(config: config)
        defer { session.stop() }
        for (seed, sizes) in [(1 as UInt64, (500, 200)), (2, (150, 600)), (3, (0, 300)), (4, (300, 0))] {
            let left = Self.rows(sizes.0, seed: seed), right = Self.rows(sizes.1, seed: seed + 100)
            let lp = dir.write("l\(seed).csv", Self.csv(left)), rp = dir.write("r\(seed).csv", Self.csv(right))
            for (name, path) in [("lraw\(seed)", lp), ("rraw\(seed)", rp)] {
                _ = try session.sql("CREATE TEMPORARY VIEW \(name) USING csv OPTIONS (path '\(path)', header 'true')").collect()
            }
            _ = try session.sql("CREATE TEMPORARY VIEW l\(seed) AS SELECT CAST(d AS DATE) AS d, CAST(v AS BIGINT) AS v FROM lraw\(seed)").collect()
            _ = try session.sql("CREATE TEMPORARY VIEW r\(seed) AS SELECT CAST(d AS DATE) AS d, CAST(v AS BIGINT) AS v FROM rraw\(seed)").collect()
            for how in ["inner", "left", "right", "full", "left_semi", "left_anti"] {
                let select = how.hasPrefix("left_") ? "l.v" : "l.v, r.v"
                let join = how.replacingOccurrences(of: "_", with: " ").uppercased()
                for rightKey in ["r.d", "CAST(r.d AS TIMESTAMP)"] {
                    let query = "SELECT \(select) FROM l\(seed) l \(join) JOIN r\(seed) r ON l.d = \(rightKey)"
                    let actual = try session.sql(query).collect().map { $0.values.map { $0.isNull ? "null" : $0.description }.joined(separator: "|") }.sorted()
                    let expected = Self.reference(left, right, how: how)
                    #expect(actual == expected, "seed \(seed) \(query): \(actual.count) rows, expected \(expected.count)")
                }
            }
        }
    }
}
