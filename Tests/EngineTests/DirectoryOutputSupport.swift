// Helpers for tests that read what a directory write left: its files, Spark's part names, and the
// rows of its CSV part files in part order.

import Foundation

/// The files under `dir` (relative paths, sorted), hidden ones included.
func treeListing(_ dir: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
    var out: [String] = []
    while let name = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue { out.append(name) }
    }
    return out.sorted()
}

/// Matches Spark's part file names: part-00003-<uuid>-c000.csv.
func isPartName(_ name: String, ext: String, partitioned: Bool = false) -> Bool {
    let pattern = #"^part-\d{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"# + (partitioned ? "\\." : "-") + #"c000\."# + ext + "$"
    return name.range(of: pattern, options: .regularExpression) != nil
}

/// The CSV rows of a directory output's part files, in part name order (so a sorted write reads
/// back sorted). With `header`, each part starts with the header line: it is kept once, first.
func readCSVOutput(_ dir: String, header: Bool = false) throws -> [[String]] {
    let parts = treeListing(dir).filter { ($0.split(separator: "/").last ?? "").hasPrefix("part-") }
    var rows: [[String]] = []
    for (i, part) in parts.enumerated() {
        let partRows = try readCSV(dir + "/" + part)
        rows += header && i > 0 ? Array(partRows.dropFirst()) : partRows
    }
    return rows
}
