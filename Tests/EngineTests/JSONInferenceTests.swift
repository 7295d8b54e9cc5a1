// JSONInferenceTests: schema inference of JSON lines against Spark's JsonInferSchema rules, one
// hand-made case per rule with the schema Spark infers (nested values being strings in Ember).

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct JSONInferenceTests {
    /// The inferred schema of these lines, as DDL (`name type, …`).
    func infer(_ lines: [String], _ options: [(String, String)] = []) throws -> String {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", lines.joined(separator: "\n"))
        let schema = try JSONSource.inferSchema(paths: [path], format: try jsonFormat(options))
        return schema.fields.map { "\($0.name) \($0.dataType.simpleString)" }.joined(separator: ", ")
    }

    @Test(arguments: [
        // The union of the keys, sorted by name (not file order), as Java compares strings.
        ([#"{"b": 1, "a": 2}"#, #"{"c": 3, "Y": 4}"#, #"{"_x": 5, "Z": 6}"#], "Y bigint, Z bigint, _x bigint, a bigint, b bigint, c bigint"),
        // Widening: bigint + double → double; bigint + string, double + boolean → string.
        ([#"{"n": 1}"#, #"{"n": 2.5}"#, #"{"m": 1}"#, #"{"m": "x"}"#, #"{"k": 1.5}"#, #"{"k": true}"#], "k string, m string, n double"),
        // Exponents, NaN and Infinity are doubles; integers beyond Int64 are doubles (Spark's decimal).
        ([#"{"e": 1e3, "nan": NaN, "inf": -Infinity, "big": 18446744073709551616, "max": 9223372036854775807}"#],
         "big double, e double, inf double, max bigint, nan double"),
        // Null and the empty string are no value: the other values decide; only nulls → string.
        ([#"{"a": null, "b": "", "c": null}"#, #"{"a": 3, "b": 4.5}"#], "a bigint, b double, c string"),
        ([#"{"t": true}"#, #"{"t": false, "u": null}"#], "t boolean, u string"),
        // Objects and arrays (Spark: struct and array) are read as their JSON text.
        ([#"{"o": {"x": 1}, "l": [1, 2]}"#, #"{"o": {"y": "z"}, "l": []}"#], "l string, o string"),
        ([#"{"o": {"x": 1}}"#, #"{"o": 5}"#], "o string"),
        // A field that is only ever an empty object is dropped (Spark drops empty structs); {} and
        // an object with fields make an object.
        ([#"{"e": {}, "f": {}, "a": 1}"#, #"{"e": {}, "f": {"g": 1}}"#], "a bigint, f string"),
        // Blank lines and whitespace are skipped; a top-level array contributes each object.
        (["", "   ", #"[{"a": 1}, {"b": "x"}]"#, "[]", #" {"c": true} "#], "a bigint, b string, c boolean"),
        // Names as written, escapes decoded; a repeated key merges its types.
        ([#"{"\u0041\u00e9": 1, "d": 1, "d": 2.5}"#], "Aé bigint, d double"),
        // Nothing to infer from: no columns.
        ([], ""),
    ] as [([String], String)])
    func sparkRules(_ lines: [String], _ expected: String) throws {
        #expect(try infer(lines) == expected)
    }

    @Test func primitivesAsStringMakesEveryPrimitiveAString() throws {
        let lines = [#"{"a": 1, "b": 2.5, "c": true, "d": "x", "e": null, "f": [1], "g": ""}"#]
        #expect(try infer(lines, [("primitivesAsString", "true")]) == "a string, b string, c string, d string, e string, f string, g string")
        // Reading them: numbers and booleans as their JSON text.
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", lines[0])
        #expect(try jsonScan(path, options: [("primitivesAsString", "true")]).rows
                == [[.string("1"), .string("2.5"), .string("true"), .string("x"), .null, .string("[1]"), .string("")]])
    }

    @Test func dropFieldIfAllNullDropsFieldsWithoutAValue() throws {
        #expect(try infer([#"{"a": null, "b": 1, "c": ""}"#], [("dropFieldIfAllNull", "true")]) == "b bigint")
    }

    @Test func malformedLinesAddTheCorruptRecordColumnOnlyInPermissiveMode() throws {
        let lines = [#"{"a": 1}"#, #"{"a": 2"#, #"{"b": "partial", "a": x}"#, "7"]
        // The malformed lines' fields do not count: b is never seen in a well-formed line.
        #expect(try infer(lines) == "_corrupt_record string, a bigint")
        #expect(try infer(lines, [("columnNameOfCorruptRecord", "bad")]) == "a bigint, bad string")
        #expect(try infer(lines, [("mode", "DROPMALFORMED")]) == "a bigint")
        #expect(try infer([#"{"a": 1}"#]) == "a bigint")
        let error = try #require(throws: EmberError.self) { try infer(lines, [("mode", "FAILFAST")]) }
        #expect(error.context.contains { $0.key == "line" && $0.value == "2" })
        #expect(error.message.contains("malformed JSON record"))
    }

    @Test func samplingReadsASeededFractionOfTheLines() throws {
        var lines = (0..<2000).map { #"{"a\#($0 % 500)": 1}"# }
        lines.append(#"{"a0": "text"}"#)
        let full = try infer(lines)
        let sampled = try infer(lines, [("samplingRatio", "0.1")])
        #expect(sampled == (try infer(lines, [("samplingRatio", "0.1")])))   // the same sample each time
        let sampledNames = Set(sampled.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let fullNames = Set(full.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0 == "a0 string" ? "a0 bigint" : $0 })
        #expect(sampledNames.count > 50 && sampledNames.count < 400)
        #expect(sampledNames.isSubset(of: fullNames.union(["a0 string"])))
        #expect(try infer(lines, [("samplingRatio", "0.9999999999999999")]) == full)   // above 0.99 Spark reads every line
    }

    @Test func namesThatDifferOnlyInCaseAreRefused() throws {
        let error = try #require(throws: EmberError.self) { try infer([#"{"a": 1, "A": 2}"#]) }
        #expect(error.message.contains("duplicate column"))
    }

    @Test func aUserSchemaIsTakenAsItIsAndItsCorruptColumnMustBeAString() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", #"{"a": 1}"#)
        let schema = try StructType.fromDDL("z DOUBLE, a BIGINT")
        #expect(try JSONSource.resolve(paths: [path], format: jsonFormat(), userSchema: schema).schema == schema)
        #expect(throws: EmberError.self) {
            try JSONSource.resolve(paths: [path], format: jsonFormat(), userSchema: StructType.fromDDL("_corrupt_record BIGINT"))
        }
        #expect(throws: EmberError.self) { try JSONSource.inferSchema(paths: [dir.path + "/missing.json"], format: jsonFormat()) }
    }
}
