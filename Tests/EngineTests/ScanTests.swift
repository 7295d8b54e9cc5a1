// ScanTests: file splitting, line reading, text and CSV scans (against a naive reference over
// seeded random files), parse modes, schema inference and the CSV writer.

import Foundation
import Testing
@testable import Executor
import Planner

// MARK: - Helpers

/// A fresh temporary directory, removed by `cleanup()`.
struct ScanDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "ember-scan-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func scanFileLength(_ path: String) throws -> Int64 {
    Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64)
}

func scanWholeSplit(_ path: String) throws -> FileSplit {
    let n = try scanFileLength(path)
    return FileSplit(path: path, start: 0, length: n, fileLength: n)
}

/// Consecutive splits of `size` bytes (the last one shorter).
func scanSplits(of path: String, size: Int64) throws -> [FileSplit] {
    let n = try scanFileLength(path)
    return stride(from: Int64(0), to: max(n, 1), by: Int(size)).map {
        FileSplit(path: path, start: $0, length: min(size, n - $0), fileLength: n)
    }
}

func scanTextRows(_ split: FileSplit, batchSize: Int = 5) throws -> [String] {
    var out: [String] = []
    try TextScanner.scan(split, batchSize: batchSize) { batch in
        #expect(batch.numRows <= batchSize)
        out += batch.rows.map { $0[0].stringValue! }
    }
    return out
}

func scanCSVRows(_ split: FileSplit, _ options: CSVOptions, _ schema: StructType, columns: [Int]? = nil,
             batchSize: Int = 7) throws -> [[Value]] {
    var out: [[Value]] = []
    try CSVScanner.scan(split, options: options, dataSchema: schema, requiredColumns: columns ?? Array(schema.fields.indices),
                        batchSize: batchSize) { batch in
        #expect(batch.numRows <= batchSize)
        #expect(batch.columns.allSatisfy { $0.count == batch.numRows })
        out += batch.rows
    }
    return out
}

/// Naive reference lines: split on "\n", drop the empty piece after a final "\n", strip one "\r".
func scanReferenceLines(_ bytes: [UInt8]) -> [String] {
    var pieces = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    if bytes.last == UInt8(ascii: "\n") || bytes.isEmpty { pieces.removeLast() }
    return pieces.map { p in String(decoding: p.last == 0x0D ? Array(p.dropLast()) : p, as: UTF8.self) }
}

/// Naive reference CSV tokenizer for well-formed lines: (field, wasQuoted) pairs.
func scanReferenceFields(_ line: String) -> [(String, Bool)] {
    var fields: [(String, Bool)] = []
    var chars = Array(line)[...]
    while true {
        if chars.first == "\"" {
            chars = chars.dropFirst()
            var value = ""
            while let c = chars.first {
                if (c == "\\" || c == "\"") && chars.dropFirst().first == "\"" {
                    value.append("\"")
                    chars = chars.dropFirst(2)
                } else if c == "\"" {
                    chars = chars.dropFirst()
                    break
                } else {
                    value.append(c)
                    chars = chars.dropFirst()
                }
            }
            fields.append((value, true))
        } else {
            let end = chars.firstIndex(of: ",") ?? chars.endIndex
            fields.append((String(chars[..<end]), false))
            chars = chars[end...]
        }
        guard chars.first == "," else { return fields }
        chars = chars.dropFirst()
    }
}

func scanCaughtError(_ body: () throws -> Void) -> EmberError? {
    do {
        try body()
        return nil
    } catch let error as EmberError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

// MARK: - Random CSV against the reference

@Suite struct CSVRandomTests {
    static let schema = StructType([
        StructField("s", .string), StructField("l", .long), StructField("d", .double), StructField("b", .boolean),
        StructField("dt", .date), StructField("ts", .timestamp),
    ])

    /// A random file and the values it encodes.
    static func randomFile(seed: UInt64, rows: Int) -> (text: String, expected: [[Value]]) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("abcXYZ019 ,\"'|;é€\t")
        var text = "s,l,d,b,dt,ts\n"
        var expected: [[Value]] = []
        for _ in 0..<rows {
            var fields: [String] = []
            var row: [Value] = []
            // string
            if Int.random(in: 0..<8, using: &rng) == 0 {
                fields.append(Bool.random(using: &rng) ? "" : "\"\"")
                row.append(.null)
            } else {
                let s = String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                let mustQuote = s.contains(",") || s.contains("\"")
                if mustQuote || Int.random(in: 0..<5, using: &rng) == 0 {
                    let escaped = Bool.random(using: &rng) ? "\"\"" : "\\\""
                    fields.append("\"" + s.replacingOccurrences(of: "\"", with: escaped) + "\"")
                } else {
                    fields.append(s)
                }
                row.append(.string(s))
            }
            // long
            if Int.random(in: 0..<10, using: &rng) == 0 { fields.append(""); row.append(.null) } else {
                let v: Int64 = [Int64.min, Int64.max, 0, -1].randomElement(using: &rng)!
                let l = Int.random(in: 0..<4, using: &rng) == 0 ? v : Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)
                fields.append(Int.random(in: 0..<4, using: &rng) == 0 ? "\"\(l)\"" : "\(l)")
                row.append(.long(l))
            }
            // double
            if Int.random(in: 0..<10, using: &rng) == 0 { fields.append(""); row.append(.null) } else {
                let d: Double
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &rng) ? 1 : -1)
                case 1: d = Double(Int.random(in: -100_000...100_000, using: &rng)) / 100
                case 2: d = [Double.infinity, -Double.infinity, 0, -0.0, Double.leastNonzeroMagnitude, Double(bitPattern: 3), Double.greatestFiniteMagnitude].randomElement(using: &rng)!
                default: d = Double.random(in: -1e6...1e6, using: &rng)
                }
                fields.append(Bool.random(using: &rng) ? formatDouble(d) : (d.isInfinite ? formatDouble(d) : "\(d)"))
                row.append(.double(d))
            }
            // boolean
            if Int.random(in: 0..<10, using: &rng) == 0 { fields.append(""); row.append(.null) } else {
                let b = Bool.random(using: &rng)
                fields.append([b ? "true" : "false", b ? "TRUE" : "False"].randomElement(using: &rng)!)
                row.append(.boolean(b))
            }
            // date
            if Int.random(in: 0..<10, using: &rng) == 0 { fields.append(""); row.append(.null) } else {
                let days = Int32.random(in: -700_000...2_900_000, using: &rng)
                fields.append(formatDate(days))
                row.append(.date(days))
            }
            // timestamp
            if Int.random(in: 0..<10, using: &rng) == 0 { fields.append(""); row.append(.null) } else {
                let micros = Int64.random(in: -60_000_000_000_000_000...250_000_000_000_000_000, using: &rng)
                let t = formatTimestamp(micros)
                fields.append(Bool.random(using: &rng) ? t : t.replacingOccurrences(of: " ", with: "T"))
                row.append(.timestamp(micros))
            }
            text += fields.joined(separator: ",") + (Bool.random(using: &rng) ? "\r\n" : "\n")
            expected.append(row)
        }
        return (text, expected)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomFileMatchesReference(seed: UInt64) throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let (text, truth) = Self.randomFile(seed: seed, rows: 400)
        let path = try dir.write("data.csv", text)

        // The naive reference parser agrees with the generator's truth…
        let reference: [[Value]] = scanReferenceLines(Array(text.utf8)).dropFirst().map { line in
            scanReferenceFields(line).enumerated().map { c, field in
                let (value, quoted) = field
                if value.isEmpty { _ = quoted; return .null }
                switch Self.schema.fields[c].dataType {
                case .string: return .string(value)
                case .long: return .long(Int64(value)!)
                case .double: return .double(Double(value.replacingOccurrences(of: "E", with: "e")) ?? 0)
                case .boolean: return .boolean(value.lowercased() == "true")
                case .date: return .date(scanParse(value, ValueParsers.parseDate)!)
                case .timestamp: return .timestamp(scanParse(value, ValueParsers.parseTimestamp)!)
                case .array: return .null
                }
            }
        }
        #expect(reference == truth)

        // …and so does the scanner, over the whole file and over many splits.
        var options = CSVOptions()
        options.header = true
        let whole = try scanCSVRows(try scanWholeSplit(path), options, Self.schema)
        #expect(whole == truth)
        for size in [97, 1024] as [Int64] {
            let parts = try scanSplits(of: path, size: size).flatMap { try scanCSVRows($0, options, Self.schema) }
            #expect(parts == truth)
        }

        // Column pruning: only the required columns, in the requested order.
        let pruned = try scanCSVRows(try scanWholeSplit(path), options, Self.schema, columns: [5, 0, 1])
        #expect(pruned == truth.map { [$0[5], $0[0], $0[1]] })
        let none = try scanCSVRows(try scanWholeSplit(path), options, Self.schema, columns: [])
        #expect(none.count == truth.count)
    }
}

/// Applies a byte parser to the UTF-8 bytes of `text`.
func scanParse<T>(_ text: String, _ parser: (UnsafeRawBufferPointer) -> T) -> T {
    Array(text.utf8).withUnsafeBytes { parser($0) }
}

// MARK: - Splits: every line exactly once

@Suite struct FileSplitTests {
    static func randomLines(seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        var bytes: [UInt8] = []
        for i in 0..<300 {
            let length = [0, 0, 1, 2, 5, 20, 200].randomElement(using: &rng)!
            bytes += (0..<length).map { _ in UInt8.random(in: 0x21...0x7E, using: &rng) }
            if i == 299 && Bool.random(using: &rng) { break }     // sometimes no final newline
            bytes += Bool.random(using: &rng) ? [0x0D, 0x0A] : [0x0A]
        }
        return bytes
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func textSplitsCoverEveryLineOnce(seed: UInt64) throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let bytes = Self.randomLines(seed: seed)
        let path = try dir.write("lines.txt", bytes)
        let expected = scanReferenceLines(bytes)
        #expect(try scanTextRows(try scanWholeSplit(path)) == expected)
        for size in [1, 2, 3, 4, 7, 16, 100, 999, 5000, Int64(bytes.count)] as [Int64] {
            let got = try scanSplits(of: path, size: size).flatMap { try scanTextRows($0) }
            #expect(got == expected, "split size \(size)")
        }
        // Random cut points (ranges ending mid-line, mid-CRLF…).
        var rng = SeededRandom(seed: seed &* 31)
        for _ in 0..<20 {
            let n = Int64(bytes.count)
            let cuts = ([0, n] + (0..<Int.random(in: 1...40, using: &rng)).map { _ in Int64.random(in: 0...n, using: &rng) })
            let sorted = Array(Set(cuts)).sorted()
            var got: [String] = []
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                got += try scanTextRows(FileSplit(path: path, start: a, length: b - a, fileLength: n))
            }
            #expect(got == expected)
        }
        // Small chunks force buffer refills and growth for long lines.
        var fromSmallChunks: [String] = []
        let reader = try LineReader(split: try scanWholeSplit(path), chunkSize: 16)
        try reader.forEachLine { line, _ in
            fromSmallChunks.append(String(decoding: line, as: UTF8.self))
            return true
        }
        #expect(fromSmallChunks == expected)
    }

    @Test func csvSplitsWithHeaderAndComments() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var text = "id,name\n"
        for i in 0..<500 {
            if i % 50 == 7 { text += "# a comment, \"quoted\"\n" }
            if i % 40 == 3 { text += "   \n\n" }
            text += "\(i),\"n,\(i)\"\(i % 3 == 0 ? "\r\n" : "\n")"
        }
        let path = try dir.write("data.csv", text)
        var options = CSVOptions()
        options.header = true
        options.comment = UInt8(ascii: "#")
        let schema = StructType([StructField("id", .long), StructField("name", .string)])
        let expected: [[Value]] = (0..<500).map { [.long(Int64($0)), .string("n,\($0)")] }
        #expect(try scanCSVRows(try scanWholeSplit(path), options, schema) == expected)
        for size in [1, 2, 5, 8, 9, 64, 333, 4096] as [Int64] {
            let got = try scanSplits(of: path, size: size).flatMap { try scanCSVRows($0, options, schema) }
            #expect(got == expected, "split size \(size)")
        }
        let planned = try FileSplitter.splits(paths: [path], targetSplitBytes: 100, minSplits: 4)
        #expect(planned.count > 10)
        #expect(try planned.flatMap { try scanCSVRows($0, options, schema) } == expected)
    }

    @Test func headerAfterBlankLinesAndByteOrderMark() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var options = CSVOptions()
        options.header = true
        options.comment = UInt8(ascii: "#")
        options.inferSchema = true
        let schema = StructType([StructField("h1", .long), StructField("h2", .string)])
        let expected: [[Value]] = [[.long(1), .string("a")], [.long(2), .string("b")]]
        for text in ["\n\n# c\n  \nh1,h2\n1,a\n\n2,b\n", "\u{FEFF}h1,h2\r\n1,a\r\n2,b\r\n"] {
            let path = try dir.write("h.csv", text)
            #expect(try CSVSchemaInference.inferSchema(paths: [path], options: options) == schema)
            for size in [1, 2, 3, 6, 100] as [Int64] {
                let got = try scanSplits(of: path, size: size).flatMap { try scanCSVRows($0, options, schema) }
                #expect(got == expected, "split size \(size)")
            }
        }
    }

    @Test(arguments: [ParseMode.permissive, .dropMalformed])
    func garbageFilesScanTheSameInSplits(mode: ParseMode) throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var rng = SeededRandom(seed: 2024)
        let alphabet = Array("a1,\"\\\r\n -.#".utf8)
        var options = CSVOptions()
        options.header = true
        options.mode = mode
        options.comment = UInt8(ascii: "#")
        let schema = StructType([StructField("s", .string), StructField("l", .long), StructField("d", .double)])
        for round in 0..<20 {
            let bytes = (0..<Int.random(in: 0...600, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let path = try dir.write("g\(round).csv", bytes)
            let whole = try scanCSVRows(try scanWholeSplit(path), options, schema)
            for size in [1, 3, 17] as [Int64] {
                #expect(try scanSplits(of: path, size: size).flatMap { try scanCSVRows($0, options, schema) } == whole)
            }
        }
    }

    @Test func splitterCoversFilesContiguously() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        try dir.write("b.csv", String(repeating: "x\n", count: 5000))
        try dir.write("a.csv", String(repeating: "yy\n", count: 10))
        try dir.write("empty.csv", "")
        try dir.write(".hidden.csv", "h\n")
        try dir.write("_SUCCESS", "")
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: true)
        let splits = try FileSplitter.splits(paths: [dir.path], targetSplitBytes: 1000, minSplits: 2)
        #expect(Array(Set(splits.map { ($0.path as NSString).lastPathComponent })).sorted() == ["a.csv", "b.csv"])
        #expect(splits.first?.path == dir.file("a.csv"))
        for (path, length) in [(dir.file("a.csv"), Int64(30)), (dir.file("b.csv"), Int64(10000))] {
            let mine = splits.filter { $0.path == path }
            #expect(mine.first?.start == 0)
            #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.end == $1.start })
            #expect(mine.last?.end == length)
            #expect(mine.allSatisfy { $0.fileLength == length && $0.length > 0 && $0.length <= 1100 })
        }
        // Spark's rule: min(target, max(openCost, total / parallelism)).
        #expect(FileSplitter.maxSplitBytes(fileLengths: [1 << 30], targetSplitBytes: 128 << 20, minSplits: 2) == 128 << 20)
        #expect(FileSplitter.maxSplitBytes(fileLengths: [100 << 20], targetSplitBytes: 128 << 20, minSplits: 8)
                == ((100 << 20) + (4 << 20)) / 8)
        #expect(FileSplitter.maxSplitBytes(fileLengths: [1000], targetSplitBytes: 128 << 20, minSplits: 8) == 4 << 20)
        let big = try FileSplitter.splits(paths: [dir.file("b.csv")], targetSplitBytes: 128 << 20, minSplits: 1)
        #expect(big == [FileSplit(path: dir.file("b.csv"), start: 0, length: 10000, fileLength: 10000)])
        #expect(try FileSplitter.splits(paths: [dir.file("empty.csv")], targetSplitBytes: 100, minSplits: 1).isEmpty)

        let missing = scanCaughtError { _ = try FileSplitter.splits(paths: [dir.file("nope.csv")], targetSplitBytes: 100, minSplits: 1) }
        #expect(missing?.code == .input)
        #expect(missing?.message == "input path does not exist")
        #expect(missing?.context("file") == dir.file("nope.csv"))
        #expect(missing?.hint != nil)
    }

    @Test func lineNumbersAndChangedFiles() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("l.txt", "a\nbb\r\n\nccc")
        let reader = try LineReader(split: try scanWholeSplit(path))
        var offsets: [Int64] = []
        try reader.forEachLine { _, offset in offsets.append(offset); return true }
        #expect(offsets == [0, 2, 6, 7])
        #expect(try offsets.map { try reader.lineNumber(at: $0) } == [1, 2, 3, 4])
        #expect(try reader.lineNumber(at: 9) == 4)

        let stale = FileSplit(path: path, start: 0, length: 5, fileLength: 5)
        #expect(scanCaughtError { _ = try LineReader(split: stale) }?.code == .input)
    }
}

// MARK: - Parse modes

@Suite struct CSVParseModeTests {
    static let text = "a,b,c\n1,x,2.5\n2,y\n3,z,4.5,extra\nabc,w,1.0\n5,v,6.5\n"
    static let schema = StructType([StructField("a", .long), StructField("b", .string), StructField("c", .double)])

    func options(_ mode: ParseMode) -> CSVOptions {
        var o = CSVOptions()
        o.header = true
        o.mode = mode
        return o
    }

    @Test func permissive() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("m.csv", Self.text)
        let rows = try scanCSVRows(try scanWholeSplit(path), options(.permissive), Self.schema)
        #expect(rows == [
            [.long(1), .string("x"), .double(2.5)],
            [.long(2), .string("y"), .null],
            [.long(3), .string("z"), .double(4.5)],
            [.null, .string("w"), .double(1.0)],
            [.long(5), .string("v"), .double(6.5)],
        ])
    }

    @Test func dropMalformed() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("m.csv", Self.text)
        let rows = try scanCSVRows(try scanWholeSplit(path), options(.dropMalformed), Self.schema, batchSize: 2)
        #expect(rows == [[.long(1), .string("x"), .double(2.5)], [.long(5), .string("v"), .double(6.5)]])
        // Like Spark's CSV column pruning: unrequired columns are not converted, so "abc" is not noticed.
        let pruned = try scanCSVRows(try scanWholeSplit(path), options(.dropMalformed), Self.schema, columns: [1])
        #expect(pruned == [[.string("x")], [.string("w")], [.string("v")]])
    }

    @Test func failFastNamesFileAndLine() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("m.csv", Self.text)
        let error = scanCaughtError { _ = try scanCSVRows(try scanWholeSplit(path), options(.failFast), Self.schema) }
        #expect(error?.code == .input)
        #expect(error?.message == "malformed CSV record: expected 3 fields, found 2")
        #expect(error?.context("file") == path)
        #expect(error?.context("line") == "3")
        #expect(error?.hint?.contains("DROPMALFORMED") == true)

        // A bad value, found by a split that starts in the middle of the file.
        let path2 = try dir.write("n.csv", "a,b,c\n1,x,2.5\n\nabc,w,1.0\n")
        let n = try scanFileLength(path2)
        let split = FileSplit(path: path2, start: 10, length: n - 10, fileLength: n)
        let error2 = scanCaughtError { _ = try scanCSVRows(split, options(.failFast), Self.schema) }
        #expect(error2?.message == "cannot parse 'abc' as bigint in column a")
        #expect(error2?.context("line") == "4")
        #expect(error2?.context("file") == path2)
    }

    @Test func nullValueAndQuotedEmpty() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("n.csv", "NA,\"\",,\"NA\"\n")
        let schema = StructType((0..<4).map { StructField("c\($0)", .string) })
        var options = CSVOptions()
        #expect(try scanCSVRows(try scanWholeSplit(path), options, schema) == [[.string("NA"), .null, .null, .string("NA")]])
        options.nullValue = "NA"
        #expect(try scanCSVRows(try scanWholeSplit(path), options, schema) == [[.null, .string(""), .null, .null]])
    }
}

// MARK: - Tokenizer and value parsers

@Suite struct CSVParserTests {
    func fields(_ line: String, _ options: CSVOptions = CSVOptions()) -> [String] {
        let tokenizer = CSVTokenizer(options: options)
        var line = line
        return line.withUTF8 { tokenizer.tokenize(UnsafeRawBufferPointer($0)); return tokenizer.strings() }
    }

    @Test func tokenizer() {
        #expect(fields("a,b,c") == ["a", "b", "c"])
        #expect(fields("a,,c,") == ["a", "", "c", ""])
        #expect(fields("") == [""])
        #expect(fields(",") == ["", ""])
        #expect(fields("\"a,b\",\"c\"\"d\",\"e\\\"f\"") == ["a,b", "c\"d", "e\"f"])
        #expect(fields("\"\"\"a\"\"\"") == ["\"a\""])
        #expect(fields("\"a\\nb\"") == ["a\\nb"])               // escape before a non-quote is kept
        #expect(fields("a\"b,c") == ["a\"b", "c"])              // quotes inside unquoted fields are data
        #expect(fields(" \"a\" ,b") == [" \"a\" ", "b"])        // no trimming
        #expect(fields("\"abc\" ,d") == ["\"abc\" ", "d"])      // unescaped quote: STOP_AT_DELIMITER
        #expect(fields("\"unterminated,x") == ["unterminated,x"])
        var tabs = CSVOptions()
        tabs.delimiter = UInt8(ascii: "\t")
        tabs.quote = UInt8(ascii: "'")
        #expect(fields("a\t'b\tc'\t'it''s'", tabs) == ["a", "b\tc", "it's"])
    }

    @Test func longs() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("-0", 0), ("+17", 17), ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("9223372036854775808", nil), ("-9223372036854775809", nil), ("00000000000000000000042", 42),
            ("", nil), ("-", nil), ("1a", nil), (" 1", nil), ("1.0", nil), ("99999999999999999999", nil),
        ]
        for (text, value) in cases { #expect(scanParse(text, ValueParsers.parseLong) == value, "\(text)") }
    }

    @Test func doublesRoundTripLikeSwift() {
        var rng = SeededRandom(seed: 99)
        for _ in 0..<20_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            for text in ["\(d)", formatDouble(d)] {
                #expect(scanParse(text, ValueParsers.parseDouble)?.bitPattern == d.bitPattern, "\(text)")
            }
        }
        for _ in 0..<20_000 {
            let digits = String((0..<Int.random(in: 1...25, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let point = Int.random(in: 0...digits.count, using: &rng)
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if text == "." { text = "0" }
            if Bool.random(using: &rng) { text += "e\(Int.random(in: -330...330, using: &rng))" }
            #expect(scanParse(text, ValueParsers.parseDouble)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        let special: [(String, Double?)] = [
            ("NaN", .nan), ("Infinity", .infinity), ("-Infinity", -.infinity), ("Inf", .infinity), ("-Inf", -.infinity),
            (" 1.5 ", 1.5), ("1d", 1), ("2.5F", 2.5), (".5", 0.5), ("5.", 5), ("-0", -0.0), ("1e400", .infinity),
            ("", nil), (".", nil), ("e5", nil), ("1e", nil), ("abc", nil), ("1.2.3", nil), ("0x10", nil), ("1,5", nil),
        ]
        for (text, value) in special {
            let got = scanParse(text, ValueParsers.parseDouble)
            if let value, value.isNaN { #expect(got?.isNaN == true) } else { #expect(got?.bitPattern == value?.bitPattern, "\(text)") }
        }
    }

    @Test func booleansDatesTimestamps() {
        #expect(scanParse("TrUe", ValueParsers.parseBoolean) == true)
        #expect(scanParse("false", ValueParsers.parseBoolean) == false)
        #expect(scanParse("yes", ValueParsers.parseBoolean) == nil)
        #expect(scanParse("1970-01-02", ValueParsers.parseDate) == 1)
        #expect(scanParse("2024-2-29", ValueParsers.parseDate) == Int32(daysFromCivil(2024, 2, 29)))
        #expect(scanParse("2023-02-29", ValueParsers.parseDate) == nil)
        #expect(scanParse("2023-13-01", ValueParsers.parseDate) == nil)
        #expect(scanParse("2023-01-01 00:00:00", ValueParsers.parseDate) == nil)
        let base = daysFromCivil(2024, 3, 1) * 86_400_000_000
        #expect(scanParse("2024-03-01 12:34:56", ValueParsers.parseTimestamp) == base + 45_296_000_000)
        #expect(scanParse("2024-03-01T12:34:56.5", ValueParsers.parseTimestamp) == base + 45_296_500_000)
        #expect(scanParse("2024-03-01 12:34:56.123456789", ValueParsers.parseTimestamp) == base + 45_296_123_456)
        #expect(scanParse("2024-03-01T12:34:56Z", ValueParsers.parseTimestamp) == base + 45_296_000_000)
        #expect(scanParse("2024-03-01T12:34:56+02:00", ValueParsers.parseTimestamp) == base + 45_296_000_000 - 7_200_000_000)
        #expect(scanParse("2024-03-01 12:34", ValueParsers.parseTimestamp) == base + 45_240_000_000)
        #expect(scanParse("2024-03-01", ValueParsers.parseTimestamp) == base)
        #expect(scanParse("2024-03-01 25:00:00", ValueParsers.parseTimestamp) == nil)
        #expect(scanParse("1969-12-31 23:59:59.5", ValueParsers.parseTimestamp) == -500_000)
    }
}

// MARK: - Schema inference

@Suite struct CSVSchemaInferenceTests {
    func infer(_ text: String, header: Bool = true, inferSchema: Bool = true, comment: UInt8? = nil) throws -> StructType {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("s.csv", text)
        var options = CSVOptions()
        options.header = header
        options.inferSchema = inferSchema
        options.comment = comment
        return try CSVSchemaInference.inferSchema(paths: [path], options: options)
    }

    @Test func types() throws {
        let schema = try infer("""
            l,d,ld,b,dt,ts,dts,lb,nul,big,s,sp
            1,1.5,1,true,2024-01-01,2024-01-01 10:00:00,2024-01-01,1,,99999999999999999999,x,1
            -7,2e3,2.5,FALSE,2024-02-29,2024-01-01T10:00:00.123,2024-01-01 10:00:00,true,,1,3,
            ,NaN,,,,,,,,,,a b

            """)
        #expect(schema == StructType([
            StructField("l", .long), StructField("d", .double), StructField("ld", .double), StructField("b", .boolean),
            StructField("dt", .date), StructField("ts", .timestamp), StructField("dts", .timestamp),
            StructField("lb", .string), StructField("nul", .string), StructField("big", .double),
            StructField("s", .string), StructField("sp", .string),
        ]))
    }

    @Test func namesAndModes() throws {
        #expect(try infer("1,x\n2,y\n", header: false) == StructType([StructField("_c0", .long), StructField("_c1", .string)]))
        #expect(try infer("a,b\n1,2\n", inferSchema: false) == StructType([StructField("a", .string), StructField("b", .string)]))
        #expect(try infer("a,,A,\"c,d\",a\n").names == ["a0", "_c1", "A2", "c,d", "a4"])
        #expect(try infer("# comment\n\n  \nh1,h2\n1,2\n", comment: UInt8(ascii: "#")).names == ["h1", "h2"])
        #expect(try infer("# c\nh1\n").names == ["# c"])   // comments are off by default, as in Spark
        #expect(try infer("", header: false) == StructType([]))
    }

    @Test func emptyFileWithHeaderIsAnError() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("empty.csv", "")
        var options = CSVOptions()
        options.header = true
        for body in [{ _ = try CSVSchemaInference.inferSchema(paths: [path], options: options) },
                     { _ = try CSVSchemaInference.header(path: path, options: options) }] {
            let error = scanCaughtError(body)
            #expect(error?.code == .input)
            #expect(error?.context("file") == path)
        }
    }

    @Test func directoryOfFiles() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        try dir.write("part-0.csv", "")
        try dir.write("part-1.csv", "k,v\n1,2\n")
        try dir.write("part-2.csv", "k,v\n3,4.5\n")
        try dir.write(".part-3.csv.crc", "garbage")
        var options = CSVOptions()
        options.header = true
        options.inferSchema = true
        #expect(try CSVSchemaInference.header(path: dir.path, options: options) == ["k", "v"])
        #expect(try CSVSchemaInference.inferSchema(paths: [dir.path], options: options)
                == StructType([StructField("k", .long), StructField("v", .double)]))
    }
}

// MARK: - Writer

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
        let writer = try CSVFileWriter(path: path, schema: Self.schema, options: withHeader, overwrite: false)
        try writer.write(ColumnarBatch.fromRows(Array(Self.rows.prefix(2)), schema: Self.schema))
        try writer.write(ColumnarBatch.fromRows(Array(Self.rows.dropFirst(2)), schema: Self.schema))
        #expect(!FileManager.default.fileExists(atPath: path))     // nothing visible before commit
        try writer.commit()
        #expect(writer.rowsWritten == Self.rows.count)
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
        let w2 = try CSVFileWriter(path: multi, schema: StructType([StructField("x", .string)]), options: withHeader, overwrite: false)
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
        let writer = try CSVFileWriter(path: path, schema: schema, options: options, overwrite: false)
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
        let error = scanCaughtError { _ = try CSVFileWriter(path: path, schema: schema, options: withHeader, overwrite: false) }
        #expect(error?.code == .output)
        #expect(error?.message == "output path already exists")
        #expect(error?.context("path") == path)
        #expect(error?.hint?.contains("overwrite") == true)

        let writer = try CSVFileWriter(path: path, schema: schema, options: withHeader, overwrite: true)
        try writer.write(ColumnarBatch.fromRows([[.long(1)]], schema: schema))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        try writer.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x\n1\n")
        #expect(dir.entries() == ["exists.csv"])

        // The path appears between init and commit: commit without overwrite refuses to replace it.
        let late = dir.file("late.csv")
        let w2 = try CSVFileWriter(path: late, schema: schema, options: withHeader, overwrite: false)
        try dir.write("late.csv", "someone else\n")
        #expect(scanCaughtError { try w2.commit() }?.message == "output path already exists")
        #expect(try String(contentsOfFile: late, encoding: .utf8) == "someone else\n")
        #expect(dir.entries() == ["exists.csv", "late.csv"])

        let noDir = scanCaughtError { _ = try CSVFileWriter(path: dir.file("missing/out.csv"), schema: schema, options: withHeader, overwrite: true) }
        #expect(noDir?.code == .output)
        #expect(noDir?.message.contains("directory does not exist") == true)
    }

    @Test func abortAndDropLeaveNothing() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let schema = StructType([StructField("x", .long)])
        let path = dir.file("out.csv")
        let writer = try CSVFileWriter(path: path, schema: schema, options: withHeader, overwrite: false)
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
            let dropped = try CSVFileWriter(path: path, schema: schema, options: withHeader, overwrite: false)
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
