// ParquetReference: Parquet files written by pyarrow in the test run, and pyarrow's own reading of
// them, for the Parquet matrix tests. A python script (the reference python of
// scripts/ensure-duckdb, which has pyarrow) writes one file per configuration (codec × data page
// version × encoding mode, plus special files) and, next to each, `<name>.json`: pyarrow's reading
// of it, every value normalized to text as `normalized(_:)` does for Ember's values — integers in
// decimal, doubles as their IEEE bits (NaN as "nan"), dates as days, timestamps as microseconds
// since the epoch (nanoseconds floored), so equality is exact.

import Foundation
@_spi(EmberInternal) import Planner

enum ParquetReference {
    /// The python with pyarrow: EMBER_DUCKDB_PYTHON, else what scripts/ensure-duckdb prints (nil if
    /// neither works: the tests that need it are skipped).
    static var python: String? { ReferencePython.path }

    /// Runs `script` with `arguments`; its stdout, or an error with its stderr.
    @discardableResult
    static func run(_ script: String, in dir: String, _ arguments: [String]) throws -> String {
        guard let python else { throw EmberError(.internal, "no python with pyarrow") }
        let file = dir + "/script-\(UUID().uuidString.prefix(8)).py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [file] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EmberError(.internal, "pyarrow script failed: \(errors)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// pyarrow's reading of `<dir>/<name>.parquet`: column names and normalized rows.
    static func expected(_ dir: String, _ name: String) throws -> (columns: [String], rows: [[String?]]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let columns = object["columns"] as? [String], let rows = object["rows"] as? [[Any]] else {
            throw EmberError(.internal, "unreadable reference \(name).json")
        }
        return (columns, rows.map { $0.map { $0 as? String } })
    }

    /// A value as the reference script writes it.
    static func normalized(_ v: Value) -> String? { ReferencePython.text(v) }

    /// Writes the matrix files into `dir`; returns their names (without `.parquet`).
    static func writeMatrix(_ dir: String) throws -> [String] {
        try run(matrixScript, in: dir, [dir]).split(separator: "\n").map(String.init)
    }

    static let matrixScript = #"""
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc, random, struct, json, sys, decimal
out = sys.argv[1]
rng = random.Random(13)
N = 700

def maybe(v, p=0.15): return None if rng.random() < p else v
def column(gen, p=0.15): return [maybe(gen(), p) for _ in range(N)]
def fl(): return rng.choice([rng.uniform(-1e6, 1e6), float("inf"), float("-inf"), -0.0, 0.0, 5e-324, float("nan"), rng.uniform(-1, 1), 1.5])
def text():
    alphabet = ["a", "b", "é", "€", "字", " ", "\n", "😀", "z", "\"", "\\"]
    return rng.choice(["shared_prefix_", "shared_other_", "", "x"]) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
def dec(digits, scale): return decimal.Decimal(rng.randint(-10**digits + 1, 10**digits - 1)).scaleb(-scale)

def table(int96=False):
    # INT96 holds nanoseconds: every timestamp must fit in int64 nanoseconds then.
    ms, us, ns = (9 * 10**12, 9 * 10**15, 9 * 10**18) if int96 else (10**14, 10**17, 2**62)
    ts_ns = lambda: rng.randint(-ns, ns)
    cols = [
        ("id", pa.array(range(N), pa.int64()), False),
        ("b", pa.array(column(lambda: rng.random() < 0.5), pa.bool_()), True),
        ("i8", pa.array(column(lambda: rng.randint(-128, 127)), pa.int8()), True),
        ("i16", pa.array(column(lambda: rng.randint(-2**15, 2**15 - 1)), pa.int16()), True),
        ("i32", pa.array(column(lambda: rng.choice([rng.randint(-2**31, 2**31 - 1), rng.randint(-9, 9)])), pa.int32()), True),
        ("i32r", pa.array([rng.randint(-2**31, 2**31 - 1) for _ in range(N)], pa.int32()), False),
        ("i64", pa.array(column(lambda: rng.choice([rng.randint(-2**63, 2**63 - 1), rng.randint(-9, 9), 2**63 - 1, -2**63])), pa.int64()), True),
        ("u8", pa.array(column(lambda: rng.randint(0, 255)), pa.uint8()), True),
        ("u16", pa.array(column(lambda: rng.randint(0, 2**16 - 1)), pa.uint16()), True),
        ("u32", pa.array(column(lambda: rng.randint(0, 2**32 - 1)), pa.uint32()), True),
        ("u64", pa.array(column(lambda: rng.randint(0, 2**64 - 1)), pa.uint64()), True),
        ("f16", pa.array(column(lambda: rng.choice([1.5, -0.25, 65504.0, 0.0, rng.uniform(-100, 100)])), pa.float32()).cast(pa.float16()), True),
        ("f32", pa.array(column(fl), pa.float32()), True),
        ("f64", pa.array(column(fl), pa.float64()), True),
        ("f64r", pa.array([fl() for _ in range(N)], pa.float64()), False),
        ("s", pa.array(column(text), pa.string()), True),
        ("sr", pa.array([text() for _ in range(N)], pa.string()), False),
        ("few", pa.array(column(lambda: rng.choice(["red", "green", "blue"])), pa.string()), True),
        ("nulls", pa.array([None] * N, pa.string()), True),
        ("d", pa.array(column(lambda: rng.randint(-200000, 200000)), pa.int32()).cast(pa.date32()), True),
        ("ts_ms", pa.array(column(lambda: rng.randint(-ms, ms)), pa.int64()).cast(pa.timestamp("ms")), True),
        ("ts_ms_utc", pa.array(column(lambda: rng.randint(-ms, ms)), pa.int64()).cast(pa.timestamp("ms", tz="UTC")), True),
        ("ts_us", pa.array(column(lambda: rng.randint(-us, us)), pa.int64()).cast(pa.timestamp("us")), True),
        ("ts_us_utc", pa.array(column(lambda: rng.randint(-us, us)), pa.int64()).cast(pa.timestamp("us", tz="UTC")), True),
        ("ts_ns", pa.array(column(ts_ns), pa.int64()).cast(pa.timestamp("ns")), True),
        ("ts_ns_utc", pa.array(column(ts_ns), pa.int64()).cast(pa.timestamp("ns", tz="UTC")), True),
        ("dec9", pa.array(column(lambda: dec(9, 2)), pa.decimal128(9, 2)), True),
        ("dec18", pa.array(column(lambda: dec(18, 4)), pa.decimal128(18, 4)), True),
        ("dec30", pa.array(column(lambda: dec(30, 5)), pa.decimal128(30, 5)), True),
        ("dec0", pa.array(column(lambda: dec(15, 0)), pa.decimal128(15, 0)), True),
    ]
    return pa.Table.from_arrays([c[1] for c in cols], schema=pa.schema([pa.field(c[0], c[1].type, nullable=c[2]) for c in cols]))

def bits(f):
    return "nan" if f != f else str(struct.unpack("<q", struct.pack("<d", f))[0])

def normalize(col):
    t = col.type
    if pa.types.is_timestamp(t):
        raw = col.cast(pa.int64()).to_pylist()
        scale = {"s": 10**6, "ms": 1000, "us": 1}.get(t.unit)
        return [None if v is None else str(v * scale if scale else v // 1000) for v in raw]
    if pa.types.is_date32(t): return [None if v is None else str(v) for v in col.cast(pa.int32()).to_pylist()]
    if pa.types.is_boolean(t): return [None if v is None else ("true" if v else "false") for v in col.to_pylist()]
    if pa.types.is_floating(t) or pa.types.is_decimal(t) or t == pa.uint64():
        if t == pa.float16(): col = col.cast(pa.float32())
        return [None if v is None else bits(float(v)) for v in col.to_pylist()]
    if pa.types.is_integer(t): return [None if v is None else str(v) for v in col.to_pylist()]
    if pa.types.is_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else v.decode("utf-8") for v in col.to_pylist()]
    return [None if v is None else str(v) for v in col.to_pylist()]

def dump(name):
    t = pq.read_table(f"{out}/{name}.parquet")
    cols = [normalize(c) for c in t.columns]
    json.dump({"columns": t.column_names, "rows": [list(r) for r in zip(*cols)] if cols else []}, open(f"{out}/{name}.json", "w"))
    print(name)

ints = ["i8", "i16", "i32", "i32r", "i64", "u8", "u16", "u32", "d", "ts_ms", "ts_ms_utc", "ts_us", "ts_us_utc", "ts_ns", "ts_ns_utc"]
modes = {
    "dict": dict(use_dictionary=True, dictionary_pagesize_limit=300),   # high-cardinality columns fall back to PLAIN mid-chunk
    "plain": dict(use_dictionary=False),
    "delta": dict(use_dictionary=False, column_encoding={**{c: "DELTA_BINARY_PACKED" for c in ints + ["id"]},
                                                         "s": "DELTA_BYTE_ARRAY", "sr": "DELTA_BYTE_ARRAY", "few": "DELTA_LENGTH_BYTE_ARRAY",
                                                         "dec30": "DELTA_BYTE_ARRAY", "f16": "DELTA_BYTE_ARRAY", "b": "RLE"}),
    "split": dict(use_dictionary=False, column_encoding={**{c: "BYTE_STREAM_SPLIT" for c in ["f32", "f64", "f64r", "i32", "i64", "id", "f16", "dec30", "dec9", "dec18"]},
                                                         "s": "DELTA_LENGTH_BYTE_ARRAY", "sr": "DELTA_LENGTH_BYTE_ARRAY", "b": "RLE"}),
}
base = table()
for k, codec in enumerate(["NONE", "SNAPPY", "GZIP", "ZSTD", "LZ4"]):
    for version in ["1.0", "2.0"]:
        for mode, options in modes.items():
            name = f"{codec.lower()}-v{version[0]}-{mode}"
            pq.write_table(base, f"{out}/{name}.parquet", compression=codec, data_page_version=version, row_group_size=250,
                           data_page_size=512, write_batch_size=50, store_decimal_as_integer=(k % 2 == 1), **options)
            dump(name)
pq.write_table(table(int96=True), f"{out}/int96.parquet", use_deprecated_int96_timestamps=True, row_group_size=300)
dump("int96")
pq.write_table(base.slice(0, 0), f"{out}/empty.parquet")
dump("empty")
"""#
}
