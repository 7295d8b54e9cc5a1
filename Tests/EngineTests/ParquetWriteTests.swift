// The Parquet writer, read back by pyarrow and DuckDB: every type with nulls and empty strings,
// the schema as Spark writes it, an empty file, several row groups and pages, every codec,
// dictionary encoding and its fallback, and statistics equal to the true min, max and null count.

@_spi(EmberInternal) @testable import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.enabled(if: ParquetReference.python != nil, "needs pyarrow and DuckDB (scripts/ensure-duckdb)")) struct ParquetWriteTests {
    /// Writes `rows` with `options` in batches of `batchRows`.
    static func write(_ rows: [[Value]], _ schema: StructType, to path: String, options: ParquetWriteOptions = ParquetWriteOptions(),
                      batchRows: Int = 4096) throws {
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        for batch in ColumnarBatch.fromRows(rows, schema: schema).chunked(batchRows) { try writer.write(batch) }
        try writer.close()
    }

    @Test func everyTypeReadsBackEqualInPyarrowAndDuckDB() throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 1)
        let rows = data.rows(ParquetTestData.allTypes, count: 5000)
        let path = dir.file("all.parquet")
        try Self.write(rows, ParquetTestData.allTypes, to: path)
        let back = try ParquetOutputReference.read(path)
        let expected = ParquetOutputReference.normalized(rows)
        #expect(back.pyarrow == expected)
        #expect(back.duckdb == expected)
        #expect(back.duckdbTypes == ["BIGINT", "BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR", "DATE", "TIMESTAMP WITH TIME ZONE"])
    }

    @Test func theSchemaIsWrittenAsSparkWritesIt() throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 2)
        let path = dir.file("schema.parquet")
        try Self.write(data.rows(ParquetTestData.allTypes, count: 10), ParquetTestData.allTypes, to: path)
        let back = try ParquetOutputReference.read(path)
        #expect(back.columns.map(\.name) == ParquetTestData.allTypes.names)
        #expect(back.columns.map(\.physical) == ["INT64", "INT64", "DOUBLE", "BOOLEAN", "BYTE_ARRAY", "INT32", "INT64"])
        #expect(back.columns.map(\.logical) == ["None", "None", "None", "None", "String", "Date",
                                                "Timestamp(isAdjustedToUTC=true, timeUnit=microseconds, is_from_converted_type=false, force_set_converted_type=false)"])
        #expect(back.columns.map(\.converted) == ["NONE", "NONE", "NONE", "NONE", "UTF8", "DATE", "TIMESTAMP_MICROS"])
        #expect(back.columns.map(\.maxDefinitionLevel) == [0, 1, 1, 1, 1, 1, 1], "REQUIRED for the non-nullable id, OPTIONAL for the rest")
        #expect(back.createdBy.hasPrefix("ember version "))
        #expect(back.keyValue["org.apache.spark.sql.parquet.row.metadata"]
                == #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},{"name":"n","type":"long","nullable":true,"metadata":{}},{"name":"x","type":"double","nullable":true,"metadata":{}},{"name":"b","type":"boolean","nullable":true,"metadata":{}},{"name":"s","type":"string","nullable":true,"metadata":{}},{"name":"d","type":"date","nullable":true,"metadata":{}},{"name":"t","type":"timestamp","nullable":true,"metadata":{}}]}"#)
        let layout = try ParquetPageLayout(path: path)
        #expect(layout.footer.schema.first?.name == "spark_schema")
        #expect(layout.footer.columnOrders == Array(repeating: .typeDefinedOrder, count: 7))
    }

    @Test func anEmptyResultIsAValidFileWithZeroRows() throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        let path = dir.file("empty.parquet")
        try Self.write([], ParquetTestData.allTypes, to: path)
        let back = try ParquetOutputReference.read(path)
        #expect(back.pyarrow.isEmpty && back.duckdb.isEmpty && back.rowGroups.isEmpty)
        #expect(back.columns.map(\.name) == ParquetTestData.allTypes.names)
        // Also a file with no columns at all (a query that selects nothing).
        let none = dir.file("no-columns.parquet")
        let writer = try ParquetFileWriter(path: none, schema: StructType([]), options: ParquetWriteOptions())
        try writer.close()
        #expect(try ParquetPageLayout(path: none).footer.numRows == 0)
    }

    @Test func smallRowGroupAndPageSizesCutSeveralOfEach() throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 3)
        let rows = data.rows(ParquetTestData.allTypes, count: 30_000)
        var options = ParquetWriteOptions()
        options.rowGroupBytes = 256 << 10
        options.pageBytes = 8 << 10
        options.dictionary = false   // PLAIN pages are cut by their size (dictionary ids are tiny)
        let path = dir.file("groups.parquet")
        try Self.write(rows, ParquetTestData.allTypes, to: path, options: options, batchRows: 1000)
        let back = try ParquetOutputReference.read(path)
        #expect(back.rowGroups.count >= 3)
        #expect(back.rowGroups.reduce(0) { $0 + $1.numRows } == rows.count)
        let expected = ParquetOutputReference.normalized(rows)
        #expect(back.pyarrow == expected)
        #expect(back.duckdb == expected)
        let layout = try ParquetPageLayout(path: path)
        for (g, group) in layout.pages.enumerated() {
            for (c, pages) in group.enumerated() {
                let data = pages.filter { !$0.isDictionary }
                #expect(data.reduce(0) { $0 + $1.numValues } == back.rowGroups[g].numRows, "row group \(g) column \(c)")
                #expect(pages.filter(\.isDictionary).count <= 1 && (pages.first?.isDictionary ?? true || !pages.contains { $0.isDictionary }))
            }
            // (Booleans take a bit per value: 8 KiB pages would need 65,536 rows.)
            #expect(group.enumerated().allSatisfy { $0.offset == 3 || $0.element.count > 2 } || g == layout.pages.count - 1,
                    "row group \(g) has several pages per column: \(group.map(\.count))")
        }
        // The page row limit cuts pages too.
        options = ParquetWriteOptions()
        options.pageRowLimit = 1000
        let limited = dir.file("row-limit.parquet")
        try Self.write(rows, ParquetTestData.allTypes, to: limited, options: options)
        let pages = try ParquetPageLayout(path: limited).pages[0][0].filter { !$0.isDictionary }
        #expect(pages.count == 30 && pages.allSatisfy { $0.numValues == 1000 })
        #expect(try ParquetOutputReference.read(limited).pyarrow == expected)
    }

    @Test(arguments: [ParquetCompression.uncompressed, .snappy, .gzip, .zstd, .lz4Raw])
    func everyCodecReadsBack(_ codec: ParquetCompression) throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        var data = ParquetTestData(seed: 4)
        let rows = data.rows(ParquetTestData.allTypes, count: 3000, distinct: 50)
        var options = ParquetWriteOptions()
        options.compression = codec
        options.pageBytes = 4 << 10
        let path = dir.file("codec.parquet")
        try Self.write(rows, ParquetTestData.allTypes, to: path, options: options)
        let back = try ParquetOutputReference.read(path)
        // pyarrow calls LZ4_RAW (codec 7) "LZ4"; the footer says which it is.
        let names: [ParquetCompression: String] = [.uncompressed: "UNCOMPRESSED", .snappy: "SNAPPY", .gzip: "GZIP", .zstd: "ZSTD", .lz4Raw: "LZ4"]
        #expect(back.rowGroups.flatMap(\.columns).allSatisfy { $0.compression == names[codec] })
        let codecs: [ParquetCompression: CompressionCodec] = [.uncompressed: .uncompressed, .snappy: .snappy, .gzip: .gzip, .zstd: .zstd, .lz4Raw: .lz4Raw]
        #expect(try ParquetPageLayout(path: path).footer.rowGroups.flatMap(\.columns).allSatisfy { $0.metaData?.codec == codecs[codec] })
        let expected = ParquetOutputReference.normalized(rows)
        #expect(back.pyarrow == expected)
        #expect(back.duckdb == expected)
    }

    @Test func dictionaryEncodingAndItsFallbackToPlain() throws {
        let dir = ScratchDir("parquet-write")
        defer { dir.cleanup() }
        let schema = StructType([StructField("k", .long), StructField("s", .string), StructField("x", .double), StructField("d", .date)])
        var data = ParquetTestData(seed: 5)
        // Few distinct values: every column but none falls back.
        let few = data.rows(schema, count: 20_000, distinct: 40)
        let dictionaryPath = dir.file("dictionary.parquet")
        try Self.write(few, schema, to: dictionaryPath)
        var back = try ParquetOutputReference.read(dictionaryPath)
        #expect(back.pyarrow == ParquetOutputReference.normalized(few))
        #expect(back.duckdb == ParquetOutputReference.normalized(few))
        for chunk in back.rowGroups[0].columns {
            #expect(chunk.hasDictionaryPage && chunk.encodings.contains("RLE_DICTIONARY") && !chunk.encodings.contains("PLAIN_DICTIONARY"))
        }
        let dictionaryPages = try ParquetPageLayout(path: dictionaryPath).pages[0]
        #expect(dictionaryPages.allSatisfy { $0.first?.isDictionary == true && $0.dropFirst().allSatisfy { $0.header.dataPageHeader?.encoding == .rleDictionary } })

        // Distinct values until the dictionary passes its limit: the first pages keep their ids,
        // the rest of the chunk is PLAIN.
        var options = ParquetWriteOptions()
        options.dictionaryPageBytes = 16 << 10
        options.pageRowLimit = 500
        let first = data.rows(schema, count: 1000, distinct: 20)
        let many = data.rows(schema, count: 20_000)
        let fallbackPath = dir.file("fallback.parquet")
        try Self.write(first + many, schema, to: fallbackPath, options: options)
        back = try ParquetOutputReference.read(fallbackPath)
        #expect(back.pyarrow == ParquetOutputReference.normalized(first + many))
        #expect(back.duckdb == ParquetOutputReference.normalized(first + many))
        for (c, pages) in try ParquetPageLayout(path: fallbackPath).pages[0].enumerated() {
            let encodings = pages.compactMap { $0.header.dataPageHeader?.encoding }
            #expect(pages.first?.isDictionary == true, "column \(c)")
            #expect(encodings.prefix(2) == [.rleDictionary, .rleDictionary] && encodings.last == .plain, "column \(c): \(encodings)")
            #expect(pages[0].numValues <= (options.dictionaryPageBytes / 4) + 1)
        }

        // Unique values from the start: the first page shows the dictionary does not pay.
        let unique = (0..<5000).map { [Value.long(Int64($0) * 7919), .string("value \($0)"), .double(Double($0) / 3), .date(Int32($0))] }
        let uniquePath = dir.file("unique.parquet")
        try Self.write(unique, schema, to: uniquePath)
        back = try ParquetOutputReference.read(uniquePath)
        #expect(back.pyarrow == ParquetOutputReference.normalized(unique))
        for chunk in back.rowGroups[0].columns { #expect(!chunk.hasDictionaryPage && !chunk.encodings.contains("RLE_DICTIONARY")) }

        // parquet.enable.dictionary = false.
        options = ParquetWriteOptions()
        options.dictionary = false
        let plainPath = dir.file("plain.parquet")
        try Self.write(few, schema, to: plainPath, options: options)
        back = try ParquetOutputReference.read(plainPath)
        #expect(back.pyarrow == ParquetOutputReference.normalized(few))
        for chunk in back.rowGroups[0].columns { #expect(!chunk.hasDictionaryPage && chunk.encodings.contains("PLAIN")) }
    }
}

@Suite struct ParquetWriterLifecycleTests {
    @Test func theWriterCreatesItsFileExclusivelyAndAbortRemovesIt() throws {
        let dir = ScratchDir("parquet-life")
        defer { dir.cleanup() }
        let schema = StructType([StructField("k", .long)])
        let path = dir.write("taken.parquet", "x")
        let taken = #expect(throws: EmberError.self) { try ParquetFileWriter(path: path, schema: schema, options: ParquetWriteOptions()) }
        #expect(taken?.message.contains("already exists") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x", "an existing file is left alone")

        let fresh = dir.file("fresh.parquet")
        let writer = try ParquetFileWriter(path: fresh, schema: schema, options: ParquetWriteOptions())
        try writer.write(.fromRows([[.long(1)]], schema: schema))
        #expect(FileManager.default.fileExists(atPath: fresh))
        writer.abort()
        writer.abort()
        #expect(!FileManager.default.fileExists(atPath: fresh))
        #expect(throws: EmberError.self) { try writer.write(.fromRows([[.long(1)]], schema: schema)) }
    }

    @Test func nullsInANonNullableColumnAndArraysAreRefusedByName() throws {
        let dir = ScratchDir("parquet-life")
        defer { dir.cleanup() }
        let schema = StructType([StructField("ok", .long), StructField("required", .string, nullable: false)])
        let path = dir.file("required.parquet")
        let writer = try ParquetFileWriter(path: path, schema: schema, options: ParquetWriteOptions())
        let error = #expect(throws: EmberError.self) { try writer.write(.fromRows([[.long(1), .string("a")], [.long(2), .null]], schema: schema)) }
        #expect(error?.message.contains("'required'") == true && error?.message.contains("non-nullable") == true)
        writer.abort()
        let arrays = #expect(throws: EmberError.self) {
            try ParquetFileWriter(path: dir.file("arrays.parquet"), schema: StructType([StructField("tags", .array(.string))]), options: ParquetWriteOptions())
        }
        #expect(arrays?.context.contains { $0.value == "tags" } == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func optionsTakeSparksNamesAndValues() throws {
        let options = try ParquetWriteOptions.parse([("COMPRESSION", "GZIP"), ("parquet.compression", "zstd"), ("parquet.block.size", "1048576"),
                                                     ("parquet.page.size", "4096"), ("parquet.enable.dictionary", "false"),
                                                     ("parquet.dictionary.page.size", "2048"), ("parquet.page.row.count.limit", "100")])
        #expect(options.compression == .gzip, "compression wins over parquet.compression")
        #expect(options.rowGroupBytes == 1 << 20 && options.pageBytes == 4096 && !options.dictionary)
        #expect(options.dictionaryPageBytes == 2048 && options.pageRowLimit == 100)
        #expect(try ParquetWriteOptions.parse([("parquet.compression", "lz4_raw")]).compression == .lz4Raw)
        #expect(try ParquetWriteOptions.parse([("compression", "none")]).compression == .uncompressed)
        #expect(try ParquetWriteOptions.parse([("compression", "uncompressed")]).compression == .uncompressed)
        #expect(try ParquetWriteOptions.parse([]) == ParquetWriteOptions())
        #expect(ParquetWriteOptions().compression == .snappy && ParquetWriteOptions().rowGroupBytes == 128 << 20)
        #expect(throws: EmberError.self) { try ParquetWriteOptions.parse([("parquet.enable.dictionary", "yes")]) }
    }
}
