// ParquetDecoderTests: each Parquet decoder against a reference encoder written here from the
// spec: the RLE/bit-packed hybrid (every bit width, runs split across calls, an unpadded last
// group, a stream too short), DELTA_BINARY_PACKED (wrap-around, partial blocks, skipping to the
// end), DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, PLAIN booleans across
// calls, dictionary ids out of range; the value conversions (wide decimals, INT96, half floats);
// the null spreading of definition levels; and every codec against its library's compressor.

import CLZ4
import CSnappy
import CZlib
import CZstd
@_spi(EmberInternal) @testable import Executor
import Foundation
import Testing
@_spi(EmberInternal) import Planner

/// Reference encoders from the spec (Encodings.md).
enum ParquetTestEncoders {
    static func varint(_ v: UInt64, into out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    static func zigzag(_ v: Int64, into out: inout [UInt8]) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)), into: &out) }

    /// LSB-first packing of `values` at `width` bits, padded to whole bytes.
    static func pack(_ values: [UInt64], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
        for (i, v) in values.enumerated() {
            for b in 0..<width where (v >> UInt64(b)) & 1 == 1 {
                let bit = i * width + b
                out[bit / 8] |= 1 << UInt8(bit % 8)
            }
        }
        return out
    }

    /// The hybrid: runs of ≥ 8 equal values as RLE runs, the rest in bit-packed groups of 8.
    static func hybrid(_ values: [UInt32], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            var run = 1
            while i + run < values.count && values[i + run] == values[i] { run += 1 }
            if run >= 8 {
                varint(UInt64(run) << 1, into: &out)
                for k in 0..<((width + 7) / 8) { out.append(UInt8(truncatingIfNeeded: values[i] >> UInt32(8 * k))) }
                i += run
            } else {
                let n = min(8 * Int.random(in: 1...3), values.count - i)
                let groups = (n + 7) / 8
                varint(UInt64(groups) << 1 | 1, into: &out)
                var group = values[i..<(i + n)].map { UInt64($0) }
                group += [UInt64](repeating: 0, count: groups * 8 - n)
                out += pack(group, width: width)
                i += n
            }
        }
        return out
    }

    static func deltaBinaryPacked(_ values: [Int64], blockSize: Int = 128, miniblocks: Int = 4) -> [UInt8] {
        var out: [UInt8] = []
        varint(UInt64(blockSize), into: &out)
        varint(UInt64(miniblocks), into: &out)
        varint(UInt64(values.count), into: &out)
        zigzag(values.first ?? 0, into: &out)
        let deltas = zip(values.dropFirst(), values).map { $0 &- $1 }
        let perMiniblock = blockSize / miniblocks
        for blockStart in stride(from: 0, to: deltas.count, by: blockSize) {
            let block = Array(deltas[blockStart..<min(blockStart + blockSize, deltas.count)])
            let minDelta = block.min() ?? 0
            zigzag(minDelta, into: &out)
            let used = (block.count + perMiniblock - 1) / perMiniblock
            var widths: [Int] = []
            for m in 0..<miniblocks {
                guard m < used else { widths.append(0); continue }
                let part = block[(m * perMiniblock)..<min((m + 1) * perMiniblock, block.count)]
                let maxValue = part.map { UInt64(bitPattern: $0 &- minDelta) }.max() ?? 0
                widths.append(64 - maxValue.leadingZeroBitCount)
            }
            out += widths.map { UInt8($0) }
            for m in 0..<used {
                var part = block[(m * perMiniblock)..<min((m + 1) * perMiniblock, block.count)].map { UInt64(bitPattern: $0 &- minDelta) }
                part += [UInt64](repeating: 0, count: perMiniblock - part.count)
                out += pack(part, width: widths[m])
            }
        }
        return out
    }

    static func deltaLengthByteArray(_ values: [[UInt8]]) -> [UInt8] {
        deltaBinaryPacked(values.map { Int64($0.count) }) + values.flatMap { $0 }
    }

    static func deltaByteArray(_ values: [[UInt8]]) -> [UInt8] {
        var prefixes: [Int64] = [], suffixes: [[UInt8]] = []
        var previous: [UInt8] = []
        for v in values {
            var p = 0
            while p < min(v.count, previous.count) && v[p] == previous[p] { p += 1 }
            prefixes.append(Int64(p))
            suffixes.append(Array(v[p...]))
            previous = v
        }
        return deltaBinaryPacked(prefixes) + deltaLengthByteArray(suffixes)
    }
}

@Suite struct ParquetDecoderTests {
    typealias E = ParquetTestEncoders

    static func buffer(_ bytes: [UInt8]) -> ParquetBuffer {
        let b = ParquetBuffer(count: bytes.count)
        bytes.withUnsafeBytes { if let s = $0.baseAddress { b.pointer.copyMemory(from: s, byteCount: bytes.count) } }
        return b
    }

    static func column(_ physical: PhysicalType, _ conversion: ParquetConversion, typeLength: Int = 0) -> ParquetColumn {
        ParquetColumn(name: "c", leafIndex: 0, physicalType: physical, typeLength: typeLength, maxDefinitionLevel: 0, conversion: conversion)
    }

    /// Decodes `count` values of a page in random steps into an output column.
    static func decode(_ bytes: [UInt8], _ encoding: Encoding, _ column: ParquetColumn, count: Int,
                       rng: inout SeededRandom) throws -> ColumnVector {
        let b = buffer(bytes)
        var decoder = try PageValueDecoder(encoding: encoding, column: column, values: b.cursor(0..<b.count))
        var out = ParquetColumnOutput(kind: ScanKind(column.dataType) ?? .string, capacity: count)
        var scratch = DecodeScratch()
        var done = 0
        while done < count {
            let n = min(count - done, Int.random(in: 1...300, using: &rng))
            try decoder.decode(n, into: &out, dictionary: nil, scratch: &scratch)
            out.markPresent(n)
            done += n
        }
        return withExtendedLifetime(b) { out.finish() }
    }

    @Test func rleHybridEveryWidthAcrossCalls() throws {
        var rng = SeededRandom(seed: 1)
        for width in 0...32 {
            let maxValue: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
            var values: [UInt32] = []
            while values.count < 1000 {
                let v = UInt32(UInt64.random(in: 0...maxValue, using: &rng))
                values += [UInt32](repeating: v, count: Bool.random(using: &rng) ? 1 : Int.random(in: 1...40, using: &rng))
            }
            let b = Self.buffer(E.hybrid(values, width: width))
            var decoder = try RLEHybridDecoder(b.cursor(0..<b.count), bitWidth: width)
            var got = [UInt32](repeating: 0, count: values.count)
            var done = 0
            try got.withUnsafeMutableBufferPointer { out in
                while done < values.count {
                    let n = min(values.count - done, Int.random(in: 1...100, using: &rng))
                    try decoder.decode(into: out.baseAddress! + done, count: n)
                    done += n
                }
            }
            #expect(got == values, "width \(width)")
        }
    }

    @Test func rleHybridAcceptsAnUnpaddedLastGroupAndRefusesBadHeaders() throws {
        // 3 values of width 8 in a bit-packed run that claims one group of 8 but holds 3 bytes.
        let b = Self.buffer([0x03, 7, 8, 9])
        var decoder = try RLEHybridDecoder(b.cursor(0..<b.count), bitWidth: 8)
        var out = [UInt32](repeating: 0, count: 3)
        try out.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress!, count: 3) }
        #expect(out == [7, 8, 9])
        #expect(throws: EmberError.self) { try RLEHybridDecoder(b.cursor(0..<b.count), bitWidth: 33) }
        // A stream that ends before the values asked for.
        let short = Self.buffer([0x10, 4])   // an RLE run of 8 fours
        var shortDecoder = try RLEHybridDecoder(short.cursor(0..<short.count), bitWidth: 8)
        var nine = [UInt32](repeating: 0, count: 9)
        #expect(throws: EmberError.self) { try nine.withUnsafeMutableBufferPointer { try shortDecoder.decode(into: $0.baseAddress!, count: 9) } }
        let zeroRun = Self.buffer([0x00, 0x05])
        var zero = try RLEHybridDecoder(zeroRun.cursor(0..<zeroRun.count), bitWidth: 8)
        var one: UInt32 = 0
        #expect(throws: EmberError.self) { try zero.decode(into: &one, count: 1) }
        // Levels above the maximum are refused.
        let levels = Self.buffer(E.hybrid([1, 0, 2, 1], width: 2))
        var levelDecoder = try RLEHybridDecoder(levels.cursor(0..<levels.count), bitWidth: 2)
        var four = [UInt32](repeating: 0, count: 4)
        #expect(throws: EmberError.self) { _ = try four.withUnsafeMutableBufferPointer { try levelDecoder.decodeLevels(into: $0.baseAddress!, count: 4, maxLevel: 1) } }
    }

    @Test func deltaBinaryPackedWrapsAndSkips() throws {
        var rng = SeededRandom(seed: 2)
        for count in [0, 1, 2, 31, 32, 33, 127, 128, 129, 500, 1000] {
            let values: [Int64] = (0..<count).map { _ in
                [Int64.min, Int64.max, 0, -1].randomElement(using: &rng)!
                    &+ (Bool.random(using: &rng) ? Int64.random(in: -1000...1000, using: &rng) : Int64.random(in: .min ... .max, using: &rng))
            }
            let bytes = E.deltaBinaryPacked(values) + [0xAB, 0xCD]
            let longs = try Self.decode(bytes, .deltaBinaryPacked, Self.column(.int64, .int64), count: count, rng: &rng)
            #expect(longs.values == .long(values), "count \(count)")
            // INT32: the low 32 bits of the same arithmetic.
            let ints = values.map { Int64(Int32(truncatingIfNeeded: $0)) }
            let int32Bytes = E.deltaBinaryPacked(ints.map { $0 })
            let got32 = try Self.decode(int32Bytes, .deltaBinaryPacked, Self.column(.int32, .int32(unsigned: false)), count: count, rng: &rng)
            #expect(got32.values == .long(ints))
            // Skipping to the end stops right before the two trailing bytes.
            let b = Self.buffer(bytes)
            var decoder = try DeltaBinaryPackedDecoder(b.cursor(0..<b.count))
            try decoder.skipToEnd()
            #expect(decoder.cursor.position == bytes.count - 2, "count \(count)")
        }
        // A header with a block size that is not a multiple of 128 is refused.
        let bad = Self.buffer([100, 4, 1, 0])
        #expect(throws: EmberError.self) { try DeltaBinaryPackedDecoder(bad.cursor(0..<bad.count)) }
    }

    @Test func deltaByteArraysAndByteStreamSplit() throws {
        var rng = SeededRandom(seed: 3)
        let words = ["", "a", "apple", "applesauce", "apply", "b", "banana", "bandana", "été", "字字"]
        let strings = (0..<700).map { _ in words.randomElement(using: &rng)! }
        let bytes = strings.map { Array($0.utf8) }
        let expected = ColumnValues.string(StringArray(strings))
        #expect(try Self.decode(E.deltaLengthByteArray(bytes), .deltaLengthByteArray, Self.column(.byteArray, .string),
                                count: 700, rng: &rng).values == expected)
        #expect(try Self.decode(E.deltaByteArray(bytes), .deltaByteArray, Self.column(.byteArray, .string),
                                count: 700, rng: &rng).values == expected)
        // A prefix longer than the previous value is corruption.
        let badPrefix = E.deltaBinaryPacked([0, 5]) + E.deltaLengthByteArray([[1], [2]])
        #expect(throws: EmberError.self) { try Self.decode(badPrefix, .deltaByteArray, Self.column(.byteArray, .string), count: 2, rng: &rng) }

        let doubles = (0..<513).map { _ in Double.random(in: -1e9...1e9, using: &rng) }
        var split = [UInt8](repeating: 0, count: doubles.count * 8)
        for (i, d) in doubles.enumerated() {
            for k in 0..<8 { split[k * doubles.count + i] = UInt8(truncatingIfNeeded: d.bitPattern >> UInt64(8 * k)) }
        }
        #expect(try Self.decode(split, .byteStreamSplit, Self.column(.double, .double), count: 513, rng: &rng).values == .double(doubles))
        let ints = (0..<100).map { _ in Int32.random(in: .min ... .max, using: &rng) }
        var split32 = [UInt8](repeating: 0, count: ints.count * 4)
        for (i, v) in ints.enumerated() {
            for k in 0..<4 { split32[k * ints.count + i] = UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> UInt32(8 * k)) }
        }
        #expect(try Self.decode(split32, .byteStreamSplit, Self.column(.int32, .int32(unsigned: false)), count: 100, rng: &rng).values
                == .long(ints.map(Int64.init)))
        #expect(throws: EmberError.self) { try Self.decode(split32 + [0], .byteStreamSplit, Self.column(.int32, .int32(unsigned: false)), count: 1, rng: &rng) }
    }

    @Test func plainBooleansAcrossCallsAndDictionaryIds() throws {
        var rng = SeededRandom(seed: 4)
        let bools = (0..<333).map { _ in Bool.random(using: &rng) }
        let packed = E.pack(bools.map { $0 ? 1 : 0 }, width: 1)
        #expect(try Self.decode(packed, .plain, Self.column(.boolean, .boolean), count: 333, rng: &rng).values == .boolean(bools))
        #expect(throws: EmberError.self) { try Self.decode(packed, .plain, Self.column(.boolean, .boolean), count: 400, rng: &rng) }

        var dictionary = ParquetColumnOutput(kind: .string, capacity: 0)
        dictionary.strings = StringArray(["x", "yy"])
        let ids = Self.buffer([2] + E.hybrid([0, 1, 1, 0, 2], width: 2))
        var decoder = try PageValueDecoder(encoding: .rleDictionary, column: Self.column(.byteArray, .string), values: ids.cursor(0..<ids.count))
        var out = ParquetColumnOutput(kind: .string, capacity: 8)
        var scratch = DecodeScratch()
        try decoder.decode(4, into: &out, dictionary: dictionary, scratch: &scratch)
        out.markPresent(4)
        #expect(out.finish().values == .string(StringArray(["x", "yy", "yy", "x"])))
        #expect(throws: EmberError.self) { try decoder.decode(1, into: &out, dictionary: dictionary, scratch: &scratch) }
    }

    /// Fixed-width values gather from the dictionary while the ids unpack (no id buffer): every
    /// width, RLE and bit-packed runs, steps crossing runs, and an id past the dictionary's end in
    /// either kind of run is an error naming it.
    @Test func fixedWidthDictionaryIdsGatherWhileUnpacking() throws {
        var rng = SeededRandom(seed: 5)
        for width in 0...32 {
            // Any width may encode ids of a small dictionary; the widest ones hold a few thousand.
            let size = width == 0 ? 1 : Int.random(in: (1 << (min(width, 12) - 1))...(1 << min(width, 12)), using: &rng)
            var dictionary = ParquetColumnOutput(kind: .long, capacity: size)
            dictionary.longs = (0..<size).map { _ in Int64.random(in: .min ... .max, using: &rng) }
            var ids: [UInt32] = []
            while ids.count < 2000 {
                let id = UInt32.random(in: 0..<UInt32(size), using: &rng)
                ids += [UInt32](repeating: id, count: Bool.random(using: &rng) ? 1 : Int.random(in: 1...40, using: &rng))
            }
            let b = Self.buffer([UInt8(width)] + E.hybrid(ids, width: width))
            let column = Self.column(.int64, .int64)
            var decoder = try PageValueDecoder(encoding: .rleDictionary, column: column, values: b.cursor(0..<b.count))
            var out = ParquetColumnOutput(kind: .long, capacity: ids.count)
            var scratch = DecodeScratch()
            var done = 0
            while done < ids.count {
                let n = min(ids.count - done, Int.random(in: 1...300, using: &rng))
                try decoder.decode(n, into: &out, dictionary: dictionary, scratch: &scratch)
                out.markPresent(n)
                done += n
            }
            #expect(out.finish().values == .long(ids.map { dictionary.longs[Int($0)] }), "width \(width)")
        }
        // A bit-packed run whose bytes stop short of its groups (an unpadded last group): the
        // values its bytes hold, gathered through the checked tail, then an error.
        var dates = ParquetColumnOutput(kind: .date, capacity: 32)
        dates.days = (0..<32).map { Int32($0 * 7) }
        let ids: [UInt32] = (0..<11).map { _ in UInt32.random(in: 0..<32, using: &rng) }
        let packed = E.pack((ids + [UInt32](repeating: 0, count: 5)).map { UInt64($0) }, width: 5)
        let cut = Self.buffer([5, 2 << 1 | 1] + packed.prefix(7))
        var cutDecoder = try PageValueDecoder(encoding: .rleDictionary, column: Self.column(.int32, .date), values: cut.cursor(0..<cut.count))
        var cutOut = ParquetColumnOutput(kind: .date, capacity: 11)
        var cutScratch = DecodeScratch()
        try cutDecoder.decode(11, into: &cutOut, dictionary: dates, scratch: &cutScratch)
        cutOut.markPresent(11)
        #expect(cutOut.finish().values == .date(ids.map { dates.days[Int($0)] }))
        #expect(throws: EmberError.self) { try cutDecoder.decode(1, into: &cutOut, dictionary: dates, scratch: &cutScratch) }

        var small = ParquetColumnOutput(kind: .double, capacity: 3)
        small.doubles = [1.5, 2.5, 3.5]
        for ids in [[0, 1, 2, 3, 1, 0, 2, 1] as [UInt32], [UInt32](repeating: 3, count: 12)] {   // bit-packed, RLE
            let b = Self.buffer([2] + E.hybrid(ids, width: 2))
            var decoder = try PageValueDecoder(encoding: .rleDictionary, column: Self.column(.double, .double), values: b.cursor(0..<b.count))
            var out = ParquetColumnOutput(kind: .double, capacity: ids.count)
            var scratch = DecodeScratch()
            #expect { try decoder.decode(ids.count, into: &out, dictionary: small, scratch: &scratch) } throws: { error in
                "\(error)".contains("dictionary id 3 beyond the dictionary's 3 values")
            }
        }
    }

    @Test func definitionLevelsSpreadValuesOverRows() {
        let levels: [UInt32] = [0, 1, 1, 0, 0, 1, 0]
        var longs = ParquetColumnOutput(kind: .long, capacity: 8)
        longs.longs = [7]
        longs.markPresent(1)
        longs.longs += [1, 2, 3]
        levels.withUnsafeBufferPointer { longs.spread(present: 3, rows: 7, levels: $0.baseAddress!) }
        let l = longs.finish()
        #expect((0..<8).map { l.value(at: $0) } == [.long(7), .null, .long(1), .long(2), .null, .null, .long(3), .null])
        var strings = ParquetColumnOutput(kind: .string, capacity: 8)
        strings.strings = StringArray(["a", "bc", "d"])
        levels.withUnsafeBufferPointer { strings.spread(present: 3, rows: 7, levels: $0.baseAddress!) }
        let s = strings.finish()
        #expect((0..<7).map { s.value(at: $0) } == [.null, .string("a"), .string("bc"), .null, .null, .string("d"), .null])
    }

    @Test func conversionsOfDecimalsInt96AndHalfFloats() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            let width = Int.random(in: 1...20, using: &rng)
            let bytes = (0..<width).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let scale = Int.random(in: 0...30, using: &rng)
            // Reference: the two's-complement value as a decimal string, parsed.
            var magnitude = bytes
            let negative = bytes[0] & 0x80 != 0
            if negative {
                var carry = 1
                for i in stride(from: width - 1, through: 0, by: -1) {
                    let v = Int(~magnitude[i]) + carry
                    magnitude[i] = UInt8(truncatingIfNeeded: v)
                    carry = v >> 8
                }
            }
            var digits = "0"
            for b in magnitude {   // digits = digits * 256 + b, in decimal text
                var carry = Int(b)
                var out: [Character] = []
                for c in digits.reversed() {
                    let v = Int(String(c))! * 256 + carry
                    out.append(Character(String(v % 10)))
                    carry = v / 10
                }
                while carry > 0 { out.append(Character(String(carry % 10))); carry /= 10 }
                digits = String(out.reversed()).drop { $0 == "0" }.isEmpty ? "0" : String(String(out.reversed()).drop { $0 == "0" })
            }
            let expected = Double("\(negative ? "-" : "")\(digits)e-\(scale)")!
            let got = bytes.withUnsafeBytes { ParquetValueConversion.decimal(bigEndian: $0, scale: scale) }
            #expect(got == expected, "\(bytes) scale \(scale)")
        }
        // INT96: nanoseconds of the day, then the Julian day (2440588 = 1970-01-01).
        var int96 = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: Int64(3_600_000_001_999).littleEndian) { for i in 0..<8 { int96[i] = $0[i] } }
        withUnsafeBytes(of: Int32(2_440_589).littleEndian) { for i in 0..<4 { int96[8 + i] = $0[i] } }
        #expect(try int96.withUnsafeBytes { try ParquetValueConversion.int96Micros($0.baseAddress!) } == 86_400_000_000 + 3_600_000_001)
        let halves: [(UInt16, Double)] = [(0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x0400, 0x1p-14),
                                          (0x7C00, .infinity), (0xFC00, -.infinity), (0x8000, -0.0)]
        for (bits, value) in halves { #expect(ParquetValueConversion.float16(bits) == value) }
        #expect(ParquetValueConversion.float16(0x7E00).isNaN)
    }

    @Test func codecsDecompressWhatTheirLibrariesCompress() throws {
        var rng = SeededRandom(seed: 6)
        let data = (0..<50_000).map { i in UInt8(truncatingIfNeeded: i % 251 == 0 ? Int.random(in: 0...255, using: &rng) : i / 7) }
        let decompressor = PageDecompressor()
        func roundTrip(_ codec: CompressionCodec, _ compressed: [UInt8]) throws {
            let out = try compressed.withUnsafeBytes { try decompressor.decompress(codec, $0, size: data.count) }
            #expect(Array(out.bytes) == data, "\(codec)")
            // Damaged or short input is an error, never a crash.
            var damaged = compressed
            for _ in 0..<20 { damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= 0x5A }
            _ = try? damaged.withUnsafeBytes { try decompressor.decompress(codec, $0, size: data.count) }
            #expect(throws: EmberError.self, "\(codec) truncated") {
                try Array(compressed.prefix(compressed.count / 2)).withUnsafeBytes { try decompressor.decompress(codec, $0, size: data.count) }
            }
        }
        // snappy
        var snappyLength = snappy_max_compressed_length(data.count)
        var snappy = [UInt8](repeating: 0, count: snappyLength)
        data.withUnsafeBytes { src in snappy.withUnsafeMutableBytes { dst in
            _ = snappy_compress(src.baseAddress!.assumingMemoryBound(to: CChar.self), data.count,
                                dst.baseAddress!.assumingMemoryBound(to: CChar.self), &snappyLength) } }
        try roundTrip(.snappy, Array(snappy.prefix(snappyLength)))
        // zstd (two frames back to back)
        var zstd = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count) * 2)
        let half = data.count / 2
        let z = data.withUnsafeBytes { src in zstd.withUnsafeMutableBytes { dst -> Int in
            let a = ZSTD_compress(dst.baseAddress!, dst.count, src.baseAddress!, half, 1)
            let b = ZSTD_compress(dst.baseAddress! + a, dst.count - a, src.baseAddress! + half, data.count - half, 1)
            return a + b } }
        try roundTrip(.zstd, Array(zstd.prefix(z)))
        // lz4 block, raw and in Hadoop's framing
        var lz4 = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(data.count))))
        let l = data.withUnsafeBytes { src in lz4.withUnsafeMutableBytes { dst in
            LZ4_compress_default(src.baseAddress!.assumingMemoryBound(to: CChar.self), dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                                 Int32(data.count), Int32(dst.count)) } }
        let block = Array(lz4.prefix(Int(l)))
        try roundTrip(.lz4Raw, block)
        func bigEndian(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let hadoop = bigEndian(data.count) + bigEndian(block.count) + block
        let viaHadoop = try hadoop.withUnsafeBytes { try decompressor.decompress(.lz4, $0, size: data.count) }
        #expect(Array(viaHadoop.bytes) == data)
        let viaRaw = try block.withUnsafeBytes { try decompressor.decompress(.lz4, $0, size: data.count) }
        #expect(Array(viaRaw.bytes) == data)
        // gzip, as two concatenated members
        func gzip(_ part: ArraySlice<UInt8>) -> [UInt8] {
            var stream = z_stream()
            _ = deflateInit2_(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            defer { deflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: part.count + 1024)
            var input = Array(part)
            let n = input.withUnsafeMutableBytes { src in out.withUnsafeMutableBytes { dst -> Int in
                stream.next_in = src.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(dst.count)
                _ = deflate(&stream, Z_FINISH)
                return dst.count - Int(stream.avail_out) } }
            return Array(out.prefix(n))
        }
        try roundTrip(.gzip, gzip(data[0..<half]) + gzip(data[half...]))
        // Sizes that do not match are errors; codecs Ember lacks are named.
        #expect(throws: EmberError.self) { try block.withUnsafeBytes { try decompressor.decompress(.lz4Raw, $0, size: data.count + 1) } }
        #expect(throws: EmberError.self) { try block.withUnsafeBytes { try decompressor.decompress(.uncompressed, $0, size: block.count + 1) } }
        #expect(throws: EmberError.self) { try block.withUnsafeBytes { try decompressor.decompress(.lzo, $0, size: 10) } }
    }
}

@Suite struct ParquetRowGroupOwnershipTests {
    /// A row group of one INT64 chunk of `size` bytes starting at `offset`.
    static func group(_ offset: Int64, _ size: Int64) -> RowGroup {
        let meta = ColumnMetaData(type: .int64, encodings: [.plain], pathInSchema: ["x"], codec: .uncompressed, numValues: 1,
                                  totalUncompressedSize: size, totalCompressedSize: size, dataPageOffset: offset)
        return RowGroup(columns: [ColumnChunk(fileOffset: offset, metaData: meta)], totalByteSize: size, numRows: 1)
    }

    /// Every row group belongs to exactly one split of the file, even when a corrupt footer puts
    /// its midpoint outside the file: that split then reads it and reports the damage, instead of
    /// no split reading it and its rows silently missing.
    @Test func everyRowGroupHasExactlyOneOwner() {
        let fileLength: Int64 = 1000
        let groups = [Self.group(4, 300), Self.group(304, 400), Self.group(1 << 40, 64), Self.group(-5000, 10), Self.group(.max, .max)]
        let metadata = FileMetaData(version: 1, schema: [], numRows: Int64(groups.count), rowGroups: groups)
        for cuts in [[0, 1000], [0, 100, 500, 1000], [0, 1, 2, 999, 1000]] as [[Int64]] {
            var owners = [Int](repeating: 0, count: groups.count)
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                for g in ParquetScanner.ownedRowGroups(metadata, start: start, end: end, fileLength: fileLength) { owners[g] += 1 }
            }
            #expect(owners == [Int](repeating: 1, count: groups.count), "splits at \(cuts)")
        }
    }
}
