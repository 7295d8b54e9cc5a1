// CompressedInputTests: CSV, JSON lines and text files compressed as Spark/Hadoop read them, by
// extension (.gz by gzip(1), several gzip members, .zst in several frames, .deflate): the same rows
// as the plain file, schema inference through the decompression, one split per compressed file,
// streaming across the reader's buffer, and an error naming the file, never fewer rows, for a
// truncated, corrupt or refused file. DuckDB reads the same files as a reference.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct CompressedInputTests {
    // MARK: - Compressors (none of them Ember's reading code)

    /// `path` compressed by gzip(1) into `path.gz`, the original kept.
    static func gzip(_ path: String) throws -> String {
        let (status, _, err) = try runProgram("/usr/bin/gzip", ["-k", "-f", path])
        #expect(status == 0, "gzip: \(err)")
        return path + ".gz"
    }

    static func zstd(_ bytes: [UInt8], frameBytes: Int) throws -> [UInt8] { try zstdFrames(bytes, frameBytes: frameBytes) }

    /// `bytes` as one zlib stream (Hadoop's .deflate).
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] { try gzipBytes(bytes, zlibWrapper: true) }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func put(_ path: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A CSV file with a header: id, a quoted name with commas and quotes, a double, a date.
    static func csvText(rows: Int, seed: UInt64) -> String {
        var rng = SeededRandom(seed: seed)
        var text = "id,name,x,d\n"
        for i in 0..<rows {
            let word = String(repeating: "ab\"c,", count: Int.random(in: 0..<4, using: &rng))
            let x = Double(Int.random(in: -100_000..<100_000, using: &rng)) / 64
            text += "\(i),\"n\(i) \(word.replacingOccurrences(of: "\"", with: "\"\""))\",\(x),2024-01-\(10 + i % 19)\n"
        }
        return text
    }

    static func sortedRows(_ df: DataFrame) throws -> [String] {
        try df.collect().map { $0.values.map(\.description).joined(separator: "|") }.sorted()
    }

    /// What a CSV read of `csvText` holds: its aggregates and a sample of its rows, in order.
    static func fingerprint(_ df: DataFrame) throws -> [String] {
        let totals = try df.agg(count(col("id")), sum(col("id")), sum(length(col("name"))), sum(col("x")), min(col("d")), max(col("d"))).collect()
        return try totals.map { $0.values.map(\.description).joined(separator: "|") } + sortedRows(df.filter(col("id") % 997 === 3))
    }

    /// Tasks of the last job that read input.
    static func readingTasks(_ session: Session) -> Int { session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }.count }

    // MARK: - Tests

    @Test func compressedCSVReadsAsItsPlainText() throws {
        let dir = ScratchDir("compressed-csv")
        defer { dir.cleanup() }
        // About 5.5 MB of text: more than the reader's buffer, so decompression streams in chunks.
        let text = Self.csvText(rows: 120_000, seed: 5)
        let plain = dir.write("data.csv", text)
        let all = Array(text.utf8)
        let gz = try Self.gzip(plain)
        let zst = try Self.put(dir.file("data.csv.zst"), try Self.zstd(all, frameBytes: 3 << 20))
        let deflated = try Self.put(dir.file("data.csv.deflate"), try Self.deflate(all))
        // Two gzip members one after the other (`cat a.gz b.gz`), the header in the first.
        let cut = all.firstIndex(of: UInt8(ascii: "\n"), after: all.count / 2)
        let first = try Self.gzip(try Self.put(dir.file("first.csv"), Array(all[...cut])))
        let second = try Self.gzip(try Self.put(dir.file("second.csv"), Array(all[(cut + 1)...])))
        let members = try Self.put(dir.file("members.csv.gz"), try Self.bytes(first) + Self.bytes(second))

        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 1 << 20)
        defer { session.stop() }
        let reader = try session.read.option("header", true).option("inferSchema", true)
        let expected = try reader.csv(plain)
        let schema = try expected.schema()
        #expect(schema.fields.map(\.dataType) == [.long, .string, .double, .date])
        let want = try Self.fingerprint(expected)
        #expect(want.count == 1 + 121, "totals and the ids 3, 1000, 1997, …")
        #expect(Self.readingTasks(session) > 4, "the plain file is cut into splits")
        for path in [gz, zst, deflated, members] {
            let df = try reader.csv(path)
            #expect(try df.schema() == schema, "inference reads through the decompression: \(path)")
            #expect(try Self.fingerprint(df) == want, "\(path)")
            #expect(Self.readingTasks(session) == 1, "a compressed file is one split: \(path)")
        }
        // A directory of plain and compressed files, read together.
        let mixed = dir.file("mixed")
        try FileManager.default.createDirectory(atPath: mixed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: plain, toPath: mixed + "/a.csv")
        try FileManager.default.copyItem(atPath: gz, toPath: mixed + "/b.csv.gz")
        try FileManager.default.copyItem(atPath: zst, toPath: mixed + "/c.csv.zst")
        #expect(try reader.csv(mixed).count() == 360_000)
    }

    @Test func compressedJSONLinesAndTextReadAsTheirPlainText() throws {
        let dir = ScratchDir("compressed-json")
        defer { dir.cleanup() }
        var json = ""
        var lines: [String] = []
        for i in 0..<50_000 {
            json += i % 3 == 0 ? "{\"id\": \(i), \"s\": \"v\\u00e9\(i)\", \"f\": \(Double(i) / 8)}\n" : "{\"id\": \(i), \"b\": \(i % 2 == 0)}\n"
            lines.append("line \(i) " + String(repeating: "x", count: i % 50))
        }
        let plainJSON = dir.write("data.json", json)
        let plainText = dir.write("data.txt", lines.joined(separator: "\n") + "\n")
        let session = try makeSession(executors: 2, cores: 2, maxPartitionBytes: 256 << 10)
        defer { session.stop() }

        let expected = try session.read.json(plainJSON)
        #expect(try expected.schema().names == ["b", "f", "id", "s"])
        let want = try Self.sortedRows(expected)
        for path in [try Self.gzip(plainJSON), try Self.put(dir.file("z.json.zst"), try Self.zstd(Array(json.utf8), frameBytes: 100_000))] {
            let df = try session.read.json(path)
            #expect(try df.schema() == expected.schema(), "JSON inference reads through the decompression: \(path)")
            #expect(try Self.sortedRows(df) == want, "\(path)")
            #expect(Self.readingTasks(session) == 1)
        }

        let text = try session.read.text(try Self.gzip(plainText)).collect().map { $0.values[0].stringValue ?? "" }
        #expect(text == lines, "one task reads the lines in order")
    }

    @Test func jsonWrittenWithGzipReadsBack() throws {
        let dir = ScratchDir("json-gzip-roundtrip")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let df = session.range(0, 30_000, numPartitions: 3).select(col("id"), (col("id") % 7).alias("k"), concat(lit("s"), col("id").cast(.string)).alias("s"))
        try df.write.option("compression", "gzip").json(dir.file("out"))
        let parts = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).filter { $0.hasPrefix("part-") }
        #expect(parts.count == 3 && parts.allSatisfy { $0.hasSuffix(".json.gz") }, "\(parts)")
        let back = try session.read.json(dir.file("out"))
        #expect(try back.schema().names == ["id", "k", "s"])
        #expect(try Self.sortedRows(back) == Self.sortedRows(df))
    }

    @Test func damagedCompressedFilesFailNamingTheFile() throws {
        let dir = ScratchDir("compressed-damage")
        defer { dir.cleanup() }
        let text = Self.csvText(rows: 20_000, seed: 9)
        let gz = try Self.bytes(try Self.gzip(dir.write("data.csv", text)))
        let zst = try Self.zstd(Array(text.utf8), frameBytes: 1 << 20)
        var flipped = gz
        for i in (gz.count / 2)..<(gz.count / 2 + 16) { flipped[i] ^= 0x5A }
        let cases: [(name: String, bytes: [UInt8], message: String)] = [
            ("truncated.csv.gz", Array(gz[0..<(gz.count * 2 / 3)]), "truncated gzip file"),
            ("short-trailer.csv.gz", Array(gz.dropLast(3)), "truncated gzip file"),
            ("flipped.csv.gz", flipped, "corrupt gzip data"),
            ("garbage-after.csv.gz", gz + Array("trailing text\n".utf8), "corrupt gzip data"),
            ("plain.csv.gz", Array(text.utf8), "corrupt gzip data"),
            ("truncated.csv.zst", Array(zst.dropLast(100)), "truncated zstd file"),
            ("garbage-after.csv.zst", zst + Array("trailing".utf8), "corrupt zstd data"),
            ("plain.csv.zst", Array(text.utf8), "corrupt zstd data"),
            ("data.csv.bz2", Array(text.utf8), "cannot decompress bzip2"),
        ]
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        for c in cases {
            let path = try Self.put(dir.file(c.name), c.bytes)
            // In a task (the schema given), and on the driver (schema inference).
            for read in [{ try session.read.schema("id BIGINT, name STRING, x DOUBLE, d DATE").option("header", true).csv(path).count() },
                         { try session.read.option("header", true).option("inferSchema", true).csv(path).count() }] {
                let error = scanCaughtError { _ = try read() }
                #expect(error?.message.contains(c.message) == true, "\(c.name): \(String(describing: error))")
                #expect(error?.context("file") == path, "\(c.name): names the file: \(String(describing: error))")
            }
        }
        // Zeros after the last member (tape padding) are no data: gzip(1) takes them too.
        let padded = try Self.put(dir.file("padded.csv.gz"), gz + [UInt8](repeating: 0, count: 700))
        #expect(try session.read.option("header", true).csv(padded).count() == 20_000)
    }

    @Test func compressedFilesAreOneSplitAndCannotBeReadInParts() throws {
        let dir = ScratchDir("compressed-splits")
        defer { dir.cleanup() }
        let plain = dir.write("data.csv", Self.csvText(rows: 5000, seed: 3))
        let gz = try Self.gzip(plain)
        #expect(try FileSplitter.splits(paths: [plain], targetSplitBytes: 10_000, minSplits: 4).count > 10)
        let splits = try FileSplitter.splits(paths: [gz], targetSplitBytes: 1000, minSplits: 4)
        let length = try scanFileLength(gz)
        #expect(splits == [FileSplit(path: gz, start: 0, length: length, fileLength: length)])
        let part = FileSplit(path: gz, start: 100, length: length - 100, fileLength: length)
        let error = scanCaughtError { _ = try LineReader(split: part) }
        #expect(error?.message.contains("cannot be read in parts") == true, "\(String(describing: error))")
        // The reader's line numbers count decompressed lines.
        let reader = try LineReader(split: splits[0])
        var offsets: [Int64] = []
        while let (_, offset) = try reader.next() { offsets.append(offset) }
        try #require(offsets.count == 5001)
        #expect(try reader.lineNumber(at: offsets[4321]) == 4322)
    }

    static let duckdbScript = #"""
import duckdb, sys
for path in sys.argv[1:]:
    n, ids, names = duckdb.sql(f"select count(*), sum(id), sum(length(name)) from read_csv('{path}', header = true, quote = '\"', escape = '\"')").fetchall()[0]
    print(n, ids, names)
"""#

    @Test(.enabled(if: ReferencePython.path != nil, "needs DuckDB (scripts/ensure-duckdb)"))
    func duckDBReadsTheSameRows() throws {
        let dir = ScratchDir("compressed-duckdb")
        defer { dir.cleanup() }
        let text = Self.csvText(rows: 30_000, seed: 11)
        let gz = try Self.gzip(dir.write("data.csv", text))
        let zst = try Self.put(dir.file("data.csv.zst"), try Self.zstd(Array(text.utf8), frameBytes: 500_000))
        let script = dir.write("check.py", Self.duckdbScript)
        let (status, out, err) = try runProgram(try #require(ReferencePython.path), [script, gz, zst])
        #expect(status == 0, "\(err)")
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        var ours: [String] = []
        for path in [gz, zst] {
            let row = try session.read.option("header", true).option("inferSchema", true).csv(path)
                .agg(count(col("id")), sum(col("id")), sum(length(col("name")))).collect()[0].values
            ours.append(row.map(\.description).joined(separator: " "))
        }
        #expect(out.split(separator: "\n").map(String.init) == ours)
    }
}

extension Array where Element == UInt8 {
    /// The index of the first `byte` at or after `start`.
    func firstIndex(of byte: UInt8, after start: Int) -> Int {
        self[start...].firstIndex(of: byte) ?? count - 1
    }
}
