// ScanLimitTests: a string column's offsets are Int32, so scans keep every batch's string bytes in
// bounds: a CSV, JSON or text line longer than the limit (2 GiB − 1, lowered here) is an error
// naming the file and line, plain or compressed; line scans cut batches before their strings pass
// `batchStringBytes`; Parquet cuts batches by the string bytes its columns accumulate, for PLAIN,
// dictionary and DELTA encodings. Limits are lowered through SessionConfig, so no test writes GiBs.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct ScanLimitTests {
    static func session(maxLineBytes: Int = ScanLimits.maxStringBytes, batchStringBytes: Int = 64 << 20) throws -> Session {
        try Session(config: testConfig(executors: 1, cores: 2) { config in
            config.maxLineBytes = maxLineBytes
            config.scanBatchStringBytes = batchStringBytes
        })
    }

    /// The string bytes of a batch's largest string column.
    static func stringBytes(_ batch: ColumnarBatch) -> Int {
        batch.columns.map { column -> Int in
            if case .string(let s) = column.values { return s.bytes.count }
            return 0
        }.max() ?? 0
    }

    @Test func aLineLongerThanTheLimitFailsNamingFileAndLine() throws {
        let dir = ScratchDir("line-limit")
        defer { dir.cleanup() }
        let long = String(repeating: "x", count: 1500)
        let fine = String(repeating: "y", count: 999)
        let csv = dir.write("a.csv", "id,s\n1,\(fine)\n2,b\n3,\(long)\n4,c\n")
        let json = dir.write("a.json", "{\"s\": \"a\"}\n{\"s\": \"\(long)\"}\n")
        let text = dir.write("a.txt", "a\n\nb\n\(long)")   // the last line has no \n
        let gzipped = dir.write("b.csv", "id,s\n" + (1...3000).map { "\($0),v" }.joined(separator: "\n") + "\n9,\(long)\n")
        let (status, _, _) = try runProgram("/usr/bin/gzip", [gzipped])
        #expect(status == 0)
        let session = try Self.session(maxLineBytes: 1006)
        defer { session.stop() }
        // The 1000-byte line (1006 bytes with "1,") is within the limit.
        #expect(try session.read.option("header", true).csv(dir.write("ok.csv", "id,s\n1,\(fine)\n")).collect().count == 1)
        let cases: [(path: String, line: Int, read: () throws -> Int64)] = [
            (csv, 4, { try session.read.option("header", true).schema("id BIGINT, s STRING").csv(csv).count() }),
            (csv, 4, { try session.read.option("header", true).option("inferSchema", true).csv(csv).count() }),
            (json, 2, { try session.read.schema("s STRING").json(json).count() }),
            (text, 4, { try session.read.text(text).count() }),
            (gzipped + ".gz", 3002, { try session.read.option("header", true).schema("id BIGINT, s STRING").csv(gzipped + ".gz").count() }),
        ]
        for c in cases {
            let error = scanCaughtError { _ = try c.read() }
            #expect(error?.message == "a line longer than 1006 bytes", "\(c.path): \(String(describing: error))")
            #expect(error?.context("file") == c.path && error?.context("line") == String(c.line), "\(String(describing: error))")
        }
        // Found while the buffer grows, before it holds more than the limit.
        let longer = dir.write("growing.txt", "a\nb\n" + String(repeating: "z", count: 20_000) + "\nc\n")
        let reader = try LineReader(split: scanWholeSplit(longer), chunkSize: 4096, maxLineBytes: 5000)
        let error = scanCaughtError { while try reader.next() != nil {} }
        #expect(error?.message == "a line longer than 5000 bytes" && error?.context("line") == "3", "\(String(describing: error))")
    }

    @Test func lineScansCutBatchesBeforeTheirStringsPassTheLimit() throws {
        let dir = ScratchDir("line-batches")
        defer { dir.cleanup() }
        var lines: [String] = []
        for i in 0..<200 { lines.append("\(i)," + String(repeating: "s", count: (i * 37) % 400)) }
        lines.insert("big," + String(repeating: "B", count: 2500), at: 77)   // alone over the limit
        let csv = dir.write("a.csv", lines.joined(separator: "\n") + "\n")
        let split = try scanWholeSplit(csv)
        let limits = ScanLimits(batchStringBytes: 1000)
        var csvRows = 0
        var batches = 0
        try CSVScanner.scan(split, options: CSVOptions(), dataSchema: StructType([StructField("a", .string), StructField("b", .string)]),
                            requiredColumns: [0, 1], limits: limits) { batch in
            batches += 1
            csvRows += batch.numRows
            #expect(Self.stringBytes(batch) <= 1000 || batch.numRows == 1, "\(batch.numRows) rows, \(Self.stringBytes(batch)) bytes")
        }
        #expect(csvRows == 201 && batches > 20)
        var textRows: [String] = []
        try TextScanner.scan(split, limits: limits) { batch in
            #expect(Self.stringBytes(batch) <= 1000 || batch.numRows == 1)
            textRows += batch.rows.map { $0[0].stringValue ?? "" }
        }
        #expect(textRows == lines)
        let json = dir.write("a.json", lines.map { "{\"s\": \"\($0)\"}" }.joined(separator: "\n"))
        var scan = FileScan(paths: [json], format: try jsonFormat(), dataSchema: StructType([StructField("s", .string)]), splits: [])
        scan.limits = limits
        var metrics = TaskMetrics()
        var jsonRows: [String] = []
        try JSONSource.scan(try scanWholeSplit(json), scan, metrics: &metrics) { batch in
            #expect(Self.stringBytes(batch) <= 1000 || batch.numRows == 1)
            jsonRows += batch.rows.map { $0[0].stringValue ?? "" }
        }
        #expect(jsonRows == lines)
        // Through a session: the same rows with the limit lowered.
        let session = try Self.session(batchStringBytes: 1000)
        defer { session.stop() }
        #expect(try session.read.text(csv).collect().map { $0.values[0].stringValue ?? "" } == lines)
    }

    /// Writes `rows` of (id, s) with Ember's Parquet writer.
    static func writeParquet(_ path: String, _ rows: [[Value]], dictionary: Bool) throws {
        var options = ParquetWriteOptions()
        options.dictionary = dictionary
        options.compression = .uncompressed
        options.dictionaryPageBytes = 4 << 20
        let schema = StructType([StructField("id", .long), StructField("s", .string)])
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        try writer.write(ColumnarBatch.fromRows(rows, schema: schema))
        try writer.close()
    }

    /// Scans a Parquet file in-process with a string-bytes limit, checking every batch.
    static func scanParquet(_ path: String, limit: Int, slack: Int) throws -> (rows: [[Value]], batches: Int) {
        let split = try scanWholeSplit(path)
        var scan = FileScan(paths: [path], format: .parquet(ParquetOptions()), dataSchema: StructType([StructField("id", .long), StructField("s", .string)]),
                            splits: [split])
        scan.limits = ScanLimits(batchStringBytes: limit)
        var metrics = TaskMetrics()
        var rows: [[Value]] = []
        var batches = 0
        try ParquetSource.scan(split, scan, metrics: &metrics) { batch in
            batches += 1
            #expect(Self.stringBytes(batch) <= limit + slack, "\(batch.numRows) rows, \(Self.stringBytes(batch)) bytes")
            rows += batch.rows
        }
        return (rows, batches)
    }

    @Test func parquetCutsBatchesByStringBytes() throws {
        let dir = ScratchDir("parquet-batch-bytes")
        defer { dir.cleanup() }
        // 60 values of 10–60 KB: ~2 MB of strings, a few per batch under a 200 KB limit.
        var rng = SeededRandom(seed: 4)
        let rows: [[Value]] = (0..<60).map { i in
            let size = Int.random(in: 10_000...60_000, using: &rng)
            return [.long(Int64(i)), i % 9 == 4 ? .null : .string(String(repeating: Character(UnicodeScalar(UInt8(65 + i % 26))), count: size))]
        }
        let plain = dir.file("plain.parquet"), dictionary = dir.file("dict.parquet")
        try Self.writeParquet(plain, rows, dictionary: false)
        // Six distinct values repeated: dictionary-encoded, each batch bounded by the longest entry.
        let repeated = rows.map { [$0[0], $0[1].isNull ? .null : .string(String(repeating: "d", count: 30_000 + Int($0[0].longValue! % 6) * 5000))] }
        try Self.writeParquet(dictionary, repeated, dictionary: true)
        // A dictionary's bound is exact; PLAIN's (the page's bytes left) is shared out by rows.
        for (path, expected, slack) in [(plain, rows, 60_000), (dictionary, repeated, 0)] {
            let (got, batches) = try Self.scanParquet(path, limit: 200_000, slack: slack)
            #expect(got == expected, "\(path)")
            #expect(batches >= 10, "\(path): \(batches) batches")
        }
        // Through a session with the limit lowered: the same rows.
        let session = try Self.session(batchStringBytes: 200_000)
        defer { session.stop() }
        let back = try session.read.parquet(plain).collect().map(\.values).sorted { $0[0].longValue! < $1[0].longValue! }
        #expect(back == rows)
    }

    static let deltaScript = #"""
import pyarrow as pa, pyarrow.parquet as pq, sys
n = 80
# Long shared prefixes: DELTA_BYTE_ARRAY stores each value as a prefix length and a short suffix.
s = ["p" * 20000 + "%05d" % i if i % 7 else None for i in range(n)]
t = pa.table({"id": pa.array(range(n), pa.int64()), "s": pa.array(s)})
pq.write_table(t, sys.argv[1] + "/delta.parquet", use_dictionary=False, compression="none",
               column_encoding={"s": "DELTA_BYTE_ARRAY"})
pq.write_table(t, sys.argv[1] + "/length.parquet", use_dictionary=False, compression="none",
               column_encoding={"s": "DELTA_LENGTH_BYTE_ARRAY"})
"""#

    @Test(.enabled(if: ParquetReference.python != nil, "needs pyarrow (scripts/ensure-duckdb)"))
    func parquetDeltaEncodedStringsAreCutToo() throws {
        let dir = ScratchDir("parquet-delta-bytes")
        defer { dir.cleanup() }
        try ParquetReference.run(Self.deltaScript, in: dir.path, [dir.path])
        let expected: [[Value]] = (0..<80).map { i in [.long(Int64(i)), i % 7 == 0 ? .null : .string(String(repeating: "p", count: 20000) + String(format: "%05d", i))] }
        // DELTA_BYTE_ARRAY's bound is per value (the last value and the suffixes left): exact;
        // DELTA_LENGTH's is the page's bytes left, a share of which can pass by a value.
        for (name, slack) in [("delta.parquet", 0), ("length.parquet", 20_005)] {
            let (got, batches) = try Self.scanParquet(dir.file(name), limit: 100_000, slack: slack)
            #expect(got == expected, "\(name)")
            #expect(batches >= 13, "\(name): \(batches) batches")   // 68 values of 20 KB
        }
    }
}
