// The SQL tests' reference: seeded random tables with nulls written as CSV files, and DuckDB's
// answers to the same queries over the same files (a python3 script, `pip install duckdb`).
// Values of both engines are normalized to text the same way: integers as integers, other
// numbers to 6 significant digits, dates as yyyy-mm-dd (DuckDB's date + interval is a midnight
// timestamp), NULL as "NULL". DuckDB orders nulls as Spark does (first ascending, last descending).

@_spi(EmberInternal) @testable import Engine
import Foundation

struct SQLTestTables {
    let dir: String

    /// The views, their columns by Spark type name (DuckDB reads the same files with the same types).
    static let schemas: [(name: String, columns: [(String, String)])] = [
        ("a", [("id", "BIGINT"), ("k", "BIGINT"), ("x", "BIGINT"), ("s", "STRING"), ("d", "DATE")]),
        ("b", [("k", "BIGINT"), ("y", "BIGINT"), ("t", "STRING")]),
        ("c", [("k", "BIGINT"), ("s", "STRING"), ("z", "DOUBLE"), ("n", "BIGINT")]),
        ("e", [("id", "BIGINT"), ("k", "BIGINT"), ("x", "BIGINT"), ("s", "STRING"), ("d", "DATE")]),
    ]

    /// a(id, k, x, s, d): 200 rows; b(k, y, t): 80 rows; c(k, s, z, n): 60 rows (negative numbers,
    /// eighths in z; `a NATURAL JOIN c` joins on k and s); e: a's columns and no rows (a CSV file
    /// with only its header). Every column but a.id has nulls.
    init(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func maybe(_ text: String, nullOneIn n: UInt64 = 8) -> String { rng.next() % n == 0 ? "" : text }
        let words = ["apple", "banana", "cherry", "date", "elder", "fig", "grape"]
        var a = ["id,k,x,s,d"]
        for id in 0..<200 {
            let k = maybe(String(rng.next() % 10)), x = maybe(String(rng.next() % 100))
            let s = maybe(words[Int(rng.next() % UInt64(words.count))])
            let day = Int(rng.next() % 1000)
            let date = Value.date(Int32(9131 + day)).description   // 9131: 1995-01-01
            a.append("\(id),\(k),\(x),\(s),\(maybe(date))")
        }
        var b = ["k,y,t"]
        for _ in 0..<80 {
            b.append("\(maybe(String(rng.next() % 13))),\(maybe(String(rng.next() % 51))),\(maybe(words[Int(rng.next() % UInt64(words.count))] + "s"))")
        }
        var c = ["k,s,z,n"]
        for _ in 0..<60 {
            let k = maybe(String(rng.next() % 10), nullOneIn: 6), s = maybe(words[Int(rng.next() % UInt64(words.count))], nullOneIn: 6)
            let z = maybe(String(Double(Int(rng.next() % 800) - 400) / 8), nullOneIn: 6)
            c.append("\(k),\(s),\(z),\(maybe(String(Int(rng.next() % 40) - 20), nullOneIn: 6))")
        }
        dir = NSTemporaryDirectory() + "ember-sql-\(getpid())-\(seed)-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let empty = Self.schemas.first { $0.name == "e" }!.columns.map(\.0).joined(separator: ",")
        for (name, lines) in [("a", a), ("b", b), ("c", c), ("e", [empty])] {
            try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/\(name).csv", atomically: true, encoding: .utf8)
        }
    }

    /// Registers the views a, b, c and e with their types.
    func register(_ session: Session) throws {
        for (name, columns) in Self.schemas {
            try session.read.option("header", true).schema(columns.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
                .csv("\(dir)/\(name).csv").createOrReplaceTempView(name)
        }
    }

    static let script = #"""
import duckdb, json, sys, datetime
d, job = sys.argv[1], json.load(open(sys.argv[2]))
con = duckdb.connect()
con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")  # Spark's: ASC nulls first, DESC nulls last
for name, columns in job["tables"].items():
    types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{d}/{name}.csv', header=true, columns={{{types}}})")
def norm(v):
    if v is None: return "NULL"
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, datetime.datetime) and v.time() == datetime.time(0): return v.date().isoformat()
    if isinstance(v, datetime.date): return v.isoformat()
    if isinstance(v, int): return str(v)
    if isinstance(v, float) or type(v).__name__ == "Decimal":
        f = float(v)
        if f == f and abs(f) < 1e15 and f == int(f): return str(int(f))
        return "%.6g" % f
    return str(v)
out = []
for q in job["queries"]:
    try: out.append({"rows": [[norm(v) for v in r] for r in con.execute(q).fetchall()]})
    except Exception as e: out.append({"error": str(e)})
json.dump(out, sys.stdout)
"""#

    /// DuckDB's rows for each query, normalized (or its error text): one python process for all.
    func duckdb(_ queries: [String]) throws -> [Result<[[String]], SQLReferenceError>] {
        try Self.script.write(toFile: dir + "/reference.py", atomically: true, encoding: .utf8)
        let duckTypes = ["BIGINT": "BIGINT", "STRING": "VARCHAR", "DATE": "DATE", "DOUBLE": "DOUBLE"]
        let tables = Dictionary(uniqueKeysWithValues: Self.schemas.map { table in
            (table.name, table.columns.map { [$0.0, duckTypes[$0.1] ?? $0.1] })
        })
        try JSONSerialization.data(withJSONObject: ["tables": tables, "queries": queries])
            .write(to: URL(fileURLWithPath: dir + "/queries.json"))
        let process = Process()
        // scripts/test sets EMBER_DUCKDB_PYTHON (scripts/ensure-duckdb installs DuckDB when missing).
        if let python = ProcessInfo.processInfo.environment["EMBER_DUCKDB_PYTHON"], !python.isEmpty {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [dir + "/reference.py", dir, dir + "/queries.json"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", dir + "/reference.py", dir, dir + "/queries.json"]
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let answers = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw SQLReferenceError(message: "the DuckDB reference failed (run scripts/ensure-duckdb, or pip install duckdb): \(errors)")
        }
        return answers.map { answer in
            if let rows = answer["rows"] as? [[String]] { return .success(rows) }
            return .failure(SQLReferenceError(message: answer["error"] as? String ?? "?"))
        }
    }

    /// A value as the reference script writes it.
    static func normalized(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .long(let n): return String(n)
        case .double(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(format: "%.6g", d)
        case .timestamp(let micros) where micros % 86_400_000_000 == 0:
            return Value.date(Int32(micros / 86_400_000_000)).description   // as the script prints a midnight
        default: return v.description
        }
    }
}

struct SQLReferenceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
