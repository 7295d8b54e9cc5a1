// CSVWriterTests: the CSV writer's quoting and header, and a single output file's atomic commit and
// overwrite rules (SingleFileOutput over the CSV writer).

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct CSVWriterTests {
    static let schema = StructType([
        StructField("s", .string), StructField("l", .long), StructField("d", .double), StructField("b", .boolean),
        StructField("dt", .date), StructField("ts", .timestamp),
    ])

    static let rows: [[Value]] = [
        [.string("plain"), .long(1), .double(1.5), .boolean(true), .date(0), .timestamp(1_500_000)],
        [.string("a,b"), .long(-9_223_372_036_854_775_808), .double(1e20), .boolean(false), .date(19_000), .timestamp(-1)],
        [.string("say \"hi\""), .null, .double(-0.0), .null, .null, .null],
        [.string(""), .long(0), .double(.infinity), .boolean(true), .date(-1), .timestamp(0)],
        [.null, .long(42), .null, .boolean(false), .date(1), .timestamp(86_400_000_000)],
        [.string("é €"), .long(7), .double(0.001), .boolean(true), .date(2), .timestamp(123)],
    ]

    @Test func quotingAndRoundTrip() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = dir.file("out.csv")
        let writer = try SingleFileOutput(path: path, format: .csv(withHeader), schema: Self.schema, overwrite: false)
        try writer.write(ColumnarBatch.fromRows(Array(Self.rows.prefix(2)), schema: Self.schema))
        try writer.write(ColumnarBatch.fromRows(Array(Self.rows.dropFirst(2)), schema: Self.schema))
        #expect(!FileManager.default.fileExists(atPath: path))     // nothing visible before commit
        try writer.commit()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == #"""
            s,l,d,b,dt,ts
            plain,1,1.5,true,1970-01-01,1970-01-01 00:00:01.5
            "a,b",-9223372036854775808,1.0E20,false,2022-01-08,1969-12-31 23:59:59.999999
            "say ""hi""",,-0.0,,,
            "",0,Infinity,true,1969-12-31,1970-01-01 00:00:00
            ,42,,false,1970-01-02,1970-01-02 00:00:00
            é €,7,0.001,true,1970-01-03,1970-01-01 00:00:00.000123

            """#)
        #expect(dir.entries() == ["out.csv"])

        var options = CSVOptions()
        options.header = true
        let back = try scanCSVRows(try scanWholeSplit(path), options, Self.schema)
        let expected = Self.rows.map { $0.map { $0 == .string("") ? Value.null : $0 } }   // "" reads as null (nullValue "")
        #expect(back == expected)

        // Embedded newlines are quoted (one record per line on reading, as Spark's default).
        let multi = dir.file("multi.csv")
        let w2 = try SingleFileOutput(path: multi, format: .csv(withHeader), schema: StructType([StructField("x", .string)]), overwrite: false)
        try w2.write(ColumnarBatch.fromRows([[.string("a\nb")], [.string("c\rd")]], schema: StructType([StructField("x", .string)])))
        try w2.commit()
        #expect(try String(contentsOfFile: multi, encoding: .utf8) == "x\n\"a\nb\"\n\"c\rd\"\n")
    }

    @Test func optionsAndLargeOutput() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var options = withHeader
        options.header = false
        options.delimiter = UInt8(ascii: "-")
        options.nullValue = "NULL"
        let schema = StructType([StructField("l", .long), StructField("s", .string), StructField("a", .array(.long))])
        let path = dir.file("dash.csv")
        let writer = try SingleFileOutput(path: path, format: .csv(options), schema: schema, overwrite: false)
        try writer.write(ColumnarBatch.fromRows([[.long(-5), .string("a-b"), .array([.long(1), .long(2)])],
                                                 [.null, .null, .null]], schema: schema))
        // Enough rows to flush several chunks.
        let many = (0..<100_000).map { [Value.long(Int64($0)), .string("row \($0)"), .array([])] }
        try writer.write(ColumnarBatch.fromRows(many, schema: schema))
        try writer.commit()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "\"-5\"-\"a-b\"-[1, 2]")
        #expect(lines[1] == "NULL-NULL-NULL")
        #expect(lines[2] == "0-row 0-[]")
        #expect(lines[100_001] == "99999-row 99999-[]")
        #expect(lines.count == 100_003 && lines.last == "")
    }

    /// Cells of every length around the 16 bytes copied as two words, in rows of several columns,
    /// against the rows joined by hand.
    @Test func cellsOfEveryLengthKeepTheirBytes() {
        var rng = SeededRandom(seed: 11)
        let schema = StructType([StructField("a", .string), StructField("b", .string), StructField("c", .long)])
        var a: [String] = [], b: [String] = [], c: [Int64] = []
        for i in 0..<3000 {
            a.append(String(repeating: "x", count: i % 41))
            b.append(String((0..<Int.random(in: 0...20, using: &rng)).map { _ in "abcdefghij".randomElement(using: &rng)! }))
            c.append(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng))
        }
        let batch = ColumnarBatch(schema: schema, columns: [ColumnVector(.string(StringArray(a))), ColumnVector(.string(StringArray(b))),
                                                            ColumnVector(.long(c))], numRows: a.count)
        let renderer = CSVCellRenderer(delimiter: UInt8(ascii: ";"), nullValue: "")
        let out = OutputBuffer(capacity: 8)
        renderer.appendRows(batch, to: out)
        func cell(_ s: String) -> String { s.isEmpty ? "\"\"" : s }   // an empty string is quoted, as Spark writes it
        let expected = (0..<a.count).map { "\(cell(a[$0]));\(cell(b[$0]));\(c[$0])\n" }.joined()
        #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
    }

    @Test func valueTextMatchesPlannerFormatting() {
        var rng = SeededRandom(seed: 7)
        let out = OutputBuffer(capacity: 8)
        func text(_ append: (OutputBuffer) -> Void) -> String {
            out.removeAll()
            append(out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        var doubles: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1, 1e7, 9_999_999.999, 1e-3, 0.000999, 123_456_789,
                                 1e16, 1e-5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 100, 1234567.0, 12345678.9]
        for _ in 0..<20_000 {
            doubles.append(Double(bitPattern: rng.next()))
            doubles.append(Double(Int64.random(in: -10_000_000...10_000_000, using: &rng)) / [1, 10, 100, 1000, 1e6].randomElement(using: &rng)!)
            // Sums of prices: mostly short decimals, some a rounding error away from one (0.1 + 0.2).
            doubles.append(Double(Int64.random(in: 0...99_999, using: &rng)) / 100 + Double(Int64.random(in: 0...99_999, using: &rng)) / 100)
        }
        for d in doubles { #expect(text { $0.appendDouble(d) } == formatDouble(d), "\(d)") }
        for v in [Int64.min, .max, 0, -1, 10, 999] + (0..<1000).map({ _ in Int64.random(in: .min ... .max, using: &rng) }) {
            #expect(text { $0.appendLong(v) } == String(v))
        }
        for days in [Int32(0), -1, -719_162, 2_932_896, -800_000] + (0..<2000).map({ _ in Int32.random(in: -1_000_000...3_000_000, using: &rng) }) {
            #expect(text { $0.appendDate(days) } == formatDate(days))
        }
        for micros in [Int64(0), -1, 1, 1_500_000, -86_400_000_001] + (0..<2000).map({ _ in Int64.random(in: -60_000_000_000_000_000...250_000_000_000_000_000, using: &rng) }) {
            #expect(text { $0.appendTimestamp(micros) } == formatTimestamp(micros))
        }
    }

    @Test func refusesExistingPathUnlessOverwrite() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("exists.csv", "old\n")
        let schema = StructType([StructField("x", .long)])
        let error = scanCaughtError { _ = try SingleFileOutput(path: path, format: .csv(withHeader), schema: schema, overwrite: false) }
        #expect(error?.code == .output)
        #expect(error?.message == "output path already exists")
        #expect(error?.context("path") == path)
        #expect(error?.hint?.contains("overwrite") == true)

        let writer = try SingleFileOutput(path: path, format: .csv(withHeader), schema: schema, overwrite: true)
        try writer.write(ColumnarBatch.fromRows([[.long(1)]], schema: schema))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        try writer.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x\n1\n")
        #expect(dir.entries() == ["exists.csv"])

        // The path appears between init and commit: commit without overwrite refuses to replace it.
        let late = dir.file("late.csv")
        let w2 = try SingleFileOutput(path: late, format: .csv(withHeader), schema: schema, overwrite: false)
        try dir.write("late.csv", "someone else\n")
        #expect(scanCaughtError { try w2.commit() }?.message == "output path already exists")
        #expect(try String(contentsOfFile: late, encoding: .utf8) == "someone else\n")
        #expect(dir.entries() == ["exists.csv", "late.csv"])

        let noDir = scanCaughtError { _ = try SingleFileOutput(path: dir.file("missing/out.csv"), format: .csv(withHeader), schema: schema, overwrite: true) }
        #expect(noDir?.code == .output)
        #expect(noDir?.message.contains("directory does not exist") == true)
    }

    @Test func theWriterCreatesItsFileExclusivelyAndAbortRemovesIt() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let schema = StructType([StructField("x", .long)])
        let taken = try dir.write("taken.csv", "old\n")
        #expect(scanCaughtError { _ = try CSVFileWriter(path: taken, schema: schema, options: withHeader) }?.message == "output path already exists")
        #expect(try String(contentsOfFile: taken, encoding: .utf8) == "old\n")
        let path = dir.file("part.csv")
        let writer = try CSVFileWriter(path: path, schema: schema, options: withHeader)
        try writer.write(ColumnarBatch.fromRows([[.long(1)], [.null]], schema: schema))
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x\n1\n\n")
        #expect(writer.bytesWritten == 5)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o644 & OutputPath.defaultFileMode())
        let empty = try CSVFileWriter(path: dir.file("empty.csv"), schema: schema, options: withHeader)
        try empty.close()
        #expect(try String(contentsOfFile: dir.file("empty.csv"), encoding: .utf8) == "x\n", "an empty file keeps its header")
        let aborted = try CSVFileWriter(path: dir.file("gone.csv"), schema: schema, options: withHeader)
        try aborted.write(ColumnarBatch.fromRows([[.long(1)]], schema: schema))
        aborted.abort()
        aborted.abort()
        #expect(!FileManager.default.fileExists(atPath: dir.file("gone.csv")))
    }

    @Test func abortAndDropLeaveNothing() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let schema = StructType([StructField("x", .long)])
        let path = dir.file("out.csv")
        let writer = try SingleFileOutput(path: path, format: .csv(withHeader), schema: schema, overwrite: false)
        try writer.write(ColumnarBatch.fromRows([[.long(1)]], schema: schema))
        #expect(dir.entries().count == 1)   // the hidden temp file
        #expect(try FileSplitter.splits(paths: [dir.path], targetSplitBytes: 100, minSplits: 1).isEmpty)
        writer.abort()
        writer.abort()
        #expect(dir.entries().isEmpty)
        #expect(scanCaughtError { try writer.write(ColumnarBatch.fromRows([[.long(2)]], schema: schema)) } != nil)
        #expect(scanCaughtError { try writer.commit() } != nil)
        #expect(dir.entries().isEmpty)

        do {
            let dropped = try SingleFileOutput(path: path, format: .csv(withHeader), schema: schema, overwrite: false)
            try dropped.write(ColumnarBatch.fromRows([[.long(1)]], schema: schema))
            #expect(dir.entries().count == 1)
        }
        #expect(dir.entries().isEmpty)
    }
}

/// Writer options with a header line (Spark's default is no header).
private let withHeader: CSVWriteOptions = {
    var o = CSVWriteOptions()
    o.header = true
    return o
}()

