// CSVBlockSplitterTests: the one-pass CSV scan (CSVBlockSplitter: lines and fields found 64 bytes
// at a time) against the line-by-line scan on seeded random files, and the word-at-a-time short
// field parse (ShortFieldWord) against the byte loop it replaces.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct CSVBlockSplitterTests {
    /// A random CSV file over the bytes that matter: delimiters, quotes, escapes, `\r`, blank and
    /// comment lines, a byte order mark, empty fields, numbers, long lines, with or without a
    /// final newline.
    static func randomFile(_ rng: inout SplitMix64, _ options: CSVOptions, fields: Int) -> [UInt8] {
        let d = options.delimiter, q = options.quote
        var out: [UInt8] = rng.next() % 4 == 0 ? [0xEF, 0xBB, 0xBF] : []
        let lines = Int(rng.next() % 400)
        for _ in 0..<lines {
            switch rng.next() % 20 {
            case 0: out += Array("   ".utf8).prefix(Int(rng.next() % 4))             // blank
            case 1: out += [options.comment ?? UInt8(ascii: "#")] + Array("note,x".utf8)
            default:
                let n = rng.next() % 10 == 0 ? Int(rng.next() % UInt64(fields + 3)) + 1 : fields
                for f in 0..<n {
                    if f > 0 { out.append(d) }
                    switch rng.next() % 12 {
                    case 0: break                                                       // empty: null
                    case 1: out += [q] + Array("a".utf8) + [d] + Array("b".utf8) + [q]  // quoted delimiter
                    case 2: out += [q] + Array("it".utf8) + [q, q] + Array("s".utf8) + [q]
                    case 3: out += Array("x".utf8) + [q] + Array("y".utf8)             // quote inside a field
                    case 4: out += Array(String(Int64(bitPattern: rng.next()) >> Int(rng.next() % 64)).utf8)
                    case 5: out += Array(String(format: "%.2f", Double(Int64(rng.next() % 2_000_000) - 1_000_000) / 100).utf8)
                    case 6: out += Array(["-", ".", "-.", "1.", ".5", "1.2.3", "+7", "12345678", "1234567.", "-0"][Int(rng.next() % 10)].utf8)
                    case 7: out += (0..<Int(rng.next() % 90)).map { _ in UInt8(ascii: "a") &+ UInt8(rng.next() % 26) }
                    case 8: out += [0xC3, 0xA9]                                          // é
                    default: out += (0..<Int(rng.next() % 9)).map { _ in [UInt8(ascii: "u"), UInt8(ascii: "S"), 0x20, options.escape][Int(rng.next() % 4)] }
                    }
                }
            }
            if rng.next() % 8 == 0 { out.append(0x0D) }
            out.append(0x0A)
        }
        if rng.next() % 3 == 0, out.last == 0x0A { out.removeLast() }   // no final newline
        if rng.next() % 5 == 0 { out += Array("tail,1,2.5".utf8) }
        return out
    }

    static func scan(_ path: String, _ splits: [FileSplit], _ options: CSVOptions, _ schema: StructType, columns: [Int],
                     lineByLine: Bool) -> Result<[[Value]], EmberError> {
        var rows: [[Value]] = []
        do {
            for split in splits {
                try CSVScanner.scan(split, options: options, dataSchema: schema, requiredColumns: columns, batchSize: 13,
                                    chunkSize: 4096, lineByLine: lineByLine) { rows += $0.rows }
            }
            return .success(rows)
        } catch let error as EmberError {
            return .failure(error)
        } catch {
            return .failure(EmberError(.internal, "\(error)"))
        }
    }

    /// Every option set, schema, column choice and split size gives the same rows (or the same
    /// error) both ways, through refills of a small read buffer.
    @Test func blockScanAgreesWithLineByLine() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        var rng = SplitMix64(seed: 2613)
        let types: [DataType] = [.string, .long, .double]
        for round in 0..<80 {
            var options = CSVOptions()
            if round % 4 == 3 {
                options.delimiter = UInt8(ascii: "\t")
                options.quote = UInt8(ascii: "'")
            }
            options.header = round % 2 == 0
            options.comment = round % 3 == 0 ? UInt8(ascii: "#") : nil
            options.mode = [ParseMode.permissive, .dropMalformed, .failFast][round % 3]
            if round % 7 == 0 { options.nullValue = "NA" }
            let fields = Int(rng.next() % 6) + 1
            let schema = StructType((0..<fields).map { StructField("c\($0)", types[Int(rng.next() % 3)]) })
            let columns = (0..<fields).filter { _ in rng.next() % 3 != 0 }
            let path = try dir.write("r\(round).csv", Self.randomFile(&rng, options, fields: fields))
            let length = try scanFileLength(path)
            for size in [max(length, 1), Int64(rng.next() % 3000) + 1, Int64(rng.next() % 200) + 1] {
                let splits = try scanSplits(of: path, size: size)
                let block = Self.scan(path, splits, options, schema, columns: columns, lineByLine: false)
                let lines = Self.scan(path, splits, options, schema, columns: columns, lineByLine: true)
                switch (block, lines) {
                case (.success(let a), .success(let b)):
                    #expect(a == b, "round \(round) split size \(size)")
                case (.failure(let a), .failure(let b)):
                    #expect(a.message == b.message && a.context.map(\.value) == b.context.map(\.value), "round \(round)")
                default:
                    Issue.record("round \(round) split size \(size): \(block) vs \(lines)")
                }
            }
        }
    }

    /// A line longer than the limit is the same error both ways.
    @Test func longLineLimit() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("long.csv", "a,b\n" + String(repeating: "x", count: 10_000) + ",1\nc,d\n")
        let schema = StructType([StructField("x", .string), StructField("y", .string)])
        for lineByLine in [false, true] {
            #expect(throws: EmberError.self) {
                try CSVScanner.scan(try scanWholeSplit(path), options: CSVOptions(), dataSchema: schema, requiredColumns: [0, 1],
                                    limits: ScanLimits(maxLineBytes: 5000), chunkSize: 4096, lineByLine: lineByLine) { _ in }
            }
        }
    }

    /// The word parse returns what the byte loop returns (bit for bit), or nil where the byte
    /// loop does (then the full parser decides); short strings are stored intact.
    @Test func shortFieldWordAgreesWithByteLoop() {
        var rng = SplitMix64(seed: 77)
        let alphabet = Array("0123456789.-+e 0123456789".utf8)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 8)
        defer { buffer.deallocate() }
        for _ in 0..<200_000 {
            let n = Int(rng.next() % 8) + 1
            for k in 0..<32 { buffer.storeBytes(of: UInt8(truncatingIfNeeded: rng.next()), toByteOffset: k, as: UInt8.self) }
            for k in 0..<n { buffer.storeBytes(of: alphabet[Int(rng.next() % UInt64(alphabet.count))], toByteOffset: 16 + k, as: UInt8.self) }
            let field = UnsafeRawBufferPointer(start: buffer + 16, count: n)
            guard let word = ShortFieldWord(field, readableFrom: buffer + 16 - (8 - n)) else {
                Issue.record("no word for \(n) bytes")
                continue
            }
            let expected = ValueParsers.parsePlainDecimal(field)
            let got = word.plainDecimal()
            if let got { #expect(got.bitPattern == expected?.bitPattern, "\(String(decoding: field, as: UTF8.self))") }
            else { #expect(expected == nil, "\(String(decoding: field, as: UTF8.self))") }
            var stored = [UInt8](repeating: 0, count: 8)
            stored.withUnsafeMutableBytes { word.store(to: $0.baseAddress!) }
            #expect(Array(stored.prefix(n)) == Array(field))
        }
        // Too close to the readable start, or too long: no word.
        #expect(ShortFieldWord(UnsafeRawBufferPointer(start: buffer + 16, count: 4), readableFrom: buffer + 13) == nil)
        #expect(ShortFieldWord(UnsafeRawBufferPointer(start: buffer + 16, count: 9), readableFrom: buffer) == nil)
        #expect(ShortFieldWord(UnsafeRawBufferPointer(start: buffer + 16, count: 0), readableFrom: buffer) == nil)
    }
}
