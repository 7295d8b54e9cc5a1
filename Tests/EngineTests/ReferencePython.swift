// ReferencePython: what the tests that compare Ember with pyarrow and DuckDB share: the python that
// has both (EMBER_DUCKDB_PYTHON, else what scripts/ensure-duckdb prints), and the text a reference
// script writes for each value, so Ember's rows compare with it exactly.

import Foundation
@_spi(EmberInternal) import Planner

enum ReferencePython {
    /// The python with DuckDB and pyarrow; nil if there is none (the tests that need it are skipped).
    static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["EMBER_DUCKDB_PYTHON"], !p.isEmpty { return p }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let (status, out, _) = try? runProgram(root.appendingPathComponent("scripts/ensure-duckdb").path, []) else { return nil }
        let path = out.trimmingCharacters(in: .whitespacesAndNewlines)
        return status == 0 && !path.isEmpty ? path : nil
    }()

    /// A value as the reference scripts write it: doubles by their bits, NaN as "nan".
    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .long(let x): return String(x)
        case .double(let d): return d.isNaN ? "nan" : String(Int64(bitPattern: d.bitPattern))
        case .boolean(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .date(let d): return String(d)
        case .timestamp(let t): return String(t)
        case .array(let xs): return "[" + xs.map { text($0) ?? "null" }.joined(separator: ",") + "]"
        }
    }
}
