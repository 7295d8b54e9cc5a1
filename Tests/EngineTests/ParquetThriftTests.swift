// ParquetThriftTests: the Thrift compact reader and writer (varints, zigzag, field deltas and long
// headers, bools in headers and lists, skipping unknown fields, bounds) and the Parquet metadata
// structs' encode → decode round trip.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct ParquetThriftTests {
    @Test func primitivesRoundTrip() throws {
        var w = ThriftCompactWriter()
        let i64s: [Int64] = [0, 1, -1, 63, -64, 64, Int64.max, Int64.min, 300, -300]
        for v in i64s { w.writeI64(v) }
        w.writeI32(Int32.min); w.writeI32(Int32.max); w.writeI16(-2); w.writeI8(-5)
        w.writeDouble(-1.5); w.writeString("héllo"); w.writeBinary([])
        var r = ThriftCompactReader(w.bytes)
        for v in i64s { #expect(try r.readI64() == v) }
        #expect(try r.readI32() == Int32.min)
        #expect(try r.readI32() == Int32.max)
        #expect(try r.readI16() == -2)
        #expect(try r.readI8() == -5)
        #expect(try r.readDouble() == -1.5)
        #expect(try r.readString() == "héllo")
        #expect(try r.readBinary() == [])
        #expect(r.remaining == 0)
    }

    @Test func zigzagAndVarintBytes() {
        var w = ThriftCompactWriter()
        w.writeI32(-1)  // zigzag 1
        w.writeI32(1)   // zigzag 2
        w.writeI32(150) // zigzag 300 = 0xAC 0x02
        #expect(w.bytes == [0x01, 0x02, 0xAC, 0x02])
    }

    @Test func fieldHeadersShortAndLongFormAndBools() throws {
        var w = ThriftCompactWriter()
        w.enterStruct()
        w.writeI32Field(1, 7)        // short form: delta 1
        w.writeBoolField(2, true)    // value in the header
        w.writeBoolField(3, false)
        w.writeI64Field(40, 9)       // delta 37: long form
        w.writeI32Field(35, 4)       // going backwards: long form
        w.writeListField(36, .boolTrue, [true, false, true]) { $0.writeBoolElement($1) }
        w.exitStruct()
        #expect(w.bytes[0] == 0x15)
        #expect(w.bytes[2] == 0x11)
        #expect(w.bytes[3] == 0x12)
        #expect(w.bytes[4] == 0x06)
        var r = ThriftCompactReader(w.bytes)
        try r.enterStruct()
        var seen: [Int16] = []
        var bools: [Bool] = []
        while let f = try r.nextField() {
            seen.append(f.id)
            switch f.id {
            case 1: #expect(try r.readI32() == 7)
            case 2, 3: bools.append(try r.readBool())
            case 40: #expect(try r.readI64() == 9)
            case 35: #expect(try r.readI32() == 4)
            case 36: bools += try r.readList(of: .boolTrue) { try $0.readBool() }
            default: Issue.record("unexpected field \(f.id)")
            }
        }
        #expect(seen == [1, 2, 3, 40, 35, 36])
        #expect(bools == [true, false, true, false, true])
        #expect(r.remaining == 0)
    }

    @Test func unknownFieldsOfEveryTypeAreSkipped() throws {
        var w = ThriftCompactWriter()
        w.enterStruct()
        w.writeI32Field(1, 11)
        w.writeFieldHeader(2, .double); w.writeDouble(3)
        w.writeFieldHeader(3, .map); w.writeVarint(2); w.writeByte(0x85)
        w.writeString("a"); w.writeI32(1); w.writeString("b"); w.writeI32(2)
        w.writeFieldHeader(4, .map); w.writeVarint(0)
        w.writeStructField(5) { w in
            w.writeListField(1, .structure, [1, 2]) { w, _ in w.enterStruct(); w.writeBoolField(1, true); w.exitStruct() }
            w.writeBinaryField(2, [1, 2, 3])
        }
        w.writeListField(6, .i64, [Int64](repeating: 5, count: 20)) { $0.writeI64($1) }
        w.writeFieldHeader(7, .uuid); for i in 0..<16 { w.writeByte(UInt8(i)) }
        w.writeI8Field(8, 3)
        w.writeI32Field(9, 99)
        w.exitStruct()
        var r = ThriftCompactReader(w.bytes)
        try r.enterStruct()
        var first: Int32? = nil, last: Int32? = nil
        while let f = try r.nextField() {
            if f.id == 1 { first = try r.readI32() } else if f.id == 9 { last = try r.readI32() } else { try r.skip(f.type) }
        }
        #expect(first == 11 && last == 99)
        #expect(r.remaining == 0)
    }

    @Test func malformedInputIsAnErrorNeverATrap() {
        // A binary longer than the bytes left.
        var r1 = ThriftCompactReader([0x10, 0x41])
        #expect(throws: EmberError.self) { try r1.readBinary() }
        // A list claiming a billion elements.
        var r2 = ThriftCompactReader([0xF5, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0x00])
        #expect(throws: EmberError.self) { try r2.readList(of: .i32) { try $0.readI32() } }
        // An endless varint.
        var r3 = ThriftCompactReader([UInt8](repeating: 0xFF, count: 20))
        #expect(throws: EmberError.self) { try r3.readVarint() }
        // Structs nested 1000 deep.
        var deep = [UInt8](repeating: 0x1C, count: 1000)
        deep.append(0)
        var r4 = ThriftCompactReader(deep)
        #expect(throws: EmberError.self) { try r4.skip(.structure) }
        // A truncated struct.
        var r5 = ThriftCompactReader([0x15])
        #expect(throws: EmberError.self) { try FileMetaData.decode(from: &r5) }
        // i32 out of range.
        var w = ThriftCompactWriter(); w.writeI64(Int64(Int32.max) + 1)
        var r6 = ThriftCompactReader(w.bytes)
        #expect(throws: EmberError.self) { try r6.readI32() }
    }

    static func sampleMetadata() -> FileMetaData {
        let stats = Statistics(max: [9], min: [1], nullCount: 3, distinctCount: nil, maxValue: [9, 0, 0, 0],
                               minValue: [1, 0, 0, 0], isMaxValueExact: true, isMinValueExact: false)
        let column = ColumnMetaData(
            type: .int32, encodings: [.plain, .rle, .rleDictionary, Encoding(rawValue: 42)], pathInSchema: ["a"],
            codec: .zstd, numValues: 100, totalUncompressedSize: 1000, totalCompressedSize: 500,
            keyValueMetadata: [KeyValue(key: "k", value: nil)], dataPageOffset: 40, dictionaryPageOffset: 4,
            statistics: stats,
            encodingStats: [PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 2)],
            bloomFilterOffset: 700, bloomFilterLength: 32)
        let chunk = ColumnChunk(fileOffset: 4, metaData: column, offsetIndexOffset: 800, offsetIndexLength: 20,
                                columnIndexOffset: 820, columnIndexLength: 30)
        let group = RowGroup(columns: [chunk, chunk], totalByteSize: 2000, numRows: 100,
                             sortingColumns: [SortingColumn(columnIndex: 0, descending: true, nullsFirst: false)],
                             fileOffset: 4, totalCompressedSize: 1000, ordinal: 0)
        let schema = [
            SchemaElement(name: "schema", numChildren: 8),
            SchemaElement(name: "a", type: .int32, repetitionType: .optional, convertedType: .int16,
                          logicalType: .integer(bitWidth: 16, isSigned: true)),
            SchemaElement(name: "s", type: .byteArray, repetitionType: .required, convertedType: .utf8, logicalType: .string),
            SchemaElement(name: "d", type: .fixedLenByteArray, typeLength: 9, repetitionType: .optional,
                          convertedType: .decimal, scale: 2, precision: 20, fieldID: 7,
                          logicalType: .decimal(scale: 2, precision: 20)),
            SchemaElement(name: "t", type: .int64, repetitionType: .optional,
                          logicalType: .timestamp(isAdjustedToUTC: false, unit: .nanos)),
            SchemaElement(name: "t2", type: .int64, logicalType: .time(isAdjustedToUTC: true, unit: .millis)),
            SchemaElement(name: "dt", type: .int32, convertedType: .date, logicalType: .date),
            SchemaElement(name: "u", type: .fixedLenByteArray, typeLength: 16, logicalType: .uuid),
            SchemaElement(name: "x", type: .byteArray, logicalType: .other(fieldID: 40)),
        ]
        return FileMetaData(version: 2, schema: schema, numRows: 100, rowGroups: [group, group],
                            keyValueMetadata: [KeyValue(key: "ARROW:schema", value: "xyz")],
                            createdBy: "ember", columnOrders: [.typeDefinedOrder, .other(fieldID: 3)])
    }

    @Test func fileMetaDataRoundTrips() throws {
        let m = Self.sampleMetadata()
        #expect(try FileMetaData.decode(m.encoded()) == m)
    }

    @Test func pageHeadersRoundTrip() throws {
        let headers = [
            PageHeader(type: .dictionaryPage, uncompressedPageSize: 10, compressedPageSize: 8, crc: -7,
                       dictionaryPageHeader: DictionaryPageHeader(numValues: 3, encoding: .plain, isSorted: false)),
            PageHeader(type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 80,
                       dataPageHeader: DataPageHeader(numValues: 50, encoding: .rleDictionary,
                                                      statistics: Statistics(nullCount: 0))),
            PageHeader(type: .dataPageV2, uncompressedPageSize: 100, compressedPageSize: 90,
                       dataPageHeaderV2: DataPageHeaderV2(numValues: 50, numNulls: 2, numRows: 50,
                                                          encoding: .deltaBinaryPacked, definitionLevelsByteLength: 6,
                                                          repetitionLevelsByteLength: 0, isCompressed: false)),
        ]
        for h in headers {
            var w = ThriftCompactWriter()
            h.encode(to: &w)
            var r = ThriftCompactReader(w.bytes + [0xAA, 0xBB])
            #expect(try PageHeader.decode(from: &r) == h)
            #expect(r.position == w.bytes.count)
        }
    }

    /// Every truncation of an encoded footer is an error (or, for a prefix that happens to end at a
    /// struct boundary, a value), never a trap.
    @Test func truncatedAndFlippedFootersNeverTrap() {
        let bytes = Self.sampleMetadata().encoded()
        for n in 0..<bytes.count { _ = try? FileMetaData.decode(Array(bytes[0..<n])) }
        var rng = SeededRandom(seed: 13)
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? FileMetaData.decode(b)
        }
    }
}
