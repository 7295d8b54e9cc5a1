// JSONScanTests: the JSON lines scan in-process: values of every type, escapes and unicode,
// numbers, nested values as JSON text, pruning, splits, root arrays, and the three parse modes.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct JSONScanTests {
    static let typed = try! StructType.fromDDL("l BIGINT, d DOUBLE, b BOOLEAN, s STRING, day DATE, ts TIMESTAMP")

    @Test func valuesOfEveryTypeWithAUserSchema() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let lines = [
            #"{"l": 9223372036854775807, "d": 0.1, "b": true, "s": "plain", "day": "2024-02-29", "ts": "2024-05-01T12:30:00.123456Z"}"#,
            #"{"l":-9223372036854775808,"d":-0.0,"b":false,"s":"","day":"1969-12-31","ts":"1969-12-31 23:59:59"}"#,
            #"  {"d": 1e308, "l": 0, "s": "tab\there \"q\" back\\slash \/ \u00e9\ud83d\ude00 é😀 \b\f\n\r", "ts": 1700000000}  "#,
            #"{"d": 5e-324, "b": null, "s": null, "l": null}"#,
            #"{"d": 123456789012345678901234567890, "s": "\u0000\u001f"}"#,
            #"{"d": "NaN"}"#, #"{"d": "-Infinity"}"#, #"{"d": Infinity}"#, #"{"d": -INF}"#, #"{"d": 12}"#,
            #"{}"#,
        ]
        let path = try dir.write("t.json", lines.joined(separator: "\n") + "\n")
        let rows = try jsonScan(path, schema: Self.typed).rows
        #expect(rows.count == lines.count)
        #expect(rows[0] == [.long(.max), .double(0.1), .boolean(true), .string("plain"), .date(19782), .timestamp(1_714_566_600_123_456)])
        #expect(rows[1] == [.long(.min), .double(-0.0), .boolean(false), .string(""), .date(-1), .timestamp(-1_000_000)])
        #expect(rows[2] == [.long(0), .double(1e308), .null, .string("tab\there \"q\" back\\slash / é😀 é😀 \u{8}\u{c}\n\r"), .null,
                            .timestamp(1_700_000_000_000_000)])
        #expect(rows[3] == [.null, .double(.leastNonzeroMagnitude), .null, .null, .null, .null])
        #expect(rows[4][1] == .double(1.2345678901234568e29))
        #expect(rows[4][3] == .string("\u{0}\u{1f}"))
        #expect(rows[5][1].doubleValue?.isNaN == true)
        #expect(rows[6][1] == .double(-.infinity))
        #expect(rows[7][1] == .double(.infinity))
        #expect(rows[8][1] == .double(-.infinity))
        #expect(rows[9][1] == .double(12))
        #expect(rows[10] == Array(repeating: .null, count: 6))
    }

    @Test func nonStringValuesOfAStringColumnAreTheirCompactJSONText() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", """
            {"v": {"a" : [1, 2.50, "x\\u0041\\n", true, null, {}], "b": {"c": -0}}}
            {"v": [ ]}
            {"v": 1.50}
            {"v": 1e2}
            {"v": 42}
            {"v": false}
            {"v": 'single \\' "quoted"'}

            """)
        let rows = try jsonScan(path, schema: StructType.fromDDL("v STRING")).rows.map { $0[0] }
        #expect(rows == [.string(#"{"a":[1,2.5,"xA\n",true,null,{}],"b":{"c":0}}"#), .string("[]"), .string("1.5"), .string("100.0"),
                         .string("42"), .string("false"), .string(#"single ' "quoted""#)])
    }

    @Test func onlyTheRequiredColumnsAreBuiltButEveryLineIsChecked() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", """
            {"a": 1, "b": "x", "c": [1, {"d": 2}]}
            {"a": 2, "b": 7, "c": null}
            {"a": 3, "b": "y", "c": [1, }
            {"zz": {"deep": [[[]]]}, "a": 4}

            """)
        let schema = try StructType.fromDDL("a BIGINT, b BIGINT, c STRING, _corrupt_record STRING")
        // b is not read: its wrong-typed "x" goes unnoticed (Spark's pruning), the syntax error of line 3 does not.
        let rows = try jsonScan(path, schema: schema, columns: [0, 3]).rows
        #expect(rows == [[.long(1), .null], [.long(2), .null], [.null, .string(#"{"a": 3, "b": "y", "c": [1, }"#)], [.long(4), .null]])
        // Reading b too: line 1's "x" makes b null and the line is kept as a corrupt record (partial results).
        let all = try jsonScan(path, schema: schema).rows
        #expect(all[0] == [.long(1), .null, .string(#"[1,{"d":2}]"#), .string(#"{"a": 1, "b": "x", "c": [1, {"d": 2}]}"#)])
        #expect(all[1] == [.long(2), .long(7), .null, .null])
    }

    @Test func repeatedFieldsKeepTheLastValueAndBlankLinesAreSkipped() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", Array("\u{FEFF}".utf8) + Array("{\"a\":1,\"a\":2}\r\n   \n\n\t\r\n{\"a\":null,\"a\":3,\"b\":1}\r\n{\"b\":2}".utf8))
        let rows = try jsonScan(path, schema: StructType.fromDDL("a BIGINT, b BIGINT")).rows
        #expect(rows == [[.long(2), .null], [.long(3), .long(1)], [.null, .long(2)]])
    }

    @Test func aTopLevelArrayGivesOneRowPerObject() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.json", """
            [{"a": 1}, {"a": 2, "b": "x"}]
            []
            [{"a": 3}, 4]
            {"a": 6}

            """)
        let (schema, rows) = try jsonScan(path)
        #expect(schema == StructType([StructField("_corrupt_record", .string), StructField("a", .long), StructField("b", .string)]))
        #expect(rows == [[.null, .long(1), .null], [.null, .long(2), .string("x")],
                         [.string(#"[{"a": 3}, 4]"#), .null, .null], [.null, .long(6), .null]])
        // A value of the wrong type in an array's object makes the whole line malformed.
        let wrong = try dir.write("wrong.json", #"[{"a": "wrong"}, {"a": 5}]"# + "\n" + #"[{"a": 7}]"#)
        #expect(try jsonScan(wrong, schema: schema).rows == [[.string(#"[{"a": "wrong"}, {"a": 5}]"#), .null, .null], [.null, .long(7), .null]])
    }

    /// Lines that are not JSON: bad escapes, bad UTF-8, raw control characters, bad numbers, bad
    /// literals, truncation, a root that is not an object.
    static let malformedText: [String] = [
        #"{"a": "\x"}"#, #"{"a": "\u12"}"#, #"{"a": "\ud800"}"#, #"{"a": "\udc00\ud800"}"#, #"{"a": "\ud800\u0041"}"#,
        #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": .5}"#, #"{"a": +1}"#, #"{"a": 1e}"#, #"{"a": -}"#, #"{"a": tru}"#, #"{"a": nul}"#,
        #"{"a": 1"#, #"{"a" 1}"#, #"{a: 1}"#, #"{"a": 1,}"#, #"{"a": [1,]}"#, #"{"a": "open}"#, #"{"a": {"b": 1}"#,
        #"1"#, #""text""#, #"null"#, #"true"#, #"}"#,
        "{\"a\": " + String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000) + "}",
    ]
    static let badBytes: [[UInt8]] = [
        [0x01],                      // a raw control character
        [0xC3, 0x28],                // a lead byte without its continuation
        [0xED, 0xA0, 0x80],          // an encoded surrogate
        [0xC0, 0xAF],                // overlong
        [0xF4, 0x90, 0x80, 0x80],    // above U+10FFFF
    ]
    static var malformedLines: [[UInt8]] {
        let prefix: [UInt8] = Array(#"{"a": "x"#.utf8), suffix: [UInt8] = Array(#""}"#.utf8)
        return malformedText.map { Array($0.utf8) } + badBytes.map { prefix + $0 + suffix }
    }

    @Test func theThreeModesOnMalformedLines() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var bytes: [UInt8] = []
        for line in Self.malformedLines { bytes += Array(#"{"a": "good"}"#.utf8) + [0x0A] + line + [0x0A] }
        let path = try dir.write("t.json", bytes)
        let schema = try StructType.fromDDL("a STRING, _corrupt_record STRING")
        let permissive = try jsonScan(path, schema: schema, splitSize: 97).rows
        #expect(permissive.count == Self.malformedLines.count * 2)
        for (k, line) in Self.malformedLines.enumerated() {
            #expect(permissive[2 * k] == [.string("good"), .null])
            #expect(permissive[2 * k + 1] == [.null, .string(String(decoding: line, as: UTF8.self))], "line \(2 * k + 2)")
        }
        let dropped = try jsonScan(path, schema: schema, options: [("mode", "DROPMALFORMED")], splitSize: 97).rows
        #expect(dropped == Array(repeating: [.string("good"), .null], count: Self.malformedLines.count))
        // FAILFAST names the file and the line of the first malformed record (line 2), whichever split reads it.
        let error = try #require(throws: EmberError.self) { try jsonScan(path, schema: schema, options: [("mode", "FAILFAST")], splitSize: 97) }
        #expect(error.message.contains("malformed JSON record"))
        #expect(error.context.contains { $0.key == "file" && $0.value == path })
        #expect(error.context.contains { $0.key == "line" && $0.value == "2" })
        // A later split reports its own line of the file.
        let lastSplit = try scanSplits(of: path, size: 97).last!
        let scan = FileScan(paths: [path], format: try jsonFormat([("mode", "failfast")]), dataSchema: schema, splits: [lastSplit])
        var metrics = TaskMetrics()
        let late = try #require(throws: EmberError.self) { try JSONSource.scan(lastSplit, scan, metrics: &metrics) { _ in } }
        let lineNumber = Int(late.context.first { $0.key == "line" }?.value ?? "") ?? 0
        #expect(lineNumber > 2 && lineNumber <= Self.malformedLines.count * 2)
    }

    @Test func valuesOfTheWrongTypeNullTheirFieldAndMarkTheRecord() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let lines = [#"{"l": 1.5, "d": 2}"#, #"{"l": "7", "b": 1}"#, #"{"l": 99999999999999999999}"#, #"{"d": "", "day": "2024-13-01"}"#,
                     #"{"d": "1.5", "ts": 1.5}"#, #"{"b": "true", "s": 3}"#, #"{"day": 20240101, "l": [1]}"#]
        let path = try dir.write("t.json", lines.joined(separator: "\n"))
        let schema = StructType(Self.typed.fields + [StructField("_corrupt_record", .string)])
        let rows = try jsonScan(path, schema: schema).rows
        #expect(rows[0] == [.null, .double(2), .null, .null, .null, .null, .string(lines[0])])
        #expect(rows[5] == [.null, .null, .null, .string("3"), .null, .null, .string(lines[5])])
        for (k, row) in rows.enumerated() { #expect(row[6] == .string(lines[k])) }
        #expect(try jsonScan(path, schema: schema, options: [("mode", "DROPMALFORMED")]).rows.isEmpty)
        let error = try #require(throws: EmberError.self) { try jsonScan(path, schema: schema, options: [("mode", "FAILFAST")]) }
        #expect(error.message.contains("'1.5' is not a bigint (field l)"))
        #expect(error.context.contains { $0.key == "line" && $0.value == "1" })
    }

    @Test func splitsOwnTheLinesThatStartInThem() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var rng = SplitMix64(seed: 7)
        var lines: [String] = []
        for i in 0..<1000 {
            let pad = String(repeating: " ", count: Int(rng.next() % 40))
            lines.append(i % 97 == 0 ? "" : #"{"i": \#(i),\#(pad) "s": "\#(String(repeating: "é", count: Int(rng.next() % 5)))"}"#)
        }
        let path = try dir.write("t.json", lines.joined(separator: "\n"))
        let (schema, whole) = try jsonScan(path)
        #expect(whole.count == 1000 - 11)
        for size: Int64 in [13, 100, 4096, 50_000] {
            #expect(try jsonScan(path, schema: schema, splitSize: size).rows == whole, "split size \(size)")
        }
    }

    /// Mutated lines (bytes flipped, cut, inserted) never crash the scan or inference: each line
    /// is rows or a corrupt record, and the modes agree on which.
    @Test(arguments: 0..<3 as Range<UInt64>) func mutatedLinesAreRowsOrCorruptRecordsNeverACrash(seed: UInt64) throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var rng = SplitMix64(seed: 99 + seed)
        let seeds = [#"{"l": -12, "d": 1.5e3, "b": true, "s": "a\u00e9\ud83d\ude00\n", "day": "2024-01-31", "n": [1, {"x": null}]}"#,
                     #"[{"l": 1}, {"s": "x", "ts": "2024-01-01T00:00:00Z"}]"#, #"{"d": NaN, "s": 'single', "b": false}"#]
        let specials: [UInt8] = Array(#"{}[]",:\u0123456789eE+-.ntfrNI'"#.utf8) + [0x00, 0x0D, 0x09, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
        var bytes: [UInt8] = []
        var lines = 0
        for _ in 0..<3000 {
            var line = Array(seeds[rng.below(seeds.count)].utf8)
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(line.count)
                switch rng.below(4) {
                case 0: line[at] = specials[rng.below(specials.count)]
                case 1: line.removeSubrange(at...)
                case 2: line.insert(specials[rng.below(specials.count)], at: at)
                default: line.remove(at: at)
                }
                if line.isEmpty { line = [UInt8(ascii: "{")] }
            }
            line.removeAll { $0 == 0x0A }
            bytes += line + [0x0A]
            lines += 1
        }
        let path = try dir.write("t.json", bytes)
        let schema = StructType(Self.typed.fields + [StructField("n", .string), StructField("_corrupt_record", .string)])
        let permissive = try jsonScan(path, schema: schema, splitSize: 4096).rows
        let dropped = try jsonScan(path, schema: schema, options: [("mode", "DROPMALFORMED")], splitSize: 4096).rows
        let corrupt = permissive.filter { !$0[7].isNull }
        #expect(permissive.count - corrupt.count == dropped.count)
        #expect(corrupt.count > 1000 && dropped.count > 100)
        // Inference over the same lines: a schema, or a clear error (mutations make names like N and n).
        do { _ = try jsonScan(path) } catch let error as EmberError { #expect(error.message.contains("duplicate column")) }
    }

    @Test func optionsAreCheckedByName() throws {
        #expect(throws: EmberError.self) { try jsonFormat([("samplingRatio", "0")]) }
        #expect(throws: EmberError.self) { try jsonFormat([("samplingRatio", "1.5")]) }
        #expect(throws: EmberError.self) { try jsonFormat([("multiLine", "true")]) }
        #expect(throws: EmberError.self) { try jsonFormat([("mode", "LENIENT")]) }
        let error = try #require(throws: EmberError.self) { try jsonFormat([("primitiveAsString", "true")]) }
        #expect(error.hint?.contains("primitivesAsString") == true)
        guard case .json(let options) = try jsonFormat([("PRIMITIVESASSTRING", "true"), ("samplingratio", "0.5"), ("Mode", "dropmalformed"),
                                                         ("columnNameOfCorruptRecord", "bad"), ("multiline", "false")]) else {
            Issue.record("not a JSON format")
            return
        }
        #expect(options.primitivesAsString && options.samplingRatio == 0.5 && options.mode == .dropMalformed && options.columnNameOfCorruptRecord == "bad")
    }
}
