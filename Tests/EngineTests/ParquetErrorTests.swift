// ParquetErrorTests: what Ember does not read is refused with an error that names the file and
// the column and says what to do — nested columns (list, struct, map), binary columns (read as
// strings with binaryAsString), unsupported codecs, files with different schemas in one read,
// files that are not Parquet — and the reader's options are checked.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct ParquetErrorTests {
    static let needsPyarrow = ParquetReference.python != nil

    static let script = #"""
import pyarrow as pa, pyarrow.parquet as pq, sys
out = sys.argv[1]
flat = pa.table({"k": pa.array([1, 2], pa.int64()), "v": pa.array(["a", None])})
pq.write_table(flat, out + "/flat.parquet")
pq.write_table(pa.table({"k": pa.array([3], pa.int64()), "v": pa.array([4], pa.int32())}), out + "/other.parquet")
pq.write_table(pa.table({"k": [1], "tags": pa.array([["x", "y"]])}), out + "/list.parquet")
pq.write_table(pa.table({"k": [1], "point": pa.array([{"x": 1, "y": 2}])}), out + "/struct.parquet")
pq.write_table(pa.table({"k": [1], "m": pa.array([[("a", 1)]], pa.map_(pa.string(), pa.int64()))}), out + "/map.parquet")
pq.write_table(pa.table({"k": [1, 2], "raw": pa.array([b"caf\xc3\xa9", None], pa.binary()),
                         "fixed": pa.array([b"abc", b"xyz"], pa.binary(3))}), out + "/binary.parquet")
pq.write_table(flat, out + "/brotli.parquet", compression="brotli")
pq.write_table(pa.table({"t": pa.array([1], pa.time64("us"))}), out + "/time.parquet")
"""#

    static func message(_ body: () throws -> Any) -> EmberError? {
        do { _ = try body(); return nil } catch let e as EmberError { return e } catch { return EmberError(.internal, "\(error)") }
    }

    @Test(.enabled(if: needsPyarrow, "needs pyarrow (scripts/ensure-duckdb)"))
    func unreadableColumnsAndFilesAreNamed() throws {
        let dir = ScratchDir("parquet-errors")
        defer { dir.cleanup() }
        try ParquetReference.run(Self.script, in: dir.path, [dir.path])
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }

        for (file, column, what) in [("list", "tags", "a list"), ("struct", "point", "a struct"), ("map", "m", "a map")] {
            let e = Self.message { try session.read.parquet(dir.file(file + ".parquet")) }
            #expect(e?.message == "column `\(column)` is \(what): Ember reads flat Parquet columns only", "\(e.map(String.init(describing:)) ?? "")")
            #expect(e?.context("file") == dir.file(file + ".parquet"))
            #expect(e?.context("column") == column)
        }

        let binary = Self.message { try session.read.parquet(dir.file("binary.parquet")) }
        #expect(binary?.message.contains("column `raw` is binary (BYTE_ARRAY); Ember has no binary type") == true, "\(binary.map(String.init(describing:)) ?? "")")
        #expect(binary?.hint?.contains("binaryAsString") == true)
        #expect(binary?.context("column") == "raw")
        let asString = try session.read.option("binaryAsString", true).parquet(dir.file("binary.parquet")).collect()
        #expect(asString.map(\.values) == [[.long(1), .string("café"), .string("abc")], [.long(2), .null, .string("xyz")]])

        let time = Self.message { try session.read.parquet(dir.file("time.parquet")) }
        #expect(time?.message.contains("column `t` is INT64 TIME(MICROS, isAdjustedToUTC=false), which Ember cannot read") == true,
                "\(time.map(String.init(describing:)) ?? "")")
        #expect(time?.context("column") == "t")

        let brotli = Self.message { try session.read.parquet(dir.file("brotli.parquet")).collect() }
        #expect(brotli?.message == "Parquet codec BROTLI is not supported", "\(brotli.map(String.init(describing:)) ?? "")")
        #expect(brotli?.context("file") == dir.file("brotli.parquet"))
        #expect(brotli?.context("column") == "k" && brotli?.context("page") == "0" && brotli?.context("row group") == "0")

        let mixed = Self.message { try session.read.parquet(dir.file("flat.parquet"), dir.file("other.parquet")) }
        #expect(mixed?.message.contains("Parquet files with different schemas in one read: \(dir.file("flat.parquet")) has (k bigint, v string), \(dir.file("other.parquet")) has (k bigint, v bigint)") == true,
                "\(mixed.map(String.init(describing:)) ?? "")")

        let notParquet = dir.write("table.csv", "k,v\n1,a\n")
        let csv = Self.message { try session.read.parquet(notParquet) }
        #expect(csv?.message == "not a Parquet file: it is 8 bytes long, shorter than a Parquet file can be")
        #expect(csv?.context("file") == notParquet)

        let option = Self.message { try session.read.option("binaryAsStrings", true).parquet(dir.file("flat.parquet")) }
        #expect(option?.message == "the parquet source takes no option 'binaryAsStrings'")
        #expect(option?.hint?.contains("did you mean 'binaryAsString'?") == true)
        let merge = Self.message { try session.read.option("mergeSchema", true).parquet(dir.file("flat.parquet")) }
        #expect(merge?.message.contains("Ember does not merge Parquet schemas") == true)
        #expect(try session.read.option("mergeSchema", false).parquet(dir.file("flat.parquet")).count() == 2)

        // A given schema picks columns by name; a column the files do not have reads as nulls.
        let picked = try session.read.schema("v STRING, k BIGINT, extra DOUBLE").parquet(dir.file("flat.parquet")).collect()
        #expect(picked.map(\.values) == [[.string("a"), .long(1), .null], [.null, .long(2), .null]])
        let wrongType = Self.message { try session.read.schema("k STRING").parquet(dir.file("flat.parquet")) }
        #expect(wrongType?.message == "column `k` is bigint in the Parquet files, not string")
    }
}
