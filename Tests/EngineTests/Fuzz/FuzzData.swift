// FuzzData: the fuzzer's random source tables, fed to Ember the way users feed data:
//   - CSV (or, one time in five, JSON lines) files written by the test and read with an explicit
//     schema (header or not), columns of
//     bigint, double and string with nulls, duplicates, a hot value (skew), all-null columns,
//     doubles with -0.0, NaN and infinities, strings with commas, quotes, spaces and non-ASCII
//     characters;
//   - of the CSV-shaped tables, half (chosen by a generator aside, so recorded seeds keep their
//     streams) are written by Ember's Parquet writer instead, under random codecs, page, row-group
//     and dictionary sizes and batch sizes, and read with read.parquet; of the others, one in
//     three is compressed (gzip or zstd, by the same aside), so a stream decompresses it;
//   - session.range(...) with columns derived from `id` by expressions (remainders, casts, nulls
//     from `x % 0`), whose rows the reference computes with the same expressions.
// Sizes run from empty to ~180k rows; the large ones (one task of >100k rows with nearly one row
// per key) reach the Partial aggregate's back-off path.

import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

enum FuzzSource {
    case csv(header: Bool)
    /// JSON lines read with the table's schema (nulls written as `null` or left out, by row).
    case json
    /// Written by ParquetFileWriter with these options, in batches of `batchRows`.
    case parquet(ParquetWriteOptions, batchRows: Int)
    case range(start: Int64, step: Int64, count: Int, partitions: Int, columns: [FuzzKey])
}

/// How a CSV or JSON table's file is compressed (its extension).
enum FuzzCompression: String {
    case gzip = "gz", zstd = "zst"
}

struct FuzzTable {
    var columns: [FuzzColumn]
    var rows: [[Value]]
    var source: FuzzSource
    /// One line per column: how its values were drawn.
    var shape: [String]
    /// A CSV or JSON table's file compression (nil: plain).
    var compression: FuzzCompression? = nil

    /// The name of a CSV or JSON table's file.
    func fileName(_ ext: String) -> String { "table." + ext + (compression.map { "." + $0.rawValue } ?? "") }

    /// Writes a CSV or JSON table's text as its file (compressed if the table is).
    func writeFile(_ text: String, _ ext: String, directory: String) throws -> String {
        let path = directory + "/" + fileName(ext)
        let bytes = Array(text.utf8)
        let contents: [UInt8]
        switch compression {
        case nil: contents = bytes
        case .gzip: contents = try gzipBytes(bytes)
        case .zstd: contents = try zstdFrames(bytes, frameBytes: 64 << 10)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(contents)) else {
            throw EmberError(.output, "cannot write \(path)")
        }
        return path
    }

    var layout: FuzzLayout { FuzzLayout(names: columns.map(\.name), types: columns.map(\.type)) }

    var ddl: String { columns.map { "\($0.name) \($0.type.simpleString.uppercased())" }.joined(separator: ", ") }

    /// The DataFrame over this table (writes the CSV file into `directory` first).
    func dataFrame(_ session: Session, directory: String) throws -> DataFrame {
        switch source {
        case .csv(let header):
            return try session.read.option("header", header).schema(ddl).csv(try writeFile(csvText(header: header), "csv", directory: directory))
        case .json:
            return try session.read.schema(ddl).json(try writeFile(jsonText(), "json", directory: directory))
        case .parquet(let options, let batchRows):
            let path = directory + "/table.parquet"
            let schema = StructType(columns.map { StructField($0.name, $0.type) })
            let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
            for batch in ColumnarBatch.fromRows(rows, schema: schema).chunked(batchRows) { try writer.write(batch) }
            try writer.close()
            return try session.read.parquet(path)
        case .range(let start, let step, let count, let partitions, let columns):
            return session.range(start, start + Int64(count) * step, step: step, numPartitions: partitions)
                .select(columns.map(\.column))
        }
    }

    func sourceText(directory: String) -> String {
        switch source {
        case .csv(let header):
            return "session.read.option(\"header\", \(header)).schema(\(quoted(ddl))).csv(\(quoted(directory + "/" + fileName("csv"))))"
        case .json:
            return "session.read.schema(\(quoted(ddl))).json(\(quoted(directory + "/" + fileName("json"))))"
        case .parquet(let options, let batchRows):
            return "session.read.parquet(\(quoted(directory + "/table.parquet")))  // written by ParquetFileWriter in batches of \(batchRows): \(options)"
        case .range(let start, let step, let count, let partitions, let columns):
            return "session.range(\(start), \(start + Int64(count) * step), step: \(step), numPartitions: \(partitions))"
                + ".select(\(columns.map(\.swiftText).joined(separator: ", ")))"
        }
    }

    func csvText(header: Bool) -> String {
        var text = header ? columns.map(\.name).joined(separator: ",") + "\n" : ""
        text.reserveCapacity(rows.count * columns.count * 8)
        for row in rows {
            for (i, v) in row.enumerated() {
                if i > 0 { text += "," }
                switch v {
                case .null: break
                case .long(let x): text += String(x)
                case .double(let x):
                    text += x.isNaN ? "NaN" : x.isInfinite ? (x < 0 ? "-Infinity" : "Infinity") : "\(x)"
                case .string(let s): text += "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                default: text += v.description
                }
            }
            text += "\n"
        }
        return text
    }
}

extension FuzzTable {
    /// The rows as JSON lines: keys rotated by row, a null left out on even rows and written as
    /// `null` on odd ones, NaN and the infinities as the bare tokens Spark's reader accepts.
    func jsonText() -> String {
        var text = ""
        text.reserveCapacity(rows.count * columns.count * 10)
        for (r, row) in rows.enumerated() {
            var fields: [String] = []
            for (i, v) in row.enumerated() {
                let key = "\"" + columns[i].name + "\":"
                switch v {
                case .null: if r % 2 == 1 { fields.append(key + "null") }
                case .long(let x): fields.append(key + String(x))
                case .double(let x): fields.append(key + (x.isNaN ? "NaN" : x.isInfinite ? (x < 0 ? "-Infinity" : "Infinity") : "\(x)"))
                case .string(let s): fields.append(key + Self.jsonString(s))
                default: fields.append(key + Self.jsonString(v.description))
                }
            }
            let turn = fields.isEmpty ? 0 : r % fields.count
            text += "{" + (fields[turn...] + fields[..<turn]).joined(separator: ",") + "}\n"
        }
        return text
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

enum FuzzData {
    static let words = ["a", "b", "A", "B", "ab", "x y", " pad ", "a,b", "a, b", "say \"hi\"", "é", "É", "café", "naïve",
                        "日本", "日本語", "ß", "🙂", "Ω", "z", "  ", " ", "-", "a b c", "ÅNGSTRÖM", "a,,b,"]
    static let numericStrings = ["0", "12", "-3", " 7 ", "1.5", "-2.25", "2e3", "007", "-0", "NaN", "+5", "9.75"]
    /// What casting any generated string to a number can give: |x| ≤ 2000 in quarter steps.
    static let stringBound = NumericBound(magnitude: 11, fraction: 2)

    static func table(_ rng: inout SeededRandom) -> FuzzTable {
        let size = rowCount(&rng)
        if rng.unit() < (size > 100_000 ? 0.5 : 0.35) { return rangeTable(&rng, size) }
        return csvTable(&rng, size)
    }

    static func rowCount(_ rng: inout SeededRandom) -> Int {
        let r = rng.unit()
        if r < 0.07 { return 0 }
        if r < 0.20 { return 1 + rng.below(12) }
        if r < 0.50 { return 13 + rng.below(600) }
        if r < 0.78 { return 600 + rng.below(3400) }
        if r < 0.94 { return 4000 + rng.below(21_000) }
        return 110_000 + rng.below(70_000)
    }

    // MARK: CSV tables

    static func csvTable(_ rng: inout SeededRandom, _ count: Int) -> FuzzTable {
        let width = 2 + rng.below(5)
        var columns: [FuzzColumn] = [], shape: [String] = [], values: [[Value]] = []
        // Over 100k rows, the first column is a unique bigint and the second has 1–2% nulls, so
        // that keys like a + b make the Partial aggregate back off with null keys in its output.
        let large = count > 100_000
        for i in 0..<width {
            let name = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(i)))
            let type: DataType = large && i == 0 ? .long : [.long, .long, .double, .double, .string, .string][rng.below(6)]
            let (column, description, drawn) = csvColumn(&rng, name: name, type: type, count: count,
                                                         nullRate: large && i < 2 ? [0, 0.01, 0.02][i + rng.below(2)] : nil,
                                                         unique: large && i == 0)
            columns.append(column)
            shape.append(description)
            values.append(drawn)
        }
        let rows = (0..<count).map { r in values.map { $0[r] } }
        // One draw picks the source: JSON lines one time in five, else CSV with or without a header.
        let pick = rng.below(10)
        let source: FuzzSource = pick < 2 ? .json : .csv(header: pick % 2 == 0)
        var aside = SeededRandom(seed: FixedSeedHash.mix64(UInt64(count) << 8 | UInt64(width) << 4 | UInt64(pick)))
        guard aside.below(2) == 0 else {
            let compression: FuzzCompression? = [nil, nil, nil, nil, .gzip, .zstd][aside.below(6)]
            return FuzzTable(columns: columns, rows: rows, source: source, shape: shape, compression: compression)
        }
        var options = ParquetWriteOptions()
        options.compression = ParquetCompression.allCases[aside.below(ParquetCompression.allCases.count)]
        options.pageBytes = [1 << 10, 8 << 10, 1 << 20][aside.below(3)]
        options.pageRowLimit = [100, 20_000][aside.below(2)]
        options.rowGroupBytes = [16 << 10, 256 << 10, 128 << 20][aside.below(3)]
        options.dictionary = aside.below(4) != 0
        options.dictionaryPageBytes = [512, 16 << 10, 1 << 20][aside.below(3)]
        return FuzzTable(columns: columns, rows: rows, source: .parquet(options, batchRows: [100, 1000, 4096][aside.below(3)]), shape: shape)
    }

    static func csvColumn(_ rng: inout SeededRandom, name: String, type: DataType, count: Int,
                          nullRate fixedNullRate: Double? = nil, unique forceUnique: Bool = false) -> (FuzzColumn, String, [Value]) {
        let nullRate = fixedNullRate ?? [0, 0, 0.01, 0.02, 0.1, 0.3, 0.7, 1.0][rng.below(8)]
        let distinct = forceUnique ? Int.max : [1, 2, 3, 5, 10, 50, 500, Int.max, Int.max][rng.below(9)]
        let hot = !forceUnique && rng.below(4) == 0 ? 0.5 + 0.45 * rng.unit() : 0
        let specials = type == .double && rng.below(5) < 2
        var pool: [Value] = []
        var bound = NumericBound(magnitude: 0, fraction: 0)
        let unique = distinct == Int.max
        let poolSize = unique ? count : distinct
        switch type {
        case .long:
            let domain: ClosedRange<Int64> = [-5...5, -1000...1000, -1_000_000_000...1_000_000_000][rng.below(3)]
            let stride = Int64([1, 3, -7][rng.below(3)])
            pool = (0..<poolSize).map { i in .long(unique ? Int64(i) * stride + domain.lowerBound : Int64.random(in: domain, using: &rng)) }
            let extremes = rng.below(20) == 0
            if extremes { pool += [.long(.max), .long(.min), .long(-1)] }
            let largest = pool.compactMap(\.longValue).map { $0 == .min ? UInt64(1) << 63 : UInt64(Swift.abs($0)) }.max() ?? 0
            bound = NumericBound(magnitude: extremes ? 64 : 64 - largest.leadingZeroBitCount, fraction: 0)
        case .double:
            pool = (0..<poolSize).map { i in .double(unique ? Double(i) / 4 - 100 : Double(Int.random(in: -4000...4000, using: &rng)) / 4) }
            if specials { pool += [.double(-0.0), .double(0.0), .double(.nan)] + (rng.below(3) == 0 ? [.double(.infinity), .double(-.infinity)] : []) }
            bound = NumericBound(magnitude: unique ? 64 - UInt64(count / 4 + 101).leadingZeroBitCount : 10, fraction: 2)
        default:
            pool = (0..<poolSize).map { i in
                if unique { return .string("u\(i)" + ["", "é", "日", " "][i % 4]) }
                let list = rng.below(3) == 0 ? numericStrings : words
                return .string(list[rng.below(list.count)])
            }
            bound = stringBound
        }
        if pool.isEmpty { pool = [.null] }
        var drawn: [Value] = []
        drawn.reserveCapacity(count)
        for i in 0..<count {
            if nullRate > 0 && rng.unit() < nullRate { drawn.append(.null); continue }
            if hot > 0 && rng.unit() < hot { drawn.append(pool[0]); continue }
            drawn.append(unique && i < pool.count && !specials ? pool[i] : pool[rng.below(pool.count)])
        }
        if unique { drawn.shuffle(using: &rng) }
        var text = "\(name) \(type): nulls \(Int(nullRate * 100))%, " + (unique ? "unique" : "\(distinct) distinct")
        if hot > 0 { text += ", hot value \(FuzzCell.show([pool[0]])) in \(Int(hot * 100))%" }
        if specials { text += ", with -0.0/NaN\(pool.count > poolSize + 3 ? "/±Infinity" : "")" }
        var column = FuzzColumn(name: name, type: type, bound: bound, exact: true)
        column.unique = unique && nullRate <= 0.02 && hot == 0
        return (column, text, drawn)
    }

    // MARK: range tables

    static func rangeTable(_ rng: inout SeededRandom, _ count: Int) -> FuzzTable {
        let start = Int64(rng.below(101)) - 50
        let step = Int64([1, 1, 1, 2, -1, 3][rng.below(6)])
        let partitions = count > 100_000 ? 1 + rng.below(2) : 1 + rng.below(4)
        let id = FuzzExpr.column("id")
        func l(_ x: Int64) -> FuzzExpr { .literal(.long(x), .long) }
        var derived: [FuzzKey] = [FuzzKey(expr: id, alias: nil)]
        for n in 1...(1 + rng.below(4)) {
            let k = Int64([2, 3, 7, 10, 100, 1000, 100_000][rng.below(7)])
            let m = Int64([2, 3, 4, 5, 50, 97][rng.below(6)])
            let templates: [FuzzExpr] = [
                .arithmetic(.remainder, id, l(k)),
                .arithmetic(.remainder, id, .arithmetic(.remainder, id, l(m))),            // null where id % m == 0
                .arithmetic(.divide, .cast(.arithmetic(.remainder, id, l(k)), .double), .literal(.double(4), .double)),
                .cast(.arithmetic(.remainder, .arithmetic(.multiply, id, l(7919)), l(k)), .string),
                .string(.lower, .cast(.arithmetic(.subtract, .arithmetic(.remainder, id, l(k)), l(3)), .string)),
                .compare(.equal, .arithmetic(.remainder, id, l(m)), l(0)),
                .cast(.compare(.greater, .arithmetic(.remainder, id, l(10)), l(1)), .long),   // a hot key: 1 in 80% of rows
                .coalesce([.arithmetic(.remainder, l(k), .arithmetic(.remainder, id, l(m))), l(-1)]),
            ]
            derived.append(FuzzKey(expr: templates[rng.below(templates.count)], alias: "r\(n)"))
        }
        let base = FuzzLayout(names: ["id"], types: [.long])
        let ids = (0..<count).map { [Value.long(start + Int64($0) * step)] }
        let compiled = derived.map { FuzzEval.compile($0.expr, base) }
        let rows = ids.map { row in compiled.map { $0(row) } }
        let idBound = NumericBound(magnitude: 64 - UInt64(Swift.abs(start) + Int64(count) * Swift.abs(step) + 1).leadingZeroBitCount, fraction: 0)
        let columns = derived.map { key in
            var column = FuzzColumn(name: key.name, type: key.expr.type(in: ["id": .long]),
                                    bound: NumericBound.of(key.expr, ["id": idBound]), exact: true)
            column.unique = key.name == "id"
            return column
        }
        let shape = ["session.range: \(count) rows in \(partitions) partitions; columns " + derived.map(\.name).joined(separator: ", ")]
        return FuzzTable(columns: columns, rows: rows,
                         source: .range(start: start, step: step, count: count, partitions: partitions, columns: derived), shape: shape)
    }
}
