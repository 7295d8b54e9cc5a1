// ParquetCorruptionTests: damaged Parquet files — every truncation, and thousands of seeded random
// byte changes in the footer and in the pages of files written by pyarrow (several codecs,
// encodings and page versions) — are read in-process through the scanner: each read either
// succeeds (a changed value is still a value) or fails with an EmberError that names the file,
// and for damage inside a column chunk also the row group, the column and the page; never a
// crash or a hang. Also the clear errors for what Ember does not read (nested and binary
// columns, unsupported codecs, files with different schemas, not-Parquet files).

@_spi(EmberInternal) @testable import Executor
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite struct ParquetCorruptionTests {
    static let needsPyarrow = ParquetReference.python != nil

    static let script = #"""
import pyarrow as pa, pyarrow.parquet as pq, random, sys
out = sys.argv[1]
rng = random.Random(5)
N = 300
def maybe(v): return None if rng.random() < 0.2 else v
t = pa.table({
    "i": pa.array([maybe(rng.randint(-10**12, 10**12)) for _ in range(N)], pa.int64()),
    "j": pa.array([rng.randint(-1000, 1000) for _ in range(N)], pa.int32()),
    "s": pa.array([maybe("v" + str(rng.randint(0, 40)) * rng.randint(0, 3)) for _ in range(N)]),
    "f": pa.array([maybe(rng.random()) for _ in range(N)], pa.float64()),
    "b": pa.array([maybe(rng.random() < 0.3) for _ in range(N)]),
    "t": pa.array([maybe(rng.randint(0, 10**15)) for _ in range(N)], pa.int64()).cast(pa.timestamp("us")),
})
common = dict(row_group_size=120, data_page_size=256, write_batch_size=40)
pq.write_table(t, out + "/dict-zstd-v1.parquet", compression="zstd", **common)
pq.write_table(t, out + "/plain-snappy-v2.parquet", compression="snappy", use_dictionary=False, data_page_version="2.0", **common)
pq.write_table(t, out + "/delta-gzip-v2.parquet", compression="gzip", use_dictionary=False, data_page_version="2.0",
               column_encoding={"i": "DELTA_BINARY_PACKED", "j": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY", "f": "BYTE_STREAM_SPLIT", "b": "RLE"}, **common)
pq.write_table(t, out + "/split-lz4-v1.parquet", compression="lz4", use_dictionary=False,
               column_encoding={"i": "BYTE_STREAM_SPLIT", "f": "BYTE_STREAM_SPLIT", "s": "DELTA_LENGTH_BYTE_ARRAY"}, **common)
pq.write_table(t, out + "/plain-none-v1.parquet", compression="none", use_dictionary=False, **common)
"""#

    static let files = ["dict-zstd-v1", "plain-snappy-v2", "delta-gzip-v2", "split-lz4-v1", "plain-none-v1"]

    /// Reads `path` whole in-process (schema from its footer, one split): the rows, or the error.
    static func read(_ path: String, schema: StructType? = nil) -> Result<Int, Error> {
        Result {
            let schema = try schema ?? ParquetSource.inferSchema(paths: [path], options: ParquetOptions())
            let split = try scanWholeSplit(path)
            var metrics = TaskMetrics()
            var rows = 0
            try ParquetSource.scan(split, FileScan(paths: [path], format: .parquet(ParquetOptions()), dataSchema: schema, splits: [split]),
                                   metrics: &metrics) { rows += $0.numRows }
            return rows
        }
    }

    /// The error must be an EmberError naming the file; damage in a chunk names where.
    static func check(_ error: Error, _ path: String, _ what: String) {
        guard let e = error as? EmberError else {
            Issue.record("\(what): not an EmberError: \(error)")
            return
        }
        #expect(e.context("file") == path, "\(what): \(e)")
        if e.message.hasPrefix("corrupt Parquet data") {
            #expect(e.context("column") != nil && e.context("page") != nil && e.context("row group") != nil, "\(what): \(e)")
        }
    }

    @Test(.enabled(if: needsPyarrow, "needs pyarrow (scripts/ensure-duckdb)"))
    func truncatedAndDamagedFilesGiveErrorsNamingWhere() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        try ParquetReference.run(Self.script, in: dir.path, [dir.path])
        var rng = SeededRandom(seed: 2026)
        var failures = 0, successes = 0
        for name in Self.files {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file(name + ".parquet"))))
            let schema = try ParquetSource.inferSchema(paths: [dir.file(name + ".parquet")], options: ParquetOptions())
            guard case .success(300) = Self.read(dir.file(name + ".parquet")) else {
                Issue.record("\(name) does not read whole")
                continue
            }
            let footerLength = Int(original[original.count - 8]) | Int(original[original.count - 7]) << 8
            let footerStart = original.count - 8 - footerLength
            // Written with write(2): Foundation's Data.write syncs every file to disk.
            var serial = 0
            func damaged(_ bytes: ArraySlice<UInt8>) throws -> String {
                serial += 1
                let path = dir.file("damaged-\(serial).parquet")
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                defer { close(fd) }
                let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard fd >= 0, written == bytes.count else { throw EmberError(.internal, "cannot write \(path)") }
                return path
            }
            // Truncations: every length in the footer's neighbourhood, a stride through the pages.
            for length in Array(stride(from: 0, to: footerStart, by: 97)) + Array(max(0, footerStart - 40)..<original.count) {
                let path = try damaged(original[0..<length])
                defer { try? FileManager.default.removeItem(atPath: path) }
                switch Self.read(path) {
                case .success: Issue.record("\(name) truncated to \(length) bytes read without an error")
                case .failure(let error): Self.check(error, path, "\(name) truncated to \(length)")
                }
            }
            // Random byte changes: half in the footer, half in the pages; read with the schema the
            // intact file has (a changed footer may no longer parse, or parse differently).
            for iteration in 0..<1200 {
                var bytes = original
                let inFooter = iteration % 2 == 0
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let at = inFooter ? Int.random(in: footerStart..<(original.count - 8), using: &rng)
                                      : Int.random(in: 4..<footerStart, using: &rng)
                    bytes[at] = Int.random(in: 0..<3, using: &rng) == 0 ? bytes[at] ^ (1 << UInt8.random(in: 0...7, using: &rng))
                                                                        : UInt8.random(in: 0...255, using: &rng)
                }
                let path = try damaged(bytes[...])
                defer { try? FileManager.default.removeItem(atPath: path) }
                switch Self.read(path, schema: inFooter ? nil : schema) {
                case .success: successes += 1
                case .failure(let error):
                    failures += 1
                    Self.check(error, path, "\(name) iteration \(iteration)")
                }
            }
        }
        #expect(failures > 1000 && successes > 100, "\(failures) failures, \(successes) successes")
    }
}
