// Statistics of Ember's Parquet files: for every row group and column, the min, max and null count
// pyarrow reports equal the true ones computed from the rows (strings in byte order, doubles
// without NaN and with -0.0 / +0.0 at the ends, false < true), and page headers carry each page's.

@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.enabled(if: ParquetReference.python != nil, "needs pyarrow and DuckDB (scripts/ensure-duckdb)")) struct ParquetWriteStatisticsTests {
    /// The true statistics of `values` as the reference script normalizes them.
    static func expected(_ values: [Value]) -> ParquetReadBack.Statistics {
        let present = values.filter { !$0.isNull }
        let nulls = values.count - present.count
        func result(_ lo: Value?, _ hi: Value?) -> ParquetReadBack.Statistics {
            ParquetReadBack.Statistics(nullCount: nulls, min: lo.flatMap(ParquetReference.normalized), max: hi.flatMap(ParquetReference.normalized))
        }
        switch present.first {
        case .long?, .date?, .timestamp?:
            func key(_ v: Value) -> Int64 {
                switch v {
                case .long(let n), .timestamp(let n): return n
                case .date(let d): return Int64(d)
                default: return 0
                }
            }
            return result(present.min { key($0) < key($1) }, present.max { key($0) < key($1) })
        case .double?:
            let numbers = present.compactMap(\.doubleValue).filter { !$0.isNaN }
            guard let lo = numbers.min(), let hi = numbers.max() else { return result(nil, nil) }
            return result(.double(lo == 0 ? -0.0 : lo), .double(hi == 0 ? 0.0 : hi))
        case .boolean?:
            let bits = present.compactMap(\.boolValue)
            return result(.boolean(bits.contains(false) ? false : true), .boolean(bits.contains(true)))
        case .string?:
            let strings = present.compactMap(\.stringValue)
            let lo = strings.min { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            let hi = strings.max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            return result(lo.map(Value.string), hi.map(Value.string))
        default:
            return result(nil, nil)
        }
    }

    @Test func rowGroupStatisticsAreTheTrueMinMaxAndNullCount() throws {
        let dir = ScratchDir("parquet-stats")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 11)
        var rows = data.rows(ParquetTestData.allTypes, count: 12_000, nullOneIn: 5)
        // NaN is left out of min/max; a column whose values are all null has no min/max.
        rows[17][2] = .double(.nan)
        rows[9000][2] = .double(.nan)
        let schema = ParquetTestData.allTypes
        var options = ParquetWriteOptions()
        options.rowGroupBytes = 64 << 10
        options.pageBytes = 4 << 10
        let path = dir.file("stats.parquet")
        try ParquetWriteTests.write(rows, schema, to: path, options: options, batchRows: 700)
        let back = try ParquetOutputReference.read(path)
        #expect(back.rowGroups.count > 2)
        var start = 0
        for group in back.rowGroups {
            let slice = rows[start..<(start + group.numRows)]
            for (c, chunk) in group.columns.enumerated() {
                #expect(chunk.statistics == Self.expected(slice.map { $0[c] }), "row group starting at row \(start), column \(schema.fields[c].name)")
            }
            start += group.numRows
        }

        // Page statistics: each data page's min/max/null count, decoded from the page headers.
        let layout = try ParquetPageLayout(path: path)
        var row = 0
        for pages in layout.pages.map({ $0[1] }) {   // column n (bigint, nullable)
            for page in pages where !page.isDictionary {
                let values = rows[row..<(row + page.numValues)].map { $0[1] }
                let stats = page.header.dataPageHeader?.statistics
                let truth = Self.expected(Array(values))
                #expect(stats?.nullCount == Int64(truth.nullCount ?? -1))
                let decode = { (bytes: [UInt8]?) in bytes.map { b in String(b.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }) } }
                #expect(decode(stats?.minValue) == truth.min && decode(stats?.maxValue) == truth.max)
                row += page.numValues
            }
        }
        #expect(row == rows.count)
    }

    @Test func edgeValuesAndAllNullColumns() throws {
        let dir = ScratchDir("parquet-stats")
        defer { dir.cleanup() }
        let schema = StructType([StructField("x", .double), StructField("s", .string), StructField("n", .long), StructField("b", .boolean)])
        let rows: [[Value]] = [
            [.double(0.0), .string(""), .null, .boolean(true)],
            [.double(-0.0), .string("\u{7F}"), .null, .boolean(true)],
            [.double(.nan), .string("é"), .null, .null],
            [.null, .string("z"), .null, .boolean(true)],
        ]
        let path = dir.file("edges.parquet")
        try ParquetWriteTests.write(rows, schema, to: path)
        let back = try ParquetOutputReference.read(path)
        #expect(back.pyarrow == ParquetOutputReference.normalized(rows))
        #expect(back.duckdb == ParquetOutputReference.normalized(rows))
        let stats = back.rowGroups[0].columns.map(\.statistics)
        #expect(stats[0] == .init(nullCount: 1, min: ParquetReference.normalized(.double(-0.0)), max: ParquetReference.normalized(.double(0.0))))
        #expect(stats[1] == .init(nullCount: 0, min: "", max: "é"), "byte order: é (C3 A9) sorts after DEL (7F)")
        #expect(stats[2] == .init(nullCount: 4, min: nil, max: nil))
        #expect(stats[3] == .init(nullCount: 1, min: "true", max: "true"))
    }
}
