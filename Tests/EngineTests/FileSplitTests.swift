// FileSplitTests: splitting files into byte ranges so every line is read by exactly one split.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

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
        // As many ranges as cutting at the split size gives (with the 10 % slop), of equal lengths.
        for (length, size) in [(Int64(10_000), Int64(1000)), (10_999, 1000), (11_001, 1000), (2100, 1000), (1100, 1000), (1101, 1000),
                               (7, 1), (1_036_000_000, 128 << 20)] {
            var spark: [Int64] = [], remaining = length
            while remaining > 0 {
                spark.append(remaining <= size + size / 10 ? remaining : size)
                remaining -= spark.last!
            }
            #expect(FileSplitter.pieceCount(length, size) == Int64(spark.count), "\(length) in \(size)")
        }
        let even = try FileSplitter.splits(paths: [dir.file("b.csv")], targetSplitBytes: 3500, minSplits: 1)
        #expect(even.map(\.length) == [3334, 3333, 3333] && even.map(\.start) == [0, 3334, 6667])
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

