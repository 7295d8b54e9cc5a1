// JoinReference: seeded join inputs with null and duplicate keys, their CSV text, and a row-by-row
// reference of every join type, shared by the join suites (JoinTests, AdaptiveJoinTests).

import Engine
import Foundation

struct JoinRow { var k: Int64?; var v: Int64?; var s: String? }

func joinRows(_ count: Int, seed: UInt64, keys: Int) -> [JoinRow] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in
        let k: Int64? = Int.random(in: 0..<8, using: &rng) == 0 ? nil : Int64.random(in: 0..<Int64(keys), using: &rng)
        let v: Int64? = Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int64.random(in: -20...20, using: &rng)
        let s: String? = Int.random(in: 0..<6, using: &rng) == 0 ? nil : "s\(Int.random(in: 0..<4, using: &rng))"
        return JoinRow(k: k, v: v, s: s)
    }
}

func joinCSV(_ rows: [JoinRow], _ names: (String, String, String)) -> String {
    var text = "\(names.0),\(names.1),\(names.2)\n"
    for r in rows { text += "\(r.k.map(String.init) ?? ""),\(r.v.map(String.init) ?? ""),\(r.s ?? "")\n" }
    return text
}

private func cell(_ v: Int64?) -> String { v.map(String.init) ?? "null" }
private func cell(_ v: String?) -> String { v ?? "null" }
func joinCells(_ r: JoinRow?) -> [String] { r.map { [cell($0.k), cell($0.v), cell($0.s)] } ?? ["null", "null", "null"] }

/// Reference of a join, row by row (right rows looked up by key only to keep it fast); rows
/// rendered as "a|b|c|…" and sorted.
func referenceJoin(_ left: [JoinRow], _ right: [JoinRow], how: String, nullSafe: Bool, residual: Bool) -> [String] {
    var byKey: [Int64?: [Int]] = [:]
    for (j, r) in right.enumerated() { byKey[r.k, default: []].append(j) }
    func matches(_ l: JoinRow, _ r: JoinRow) -> Bool {
        let keysMatch = nullSafe ? l.k == r.k : (l.k != nil && l.k == r.k)
        guard keysMatch else { return false }
        if residual { guard let a = l.v, let b = r.v, a < b else { return false } }
        return true
    }
    var out: [[String]] = []
    var rightMatched = [Bool](repeating: false, count: right.count)
    for l in left {
        var any = false
        for j in byKey[l.k] ?? [] where matches(l, right[j]) {
            let r = right[j]
            any = true
            rightMatched[j] = true
            if how != "left_semi" && how != "left_anti" { out.append(joinCells(l) + joinCells(r)) }
        }
        switch how {
        case "left_semi": if any { out.append(joinCells(l)) }
        case "left_anti": if !any { out.append(joinCells(l)) }
        case "left", "full": if !any { out.append(joinCells(l) + joinCells(nil)) }
        default: break
        }
    }
    if how == "right" || how == "full" {
        for (j, r) in right.enumerated() where !rightMatched[j] { out.append(joinCells(nil) + joinCells(r)) }
    }
    return out.map { $0.joined(separator: "|") }.sorted()
}

func renderedRows(_ rows: [Row]) -> [String] {
    rows.map { row in row.values.map { $0.isNull ? "null" : $0.description }.joined(separator: "|") }.sorted()
}

