// DictionaryKeysTests: string columns that scans dictionary-encode (ScanDictionary), the codes'
// survival through take/slice and their loss on change, and the aggregate's group ids from codes
// (DictionaryGroupLookup) against the plain path on the same seeded keys.

import Foundation
import Engine
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct DictionaryKeysTests {
    /// A random value from `distinct` choices: short and long strings, the empty string, values
    /// with trailing zero bytes (a word alone cannot tell them apart), nulls.
    static func value(_ rng: inout SeededRandom, distinct: Int) -> String? {
        let k = Int(rng.next() % UInt64(distinct + 1))
        if k == distinct { return nil }
        switch k % 5 {
        case 0: return ""
        case 1: return "v\(k)"
        case 2: return "a much longer value number \(k)"
        case 3: return "z\(k)\u{0}"
        default: return String(repeating: "é", count: k % 4 + 1) + "\(k)"
        }
    }

    /// Appends `text` to `column`, as a word when it fits in one (the scanners' two ways).
    static func append(_ text: String?, to column: inout ColumnAccumulator, asWord: Bool) {
        guard let text else { column.appendNull(); return }
        var padded = [UInt8](repeating: 0, count: 8) + Array(text.utf8)
        padded.withUnsafeMutableBytes { raw in
            let field = UnsafeRawBufferPointer(rebasing: raw[8...])
            if asWord, let short = ShortFieldWord(field, readableFrom: raw.baseAddress!) {
                column.appendString(short)
            } else {
                column.appendString(field)
            }
        }
    }

    @Test func scanColumnsCarryCodesThatDescribeThemUntilTooManyValues() {
        var rng = SeededRandom(seed: 9001)
        for distinct in [1, 7, 300, 5000] {
            var column = ColumnAccumulator(kind: .string, rowsPerBatch: 16, dictionary: true)
            var ids = Set<UInt64>()
            var sawNone = false
            for _ in 0..<8 {
                var expected: [String?] = []
                for _ in 0..<Int(rng.next() % 700) {
                    if rng.next() % 9 == 0 && !expected.isEmpty {
                        column.removeLast()
                        expected.removeLast()
                        continue
                    }
                    let v = Self.value(&rng, distinct: distinct)
                    Self.append(v, to: &column, asWord: rng.next() % 2 == 0)
                    expected.append(v)
                }
                let out = column.finish()
                #expect(out.count == expected.count)
                for (i, v) in expected.enumerated() { #expect(out.value(at: i) == (v.map { Value.string($0) } ?? .null)) }
                if let dictionary = out.dictionary {
                    #expect(!sawNone, "a dictionary turned off stays off for the scan")
                    #expect(dictionary.describes(out))
                    ids.insert(dictionary.id)
                } else {
                    sawNone = true
                }
            }
            #expect(ids.count <= 1, "one scan column keeps one growing dictionary")
            if distinct <= 300 { #expect(!sawNone, "\(distinct) distinct values stay dictionary-encoded") }
            if distinct == 5000 { #expect(sawNone, "5000 distinct values turn the dictionary off") }
        }
    }

    @Test func takeAndSliceKeepTheCodesAndChangesDropThem() {
        var rng = SeededRandom(seed: 77)
        var column = ColumnAccumulator(kind: .string, rowsPerBatch: 64, dictionary: true)
        for _ in 0..<500 { Self.append(Self.value(&rng, distinct: 12), to: &column, asWord: true) }
        let out = column.finish()
        #expect(out.dictionary?.describes(out) == true)
        let picked = (0..<200).map { _ in Int32(rng.next() % 500) }
        let taken = out.take(picked)
        #expect(taken.dictionary?.describes(taken) == true)
        let sliced = out.slice(100..<317)
        #expect(sliced.dictionary?.describes(sliced) == true)
        var changed = out
        changed.validity = nil
        #expect(changed.dictionary == nil)
        var replaced = out
        replaced.values = .string(StringArray(Array(repeating: "x", count: 500)))
        #expect(replaced.dictionary == nil)
        #expect(out == out.withDictionary(nil), "the dictionary is not part of a column's value")
        #expect(out.memoryBytes >= out.withDictionary(nil).memoryBytes + 4 * out.count, "memory accounting counts the codes")
    }

    /// Group ids and key output of two fresh tables, one fed key columns with their dictionaries and
    /// one without, over batches whose dictionaries grow, change id and sometimes are missing.
    @Test(arguments: [1, 2, 3])
    func groupIdsFromCodesEqualThePlainPath(keyCount: Int) throws {
        var rng = SeededRandom(seed: UInt64(31 + keyCount))
        let withCodes = GroupTable(keyTypes: Array(repeating: .string, count: keyCount))
        let plain = GroupTable(keyTypes: Array(repeating: .string, count: keyCount))
        var accumulators = (0..<keyCount).map { _ in ColumnAccumulator(kind: .string, rowsPerBatch: 32, dictionary: true) }
        var ids1: [Int32] = [], ids2: [Int32] = []
        for batch in 0..<30 {
            if batch % 10 == 9 { accumulators = (0..<keyCount).map { _ in ColumnAccumulator(kind: .string, rowsPerBatch: 32, dictionary: true) } }
            let rows = Int(rng.next() % 400)
            let distinct = [3, 40, 90][Int(rng.next() % 3)] + batch
            for _ in 0..<rows {
                for c in 0..<keyCount { Self.append(Self.value(&rng, distinct: distinct), to: &accumulators[c], asWord: true) }
            }
            var keys = (0..<keyCount).map { accumulators[$0].finish() }
            if batch % 7 == 3 { keys[0] = keys[0].withDictionary(nil) }
            try withCodes.groupIds(keys: keys, numRows: rows, into: &ids1)
            try plain.groupIds(keys: keys.map { $0.withDictionary(nil) }, numRows: rows, into: &ids2)
            #expect(Array(ids1.prefix(rows)) == Array(ids2.prefix(rows)), "batch \(batch)")
        }
        #expect(withCodes.count == plain.count)
        #expect(withCodes.keyColumns(0..<withCodes.count) == plain.keyColumns(0..<plain.count))
    }

    /// Keys with more distinct values than the packed index holds turn the lookup off; ids stay right.
    @Test func tooManyDistinctKeysFallBackToThePlainPath() throws {
        var rng = SeededRandom(seed: 5)
        let withCodes = GroupTable(keyTypes: [.string, .string, .string])
        let plain = GroupTable(keyTypes: [.string, .string, .string])
        var ids1: [Int32] = [], ids2: [Int32] = []
        for _ in 0..<6 {
            let keys = (0..<3).map { c -> ColumnVector in
                let strings = (0..<2000).map { _ in "k\(c)-\(rng.next() % 900)" }
                var column = ColumnAccumulator(kind: .string, rowsPerBatch: 2000, dictionary: true)
                for s in strings { Self.append(s, to: &column, asWord: false) }
                return column.finish()
            }
            try withCodes.groupIds(keys: keys, numRows: 2000, into: &ids1)
            try plain.groupIds(keys: keys.map { $0.withDictionary(nil) }, numRows: 2000, into: &ids2)
            #expect(ids1 == ids2)
        }
        #expect(withCodes.keyColumns(0..<withCodes.count) == plain.keyColumns(0..<plain.count))
    }

    /// A filter's comparison with a literal answers the same from the codes as from the values,
    /// for every operator, literals inside and outside the dictionary, and null rows.
    @Test func comparisonsWithALiteralAnswerTheSameFromCodes() throws {
        var rng = SeededRandom(seed: 123)
        var column = ColumnAccumulator(kind: .string, rowsPerBatch: 64, dictionary: true)
        for _ in 0..<800 { Self.append(Self.value(&rng, distinct: 25), to: &column, asWord: true) }
        let coded = column.finish()
        #expect(coded.dictionary != nil)
        let schema = StructType([StructField("s", .string)])
        let withCodes = ColumnarBatch(schema: schema, columns: [coded], numRows: coded.count)
        let plain = ColumnarBatch(schema: schema, columns: [coded.withDictionary(nil)], numRows: coded.count)
        let ops: [BinaryOperator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        for literal in ["", "v1", "v6", "a much longer value number 2", "zz", "v", "\u{0}"] {
            for op in ops {
                for literalFirst in [false, true] {
                    let l = BoundExpression.literal(.string(literal), .string), c = BoundExpression.column(0, .string)
                    let e = literalFirst ? BoundExpression.comparison(op, l, c) : BoundExpression.comparison(op, c, l)
                    let a = try e.evaluate(withCodes), b = try e.evaluate(plain)
                    #expect((0..<a.count).map { a.value(at: $0) } == (0..<b.count).map { b.value(at: $0) },
                            "\(op) \(literal) literal first: \(literalFirst)")
                }
            }
        }
    }

    /// A Parquet string column read from dictionary pages carries the ids as codes that describe
    /// it; pages that fell back to PLAIN, and row groups' own dictionaries, never mix into them.
    @Test func parquetDictionaryPagesArriveAsCodes() throws {
        let dir = ScratchDir("dictionary-codes")
        defer { dir.cleanup() }
        let schema = StructType([StructField("k", .long), StructField("s", .string)])
        var data = ParquetTestData(seed: 11)
        var options = ParquetWriteOptions()
        options.dictionaryPageBytes = 4 << 10
        options.pageRowLimit = 300
        options.rowGroupBytes = 16 << 10
        let rows = data.rows(schema, count: 3000, distinct: 15) + data.rows(schema, count: 6000) + data.rows(schema, count: 3000, distinct: 9)
        let path = dir.file("t.parquet")
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        for batch in ColumnarBatch.fromRows(rows, schema: schema).chunked(1000) { try writer.write(batch) }
        try writer.close()
        let size = Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
        var metrics = TaskMetrics()
        var read: [Value] = []
        var coded = 0, plain = 0
        for batchSize in [128, 4096] {
            read = []
            try ParquetScanner.scan(FileSplit(path: path, start: 0, length: size, fileLength: size), dataSchema: schema, requiredColumns: [1],
                                    options: ParquetOptions(), dictionaryColumns: [0], batchSize: batchSize, metrics: &metrics) { batch in
                let column = batch.columns[0]
                if let dictionary = column.dictionary {
                    #expect(dictionary.describes(column))
                    coded += 1
                } else {
                    plain += 1
                }
                read += (0..<column.count).map { column.value(at: $0) }
            }
            #expect(read == rows.map { $0[1] })
        }
        #expect(coded > 0 && plain > 0, "coded \(coded), plain \(plain)")
    }

    /// A groupBy on string keys of a CSV file marks them for codes (shown in the plan), and its
    /// answer, with a filter on a key, equals a reference over the same seeded rows; a key that is
    /// not a string leaves the scan unmarked.
    @Test(arguments: ["csv", "json", "parquet"])
    func stringKeysOfATextScanGroupByTheirCodes(format: String) throws {
        var rng = SeededRandom(seed: format == "csv" ? 404 : 405)
        var text = format == "json" ? "" : "a,b,x\n"
        var expected: [String: (count: Int, sum: Int64)] = [:]
        var expectedFilteredSum: Int64 = 0
        for _ in 0..<30_000 {
            let a: String? = rng.next() % 11 == 0 ? nil : ["us", "de", "a much longer country name", "fr", "é"][Int(rng.next() % 5)]
            let b: String? = rng.next() % 13 == 0 ? nil : "d\(rng.next() % 7)"
            let x = Int64(rng.next() % 1000)
            if format != "json" {
                text += "\(a ?? ""),\(b ?? ""),\(x)\n"
            } else {
                text += "{\"a\": \(a.map { "\"\($0)\"" } ?? "null"), \"b\": \(b.map { "\"\($0)\"" } ?? "null"), \"x\": \(x)}\n"
            }
            if let b, b == "d3" || b > "d5", x < 500 { expectedFilteredSum += x }
            guard a != "fr" else { continue }
            let key = "\(a ?? "null")|\(b ?? "null")"
            var g = expected[key] ?? (0, 0)
            g.count += 1
            g.sum += x
            expected[key] = g
        }
        let dir = ScratchDir("dictionary-groupby")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig { $0.shufflePartitions = 3; $0.maxPartitionBytes = 64 << 10 })
        defer { session.stop() }
        let path = dir.write("t.\(format == "json" ? "json" : "csv")", text)
        var df = format == "json" ? try session.read.json(path) : try session.read.option("header", true).option("inferSchema", true).csv(path)
        if format == "parquet" {
            try df.write.parquet(dir.file("t.parquet"))
            df = try session.read.parquet(dir.file("t.parquet"))
        }
        let grouped = df.filter(col("a").isNull() || (col("a") =!= "fr")).groupBy("a", "b").agg(count(col("*")).alias("n"), sum("x").alias("s"))
        #expect(try grouped.explainString().contains("DictionaryColumns: [a, b]"))
        var got: [String: (count: Int, sum: Int64)] = [:]
        for row in try grouped.collect() {
            let key = "\(row.values[0].isNull ? "null" : row.values[0].description)|\(row.values[1].isNull ? "null" : row.values[1].description)"
            got[key] = (Int(row.values[2].description)!, Int64(row.values[3].description)!)
        }
        #expect(got.count == expected.count)
        for (key, g) in expected { #expect(got[key].map { $0 == g } == true, "group \(key)") }
        for unmarked in [df.groupBy("a", "x").agg(count(col("*"))), df.select(col("a"), upper(col("b")).alias("b")).groupBy("a", "b").agg(count(col("*")))] {
            #expect(try !unmarked.explainString().contains("DictionaryColumns"), "only when every key comes with codes")
        }
        // A Parquet string column compared with a literal by the filter above its scan, and dropped
        // by the projection above, is read as codes too (the comparison is made per dictionary
        // value); a text scan's is not.
        let filtered = df.filter((col("b") === "d3" || col("b") > "d5") && col("x") < 500).select((col("x") + 0).alias("x")).agg(sum("x"))
        let plan = try filtered.explainString()
        #expect(plan.contains("DictionaryColumns: [b]") == (format == "parquet"), "\(plan)")
        #expect(try filtered.collect().first?.values.first?.description == "\(expectedFilteredSum)")
    }
}
