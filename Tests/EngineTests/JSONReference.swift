// JSONReference: seeded random JSON lines files for the JSON tests, and DuckDB's and pyarrow's
// reading of JSON lines files (the reference python of scripts/ensure-duckdb), every value
// normalized to exact text: integers in decimal, doubles as their IEEE bits, dates as days,
// timestamps as microseconds since the epoch.

import Foundation
@_spi(EmberInternal) import Planner

enum JSONReference {
    /// The columns of the generated files, as Ember DDL, DuckDB types and pyarrow types.
    static let columns: [(name: String, ddl: String, duckdb: String, arrow: String)] = [
        ("id", "BIGINT", "BIGINT", "pa.int64()"), ("i", "BIGINT", "BIGINT", "pa.int64()"), ("x", "DOUBLE", "DOUBLE", "pa.float64()"),
        ("s", "STRING", "VARCHAR", "pa.string()"), ("b", "BOOLEAN", "BOOLEAN", "pa.bool_()"), ("d", "DATE", "DATE", "pa.string()"),   // pyarrow.json reads no dates: converted by the script
        ("ts", "TIMESTAMP", "TIMESTAMP", "pa.timestamp('ms')"),
    ]
    static var ddl: String { columns.map { "\($0.name) \($0.ddl)" }.joined(separator: ", ") }

    /// The python with DuckDB and pyarrow: EMBER_DUCKDB_PYTHON, else what scripts/ensure-duckdb
    /// prints; nil if neither works (the tests that need it are skipped).
    static var python: String? { ReferencePython.path }

    /// Rows of `path` as DuckDB's `read_json(format='newline_delimited')` and pyarrow.json read
    /// them with the columns above, ordered by id.
    static func read(_ path: String, scratch: String) throws -> (duckdb: [[String?]], arrow: [[String?]]) {
        guard let python else { throw EmberError(.internal, "no python with DuckDB and pyarrow") }
        let script = scratch + "/read-json.py"
        try readScript.write(toFile: script, atomically: true, encoding: .utf8)
        let spec = columns.map { [$0.name, $0.duckdb, $0.arrow] }
        let specFile = scratch + "/columns.json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specFile))
        let (status, out, err) = try runProgram(python, [script, path, specFile])
        guard status == 0, let answer = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [[Any]]] else {
            throw EmberError(.internal, "the JSON reference failed: \(err)")
        }
        func rows(_ key: String) -> [[String?]] { (answer[key] ?? []).map { $0.map { $0 as? String } } }
        return (rows("duckdb"), rows("arrow"))
    }

    static let readScript = #"""
import duckdb, pyarrow as pa, pyarrow.json as pj, json, sys, struct, datetime
path, spec = sys.argv[1], json.load(open(sys.argv[2]))
epoch = datetime.datetime(1970, 1, 1)
def norm(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, float): return "nan" if v != v else str(struct.unpack("<q", struct.pack("<d", v))[0])
    if isinstance(v, datetime.datetime): return str((v.replace(tzinfo=None) - epoch) // datetime.timedelta(microseconds=1))
    if isinstance(v, datetime.date): return str((v - epoch.date()).days)
    return str(v)
cols = ", ".join(f"'{n}': '{d}'" for n, d, _ in spec)
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
duck = con.execute(f"SELECT {', '.join(n for n, _, _ in spec)} FROM read_json('{path}', format='newline_delimited', columns={{{cols}}}) ORDER BY id").fetchall()
schema = pa.schema([(n, eval(a)) for n, _, a in spec])
table = pj.read_json(path, parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")).sort_by("id")
def arrow_value(v, duck_type):
    if duck_type == "DATE" and v is not None: v = datetime.date.fromisoformat(v)
    return norm(v)
arrow = [[arrow_value(table.column(n)[i].as_py(), d) for n, d, _ in spec] for i in range(table.num_rows)]
json.dump({"duckdb": [[norm(v) for v in r] for r in duck], "arrow": arrow}, sys.stdout)
"""#

    /// A value as the reference script writes it.
    static func normalized(_ v: Value) -> String? { ReferencePython.text(v) }

    /// A seeded random JSON lines file of `rows` objects with the columns above: keys in random
    /// order, absent or null at random, unknown keys holding nested values, strings with escapes of
    /// every kind (surrogate pairs included), raw UTF-8 and control characters, integers up to
    /// Int64's limits, doubles of every magnitude, random whitespace, blank lines.
    static func generate(rows: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        var text = ""
        for id in 0..<rows {
            var fields: [String] = ["\"id\": \(id)"]
            func maybe(_ name: String, _ value: () -> String) {
                switch rng.below(10) {
                case 0: return                                    // absent
                case 1: fields.append("\"\(name)\": null")
                default: fields.append("\"\(name)\": " + value())
                }
            }
            maybe("i") { String([0, 1, -1, Int64.max, Int64.min, Int64(bitPattern: rng.next()), Int64(rng.below(1000)) - 500][rng.below(7)]) }
            maybe("x") { doubleText(&rng) }
            maybe("s") { stringText(&rng) }
            maybe("b") { rng.below(2) == 0 ? "true" : "false" }
            maybe("d") {
                let days = Int32(rng.below(200 * 365)) - 25_000
                return "\"\(Value.date(days).description)\""
            }
            maybe("ts") {
                let millis = Int64(rng.below(4_000_000_000)) * 1000 + Int64(rng.below(1000)) - 1_000_000_000_000
                let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
                let days = Int32(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
                let second = seconds - Int64(days) * 86_400
                return String(format: "\"%@T%02d:%02d:%02d.%03dZ\"", Value.date(days).description, Int(second / 3600), Int(second / 60 % 60),
                              Int(second % 60), Int(millis - seconds * 1000))
            }
            if rng.below(4) == 0 { fields.append(#""extra\#(rng.below(3))": {"n": [1, "two", {"three": null}], "m": -0.5e-3}"#) }
            // Shuffle the fields.
            for k in stride(from: fields.count - 1, to: 0, by: -1) { fields.swapAt(k, rng.below(k + 1)) }
            let space = [" ", "", "\t", "  "][rng.below(4)]
            text += "{" + space + fields.joined(separator: "," + space) + space + "}\n"
            if rng.below(50) == 0 { text += [" \n", "\n"][rng.below(2)] }
        }
        return text
    }

    static func doubleText(_ rng: inout SplitMix64) -> String {
        switch rng.next() % 6 {
        case 0: return String(Double(Int64(rng.next() % 2000) - 1000) / 8)
        case 1: return String(Int64(rng.next() % 100_000))                     // an integer in a double column
        case 2: return ["0.1", "-0.0", "1e308", "5e-324", "1.7976931348623157e308", "2.2250738585072014E-308", "1E+2", "123456789012345678901234567890"][Int(rng.next() % 8)]
        default:
            var d: Double
            repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
            return d.description   // shortest round-trip digits, valid JSON ("1e-05", "1.5e+300")
        }
    }

    static func stringText(_ rng: inout SplitMix64) -> String {
        let pieces: [(raw: String, escaped: [String])] = [
            ("a", ["a"]), ("Z", ["Z", "\\u005A"]), (" ", [" "]), ("\"", ["\\\""]), ("\\", ["\\\\"]), ("/", ["/", "\\/"]),
            ("\n", ["\\n", "\\u000a"]), ("\t", ["\\t"]), ("\r", ["\\r"]), ("\u{1}", ["\\u0001"]), ("\u{8}", ["\\b"]), ("\u{c}", ["\\f"]),
            ("é", ["é", "\\u00e9", "\\u00E9"]), ("字", ["字", "\\u5b57"]), ("😀", ["😀", "\\ud83d\\ude00", "\\uD83D\\uDE00"]),
            ("\u{7f}", ["\u{7f}"]), ("€", ["€", "\\u20ac"]),
        ]
        var text = "\""
        for _ in 0..<Int(rng.next() % 12) {
            let piece = pieces[Int(rng.next() % UInt64(pieces.count))]
            text += piece.escaped[Int(rng.next() % UInt64(piece.escaped.count))]
        }
        return text + "\""
    }
}
