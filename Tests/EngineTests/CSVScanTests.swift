// CSVScanTests: random CSV files against the naive reference, the PERMISSIVE/DROPMALFORMED/FAILFAST
// parse modes and the byte-level value parsers.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

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

    /// The word-at-a-time tokenizer splits every line as the byte-by-byte one does, and stopping
    /// after n fields gives the first n of them: random lines over the bytes that matter (delimiter,
    /// quote, escape, space, letters), short and long, with both quote conventions.
    @Test func wordAtATimeTokenizerAgreesWithBytewise() {
        var rng = SeededRandom(seed: 1301)
        var tabs = CSVOptions()
        tabs.delimiter = UInt8(ascii: "\t")
        tabs.quote = UInt8(ascii: "'")
        for options in [CSVOptions(), tabs] {
            let fast = CSVTokenizer(options: options), slow = CSVTokenizer(options: options)
            let alphabet: [UInt8] = [options.delimiter, options.delimiter, options.quote, options.escape, 0x20, 0x61, 0x62, 0x63, 0x64, 0xC3]
            for round in 0..<20_000 {
                let quoteFree = round % 3 == 0
                let length = Int(rng.next() % (round % 10 == 0 ? 300 : 40))
                let line: [UInt8] = (0..<length).map { _ in
                    var b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    if quoteFree && b == options.quote { b = 0x61 }
                    return b
                }
                let maxFields = Int(rng.next() % 8) + 1
                line.withUnsafeBytes { bytes in
                    slow.tokenizeBytewise(bytes)
                    let expected = (0..<slow.count).map { (Array(slow.field($0)), slow.isQuoted($0)) }
                    fast.tokenize(bytes)
                    let got = (0..<fast.count).map { (Array(fast.field($0)), fast.isQuoted($0)) }
                    #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1), "\(String(decoding: line, as: UTF8.self))")
                    fast.tokenize(bytes, maxFields: maxFields)
                    let prefix = (0..<fast.count).map { Array(fast.field($0)) }
                    #expect(prefix == Array(expected.map(\.0).prefix(maxFields)), "\(String(decoding: line, as: UTF8.self)) max \(maxFields)")
                }
            }
        }
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


// MARK: - Column accumulator

@Suite struct ColumnAccumulatorTests {
    /// Random appends, nulls and undos of every kind, past the reserved rows (so buffers grow),
    /// over several batches, against the values kept aside in plain arrays.
    @Test func equalsAPlainArrayUnderAppendsNullsAndUndos() {
        var rng = SeededRandom(seed: 4242)
        for kind in [ScanKind.long, .double, .boolean, .string, .date, .timestamp] {
            var column = ColumnAccumulator(kind: kind, rowsPerBatch: 5)
            for _ in 0..<6 {
                var expected: [Value] = []
                for _ in 0..<Int(rng.next() % 300) {
                    let r = rng.next()
                    if r % 7 == 0 && !expected.isEmpty {
                        column.removeLast()
                        expected.removeLast()
                    } else if r % 5 == 0 {
                        column.appendNull()
                        expected.append(.null)
                    } else {
                        let x = Int64(bitPattern: rng.next() >> UInt64(r % 60))
                        switch kind {
                        case .long: column.appendLong(x); expected.append(.long(x))
                        case .timestamp: column.appendTimestamp(x); expected.append(.timestamp(x))
                        case .double: column.appendDouble(Double(x) / 3); expected.append(.double(Double(x) / 3))
                        case .boolean: column.appendBool(x & 1 == 0); expected.append(.boolean(x & 1 == 0))
                        case .date: column.appendDate(Int32(truncatingIfNeeded: x)); expected.append(.date(Int32(truncatingIfNeeded: x)))
                        case .string:
                            let s = String(repeating: "é\(x % 10)", count: Int(r % 40))
                            var copy = s
                            copy.withUTF8 { column.appendString(UnsafeRawBufferPointer($0)) }
                            expected.append(.string(s))
                        }
                    }
                }
                let vector = column.finish()
                #expect(vector.count == expected.count)
                #expect((0..<vector.count).map { vector.value(at: $0) } == expected, "\(kind)")
            }
        }
    }
}
