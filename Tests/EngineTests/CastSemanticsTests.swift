// Casts follow Spark with spark.sql.ansi.enabled=false, on real executors: text that is not a
// number gives null, never an error. The expected values are Spark's:
//   - string → bigint is UTF8String.toLong: trimmed (whitespace and control bytes, DEL too), a
//     sign, digits and an optional fraction that is dropped ("1.5" → 1, ".5" → 0); exponents,
//     a lone sign and values past bigint's range give null;
//   - string → double is Java's Double.parseDouble (d/f suffixes, hex with a binary exponent,
//     "NaN", "Infinity") and then "inf"/"infinity"/"nan" in any case; "-nan" is null;
//   - string → boolean accepts t/true/y/yes/1 and f/false/n/no/0, trimmed, in any case;
//   - double → bigint is Java's (long): truncation, NaN → 0, ±Infinity and out-of-range values
//     saturate at bigint's bounds; a number → boolean is "not zero" (NaN is true).

import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct CastSemanticsTests {
    /// (text, as bigint, as double, as boolean), each as Ember's Value text.
    static let strings: [(String, String, String, String)] = [
        ("1.5", "1", "1.5", "null"),
        ("-1.9", "-1", "-1.9", "null"),
        ("+7", "7", "7.0", "null"),
        (" 42\t", "42", "42.0", "null"),
        (".5", "0", "0.5", "null"),
        ("-.5", "0", "-0.5", "null"),
        ("5.", "5", "5.0", "null"),
        ("1e3", "null", "1000.0", "null"),
        ("1.5e", "null", "null", "null"),
        ("9223372036854775807", "9223372036854775807", "9.223372036854776E18", "null"),
        ("9223372036854775808", "null", "9.223372036854776E18", "null"),
        ("-9223372036854775808", "-9223372036854775808", "-9.223372036854776E18", "null"),
        ("-9223372036854775809", "null", "-9.223372036854776E18", "null"),
        ("1.2.3", "null", "null", "null"),
        ("-", "null", "null", "null"),
        ("abc", "null", "null", "null"),
        ("NaN", "null", "NaN", "null"),
        ("-Infinity", "null", "-Infinity", "null"),
        ("inf", "null", "Infinity", "null"),
        ("INFINITY", "null", "Infinity", "null"),
        ("-nan", "null", "null", "null"),
        ("1.5d", "null", "1.5", "null"),
        ("0x1p3", "null", "8.0", "null"),
        ("0x10", "null", "null", "null"),
        ("1e", "null", "null", "null"),
        ("\u{7F}12", "12", "null", "null"),
        ("true", "null", "null", "true"),
        (" Yes ", "null", "null", "true"),
        ("f", "null", "null", "false"),
        ("0", "0", "0.0", "false"),
        ("1", "1", "1.0", "true"),
    ]

    /// (double text in the CSV, as bigint, as boolean).
    static let doubles: [(String, String, String)] = [
        ("Infinity", "9223372036854775807", "true"),
        ("-Infinity", "-9223372036854775808", "true"),
        ("NaN", "0", "true"),
        ("1e19", "9223372036854775807", "true"),
        ("-1e19", "-9223372036854775808", "true"),
        ("9.223372036854775E18", "9223372036854774784", "true"),
        ("-2.9", "-2", "true"),
        ("-0.0", "0", "false"),
    ]

    @Test func stringsAndDoublesCastAsSparkDoes() throws {
        let dir = ScratchDir("cast")
        defer { dir.cleanup() }
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let stringTable = dir.write("s.csv", Self.strings.enumerated().map { "\($0.offset),\(quoted($0.element.0))\n" }.joined())
        let doubleTable = dir.write("d.csv", Self.doubles.enumerated().map { "\($0.offset),\($0.element.0)\n" }.joined())
        let session = try makeSession(executors: 2, cores: 1, partitions: 2)
        defer { session.stop() }

        let s = try session.read.option("header", false).schema("id BIGINT, s STRING").csv(stringTable)
        let castStrings = try s.select(col("id"), col("s").cast(.long), col("s").cast(.double), col("s").cast(.boolean))
            .collect().sorted { ($0.getLong(0) ?? 0) < ($1.getLong(0) ?? 0) }
        #expect(castStrings.count == Self.strings.count)
        for (row, want) in zip(castStrings, Self.strings) {
            let got = (row[1].description, row[2].description, row[3].description)
            #expect(got == (want.1, want.2, want.3), "cast of \(quoted(want.0)) (bigint, double, boolean)")
        }

        let d = try session.read.option("header", false).schema("id BIGINT, d DOUBLE").csv(doubleTable)
        let castDoubles = try d.select(col("id"), col("d").cast(.long), col("d").cast(.boolean))
            .collect().sorted { ($0.getLong(0) ?? 0) < ($1.getLong(0) ?? 0) }
        #expect(castDoubles.count == Self.doubles.count)
        for (row, want) in zip(castDoubles, Self.doubles) {
            #expect((row[1].description, row[2].description) == (want.1, want.2), "cast of the double \(want.0) (bigint, boolean)")
        }

        // bigint → boolean and boolean → double.
        let flags = try d.select((col("id") - lit(2)).cast(.boolean).alias("b")).select(col("b"), col("b").cast(.double))
            .collect().map(\.description).sorted()
        #expect(flags == ["[false,0.0]"] + Array(repeating: "[true,1.0]", count: Self.doubles.count - 1))
    }
}
