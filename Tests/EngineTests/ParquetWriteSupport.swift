// Support for the Parquet writer tests: seeded random batches of every type Ember writes (nulls,
// empty strings, NaN and ±0, repeats for dictionaries), and the reference readers: a python with
// pyarrow and DuckDB (EMBER_DUCKDB_PYTHON, or scripts/ensure-duckdb) reads files back and reports
// rows, schema, row groups and statistics, every value normalized to text the same way on both
// sides (integers, dates as days, timestamps as microseconds, doubles as their bit patterns, NaN
// as "nan": ParquetReference.normalized).

@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

/// What pyarrow and DuckDB read from one file.
struct ParquetReadBack: Decodable {
    struct Column: Decodable {
        let name: String
        let physical: String
        let logical: String
        let converted: String
        let maxDefinitionLevel: Int
    }
    struct Statistics: Decodable, Equatable {
        let nullCount: Int?
        let min: String?
        let max: String?
    }
    struct Chunk: Decodable {
        let compression: String
        let encodings: [String]
        let hasDictionaryPage: Bool
        let statistics: Statistics?
        let numValues: Int
    }
    struct RowGroup: Decodable {
        let numRows: Int
        let columns: [Chunk]
    }
    let pyarrow: [[String?]]
    let duckdb: [[String?]]
    let duckdbTypes: [String]
    let columns: [Column]
    let createdBy: String
    let keyValue: [String: String]
    let rowGroups: [RowGroup]
}

enum ParquetOutputReference {
    static let script = #"""
import json, sys, struct, datetime
import pyarrow.parquet as pq
import duckdb

EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def norm(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
        return str((v - EPOCH) // datetime.timedelta(microseconds=1))
    if isinstance(v, datetime.date): return str((v - EPOCH_DATE).days)
    if isinstance(v, float): return "nan" if v != v else str(struct.unpack("<q", struct.pack("<d", v))[0])
    if isinstance(v, int): return str(v)
    if isinstance(v, bytes): return v.decode("utf-8")
    return str(v)

out = {}
for path in sys.argv[1:]:
    f = pq.ParquetFile(path)
    md = f.metadata
    res = {"pyarrow": [[norm(v) for v in row.values()] for row in f.read().to_pylist()]}
    con = duckdb.connect()
    cols = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    exprs = []
    for name, typ, *_ in cols:
        q = '"' + name.replace('"', '""') + '"'
        exprs.append(f"epoch_us({q})" if typ.startswith("TIMESTAMP") else q)
    rows = con.execute(f"SELECT {', '.join(exprs)} FROM read_parquet(?)", [path]).fetchall()
    res["duckdb"] = [[norm(v) for v in r] for r in rows]
    res["duckdbTypes"] = [c[1] for c in cols]
    schema = f.schema
    res["columns"] = [{"name": schema.column(i).name, "physical": schema.column(i).physical_type,
                       "logical": str(schema.column(i).logical_type), "converted": schema.column(i).converted_type,
                       "maxDefinitionLevel": schema.column(i).max_definition_level} for i in range(len(schema))]
    res["createdBy"] = md.created_by
    res["keyValue"] = {k.decode(): v.decode() for k, v in (md.metadata or {}).items()}
    groups = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        cs = []
        for c in range(rg.num_columns):
            cc = rg.column(c)
            st = cc.statistics
            s = None
            if st is not None:
                s = {"nullCount": st.null_count if st.has_null_count else None,
                     "min": norm(st.min) if st.has_min_max else None,
                     "max": norm(st.max) if st.has_min_max else None}
            cs.append({"compression": cc.compression, "encodings": list(cc.encodings),
                       "hasDictionaryPage": cc.has_dictionary_page, "statistics": s, "numValues": cc.num_values})
        groups.append({"numRows": rg.num_rows, "columns": cs})
    res["rowGroups"] = groups
    out[path] = res
json.dump(out, sys.stdout)
"""#

    /// Reads every file with pyarrow and DuckDB (one python process).
    static func read(_ paths: [String]) throws -> [String: ParquetReadBack] {
        let dir = NSTemporaryDirectory() + "ember-parquet-ref-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try script.write(toFile: dir + "/read.py", atomically: true, encoding: .utf8)
        guard let python = ParquetReference.python else { throw SQLReferenceError(message: "no python with pyarrow and DuckDB (scripts/ensure-duckdb)") }
        let (status, out, err) = try runProgram(python, [dir + "/read.py"] + paths)
        guard status == 0 else { throw SQLReferenceError(message: "the pyarrow/DuckDB reader failed: \(err)") }
        return try JSONDecoder().decode([String: ParquetReadBack].self, from: Data(out.utf8))
    }

    static func read(_ path: String) throws -> ParquetReadBack {
        guard let result = try read([path])[path] else { throw SQLReferenceError(message: "no result for \(path)") }
        return result
    }

    /// Rows normalized as the script normalizes values (ParquetReference.normalized).
    static func normalized(_ rows: [[Value]]) -> [[String?]] { rows.map { $0.map(ParquetReference.normalized) } }
}

/// Seeded random data for the writer tests.
struct ParquetTestData {
    /// Every type Ember writes, nullable, plus a non-nullable bigint.
    static let allTypes = StructType([
        StructField("id", .long, nullable: false), StructField("n", .long), StructField("x", .double),
        StructField("b", .boolean), StructField("s", .string), StructField("d", .date), StructField("t", .timestamp),
    ])

    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    /// `count` rows; a value is null one time in `nullOneIn` (never in non-nullable fields), and
    /// drawn from `distinct` values per column when given (dictionary-friendly), else anywhere.
    mutating func rows(_ schema: StructType, count: Int, nullOneIn: Int = 7, distinct: Int? = nil, firstID: Int64 = 0) -> [[Value]] {
        (0..<count).map { r in
            schema.fields.map { field in
                if field.nullable && nullOneIn > 0 && int(nullOneIn) == 0 { return .null }
                if field.name == "id" { return .long(firstID + Int64(r)) }
                let pick = distinct.map { UInt64(int($0)) } ?? rng.next()
                return value(field.dataType, pick)
            }
        }
    }

    private mutating func value(_ type: DataType, _ pick: UInt64) -> Value {
        switch type {
        case .long:
            return .long([Int64.min, Int64.max, 0, -1][Int(pick % 4)] &+ (pick % 16 < 4 ? 0 : Int64(bitPattern: pick &* 0x9E37_79B9_7F4A_7C15) >> Int64(pick % 60)))
        case .double:
            let specials: [Double] = [0.0, -0.0, .infinity, -.infinity, 1.5, -2.25, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            if pick % 10 == 0 { return .double(specials[Int(pick / 10 % UInt64(specials.count))]) }
            return .double(Double(Int64(bitPattern: pick) % 2_000_000) / 64.0)
        case .boolean: return .boolean(pick % 2 == 0)
        case .string:
            let words = ["", "a", "apple", "Zürich", "日本語", "emoji 🎉", "with,comma", "quote\"d", "tab\tnew\nline", String(repeating: "long", count: 40)]
            return .string(words[Int(pick % UInt64(words.count))] + (pick % 3 == 0 ? "" : String(pick % 997)))
        case .date: return .date(Int32(Int64(pick % 146_000) - 25_000))          // 1901 … 2269
        case .timestamp: return .timestamp(Int64(pick % 12_000_000_000_000_000) - 2_000_000_000_000_000)   // 1906 … 2286
        case .array: return .null
        }
    }
}

extension ColumnarBatch {
    /// The batch split into batches of at most `size` rows (as a job's partitions would arrive).
    func chunked(_ size: Int) -> [ColumnarBatch] {
        stride(from: 0, to: numRows, by: size).map { slice($0..<Swift.min(numRows, $0 + size)) }
    }
}

/// The pages of a file as its footer and page headers describe them (decoded with the shared
/// metadata layer), to check page cuts, encodings and page statistics.
struct ParquetPageLayout {
    struct Page {
        let header: PageHeader
        var isDictionary: Bool { header.type == .dictionaryPage }
        var numValues: Int { Int(header.dataPageHeader?.numValues ?? header.dictionaryPageHeader?.numValues ?? 0) }
    }
    let footer: FileMetaData
    /// pages[rowGroup][column]
    let pages: [[[Page]]]

    init(path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count >= 12 && Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let n = bytes.count
        let length = Int(UInt32(bytes[n - 8]) | UInt32(bytes[n - 7]) << 8 | UInt32(bytes[n - 6]) << 16 | UInt32(bytes[n - 5]) << 24)
        footer = try FileMetaData.decode(Array(bytes[(n - 8 - length)..<(n - 8)]))
        pages = try footer.rowGroups.map { group in
            try group.columns.map { chunk in
                guard let meta = chunk.metaData else { return [] }
                var position = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
                let end = position + Int(meta.totalCompressedSize)
                var result: [Page] = []
                while position < end {
                    var reader = ThriftCompactReader(bytes, start: position, end: end)
                    let header = try PageHeader.decode(from: &reader)
                    result.append(Page(header: header))
                    position = reader.position + Int(header.compressedPageSize)
                }
                return result
            }
        }
    }
}
