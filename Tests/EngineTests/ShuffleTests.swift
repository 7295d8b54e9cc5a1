// ShuffleTests: the batch codec, zstd frames, partitioner, map writer and reader of the Shuffle
// module — round trips against naive references on seeded random data, the on-disk format, the
// commit protocol, and corruption (targeted cases plus a seeded fuzz loop that must only throw).

import Foundation
import Testing
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Shuffle

// MARK: - Fixtures

private enum ShuffleFixture {
    static let allTypes = StructType([
        StructField("l", .long), StructField("d", .double), StructField("b", .boolean),
        StructField("s", .string), StructField("dt", .date), StructField("ts", .timestamp),
        StructField("al", .array(.long)), StructField("as", .array(.string)),
        StructField("aad", .array(.array(.double))),
    ])

    static let pieces = ["a", "b", "Z", "é", "日本", "🙂", " ", "x", "0"]
    static let doubles: [Double] = [0, -0.0, 1.5, -2.25, .infinity, -.infinity, 1e300, .leastNonzeroMagnitude, .pi]

    static func value(_ type: DataType, nullRate: Double, _ rng: inout SeededRandom) -> Value {
        if nullRate > 0, Double.random(in: 0..<1, using: &rng) < nullRate { return .null }
        switch type {
        case .long: return .long(Int64.random(in: -1_000...1_000, using: &rng) &* (Bool.random(using: &rng) ? 1 : 1 << 40))
        case .double: return .double(doubles.randomElement(using: &rng)! * Double(Int.random(in: 1...9, using: &rng)))
        case .boolean: return .boolean(Bool.random(using: &rng))
        case .string:
            let n = Int.random(in: 0...8, using: &rng)
            return .string((0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined())
        case .date: return .date(Int32.random(in: -50_000...50_000, using: &rng))
        case .timestamp: return .timestamp(Int64.random(in: Int64.min / 2...Int64.max / 2, using: &rng))
        case .array(let e):
            let n = Int.random(in: 0...4, using: &rng)
            return .array((0..<n).map { _ in value(e, nullRate: nullRate, &rng) })
        }
    }

    static func batch(_ schema: StructType = allTypes, rows: Int, nullRate: Double, _ rng: inout SeededRandom) -> ColumnarBatch {
        let data = (0..<rows).map { _ in schema.fields.map { value($0.dataType, nullRate: nullRate, &rng) } }
        return ColumnarBatch.fromRows(data, schema: schema)
    }

    static func encode(_ batches: [ColumnarBatch]) -> [UInt8] {
        var out: [UInt8] = []
        for b in batches { BatchCodec.encode(b, into: &out) }
        return out
    }

    static func decodeAll(_ bytes: [UInt8], schema: StructType) throws -> [ColumnarBatch] {
        try bytes.withUnsafeBytes { raw in
            var at = 0
            var out: [ColumnarBatch] = []
            while at < raw.count { out.append(try BatchCodec.decode(raw, offset: &at, schema: schema)) }
            return out
        }
    }
}

/// A fresh directory under the system temp dir, removed when the value is released.
private final class ShuffleTestDir {
    let path: String
    init() {
        var template = Array((NSTemporaryDirectory() + "/ember-shuffle-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// Writes `maps` map outputs of random batches and keeps, per reduce partition, the rows each
/// reducer must see (in block order, then write order): the naive reference.
private struct ShuffleScenario {
    let schema = ShuffleFixture.allTypes
    let numPartitions: Int
    var statuses: [MapStatus] = []
    var expected: [[[Value]]]

    init(dir: String, seed: UInt64, maps: Int = 3, numPartitions: Int = 7, batches: Int = 4,
         frameSize: Int = 2048, mapIdBase: Int = 100) throws {
        self.numPartitions = numPartitions
        expected = Array(repeating: [], count: numPartitions)
        var rng = SeededRandom(seed: seed)
        var partitioner = HashPartitioner(numPartitions: numPartitions)
        var ids: [Int32] = []
        for m in 0..<maps {
            let writer = try ShuffleMapWriter(
                shuffleId: ShuffleID(3), mapId: TaskID(mapIdBase + m), mapIndex: m, executorId: ExecutorID("e\(m % 2)"),
                numPartitions: numPartitions, schema: schema, directory: dir, frameSize: frameSize)
            for _ in 0..<batches {
                let b = ShuffleFixture.batch(rows: Int.random(in: 0...300, using: &rng), nullRate: 0.15, &rng)
                partitioner.partitionIds(keys: [b.columns[0], b.columns[3]], numRows: b.numRows, into: &ids)
                try writer.write(b, partitionIds: ids)
                for (i, p) in ids.enumerated() { expected[Int(p)].append(b.row(i)) }
            }
            statuses.append(try writer.commit())
        }
    }

    func read(_ reduceId: Int, statuses: [MapStatus]? = nil) throws -> [[Value]] {
        var reader = ShuffleReader(schema: schema)
        var rows: [[Value]] = []
        let blocks = (statuses ?? self.statuses).map { $0.block(reduceId: reduceId) }
        try reader.read(reduceId: reduceId, numPartitions: numPartitions, blocks: blocks) { rows += $0.rows }
        return rows
    }
}

private func expectShuffleFetchFailed(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("\(what): expected a fetch failure, got none", sourceLocation: sourceLocation)
    } catch let failure as FetchFailure {
        let error = failure.error
        #expect(error.code == .fetchFailed, "\(what): \(error)", sourceLocation: sourceLocation)
        #expect(failure.file == error.context("file"), "\(what): the typed failure names the file", sourceLocation: sourceLocation)
        for key in ["shuffle", "map", "mapIndex", "reduce", "executor", "file"] {
            #expect(error.context(key) != nil, "\(what): context lacks \(key)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("\(what): unexpected error type \(error)", sourceLocation: sourceLocation)
    }
}

private func readShuffleTestFile(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
private func writeShuffleTestFile(_ path: String, _ bytes: [UInt8]) { _ = FileManager.default.createFile(atPath: path, contents: Data(bytes)) }

// MARK: - Codec

@Suite struct BatchCodecTests {
    @Test(arguments: 0..<24)
    func roundTripsRandomBatches(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed))
        let sizes = [0, 1, 2, 63, 64, 65, 200, 1000]
        let nullRate = [0.0, 0.1, 0.5, 1.0][seed % 4]
        let batches = (0..<5).map { _ in
            ShuffleFixture.batch(rows: sizes.randomElement(using: &rng)!, nullRate: nullRate, &rng)
        }
        let bytes = ShuffleFixture.encode(batches)
        let decoded = try ShuffleFixture.decodeAll(bytes, schema: ShuffleFixture.allTypes)
        #expect(decoded == batches)
    }

    @Test func roundTripsEmptyAndColumnlessBatches() throws {
        let empty = ColumnarBatch.empty(ShuffleFixture.allTypes)
        #expect(try ShuffleFixture.decodeAll(ShuffleFixture.encode([empty, empty]), schema: ShuffleFixture.allTypes) == [empty, empty])
        let none = ColumnarBatch(schema: StructType([]), columns: [], numRows: 7)
        let back = try ShuffleFixture.decodeAll(ShuffleFixture.encode([none]), schema: StructType([]))
        #expect(back.count == 1 && back[0].numRows == 7 && back[0].columns.isEmpty)
    }

    @Test func normalizesSlicedOffsets() throws {
        // Offsets that do not start at 0 and unreferenced bytes/children are encoded as a 0-based slice.
        let strings = ColumnVector(.string(StringArray(offsets: [2, 3, 6], bytes: Array("xxabcdyy".utf8))))
        let list = ColumnVector(.list(offsets: [1, 3, 3], child: ColumnVector(.long([9, 1, 2, 9]))),
                                validity: Bitmap(words: [0b01], count: 2))
        let schema = StructType([StructField("s", .string), StructField("a", .array(.long))])
        let batch = ColumnarBatch(schema: schema, columns: [strings, list], numRows: 2)
        let back = try ShuffleFixture.decodeAll(ShuffleFixture.encode([batch]), schema: schema)
        #expect(back[0].rows == [[.string("a"), .array([.long(1), .long(2)])], [.string("bcd"), .null]])
        guard case .string(let s) = back[0].columns[0].values else { Issue.record("not a string column"); return }
        #expect(s.offsets == [0, 1, 4] && s.bytes == Array("abcd".utf8))
    }

    @Test func keepsDoubleBitPatterns() throws {
        let values: [Double] = [.nan, -.nan, -0.0, .signalingNaN, .leastNonzeroMagnitude]
        let schema = StructType([StructField("d", .double)])
        let batch = ColumnarBatch(schema: schema, columns: [ColumnVector(.double(values))])
        let back = try ShuffleFixture.decodeAll(ShuffleFixture.encode([batch]), schema: schema)
        guard case .double(let d) = back[0].columns[0].values else { Issue.record("not a double column"); return }
        #expect(d.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func rejectsTruncationsSchemaMismatchesAndGarbage() throws {
        var rng = SeededRandom(seed: 77)
        let schema = ShuffleFixture.allTypes
        let bytes = ShuffleFixture.encode([ShuffleFixture.batch(rows: 40, nullRate: 0.3, &rng)])
        for cut in 1..<bytes.count {
            #expect(throws: EmberError.self) { _ = try ShuffleFixture.decodeAll(Array(bytes[0..<cut]), schema: schema) }
        }
        #expect(throws: EmberError.self) { _ = try ShuffleFixture.decodeAll(bytes + [0], schema: schema) }
        var wrongType = schema
        wrongType.fields[2].dataType = .long
        #expect(throws: EmberError.self) { _ = try ShuffleFixture.decodeAll(bytes, schema: wrongType) }
        #expect(throws: EmberError.self) { _ = try ShuffleFixture.decodeAll(bytes, schema: StructType(Array(schema.fields.dropLast()))) }
        for _ in 0..<200 {
            let junk = (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: EmberError.self) { _ = try ShuffleFixture.decodeAll(junk, schema: schema) }
        }
        // Bit flips may decode (the codec has no checksum; zstd frames do) but must never trap.
        for _ in 0..<500 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            _ = try? ShuffleFixture.decodeAll(damaged, schema: schema)
        }
        // Offset outside the buffer.
        #expect(throws: EmberError.self) {
            try bytes.withUnsafeBytes { raw in
                var at = raw.count + 1
                _ = try BatchCodec.decode(raw, offset: &at, schema: schema)
            }
        }
    }
}

// MARK: - Zstd and partitioner

@Suite struct ZstdAndPartitionerTests {
    @Test func framesConcatenateAndDamageIsDetected() throws {
        let compressor = try ZstdCompressor(level: 1)
        let decompressor = try ZstdDecompressor()
        let parts: [[UInt8]] = [Array("hello shuffle ".utf8), [], Array(repeating: 42, count: 100_000)]
        var frames: [UInt8] = []
        for p in parts { try p.withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &frames) } }
        var seen: [[UInt8]] = []
        try frames.withUnsafeBytes { try decompressor.decompressFrames($0) { seen.append(Array($0)) } }
        #expect(seen == parts)
        #expect(frames[0..<4] == [0x28, 0xB5, 0x2F, 0xFD])
        var damaged = frames
        damaged[20] ^= 0x10
        #expect(throws: EmberError.self) { try damaged.withUnsafeBytes { try decompressor.decompressFrames($0) { _ in } } }
        #expect(throws: EmberError.self) {
            try Array(frames.dropLast()).withUnsafeBytes { try decompressor.decompressFrames($0) { _ in } }
        }
    }

    @Test func partitionIdsAreDeterministicPmodOfTheFixedSeedHash() {
        var rng = SeededRandom(seed: 5)
        let batch = ShuffleFixture.batch(rows: 5000, nullRate: 0.1, &rng)
        let keys = [batch.columns[0], batch.columns[3]]
        var hashes: [UInt64] = []
        FixedSeedHash.hashRows(keys, numRows: batch.numRows, seed: FixedSeedHash.partitionSeed, into: &hashes)
        for n in [1, 2, 7, 8, 200] {
            var partitioner = HashPartitioner(numPartitions: n)
            var ids: [Int32] = []
            partitioner.partitionIds(keys: keys, numRows: batch.numRows, into: &ids)
            #expect(ids.count == batch.numRows)
            let reference = hashes.map { h -> Int32 in
                let r = Int64(bitPattern: h) % Int64(n)
                return Int32(r < 0 ? r + Int64(n) : r)
            }
            #expect(ids == reference)
            var again: [Int32] = [9, 9]
            partitioner.partitionIds(keys: keys, numRows: batch.numRows, into: &again)
            #expect(again == ids)
            if n == 7 {
                var perPartition = [Int](repeating: 0, count: n)
                for id in ids { perPartition[Int(id)] += 1 }
                #expect(perPartition.allSatisfy { $0 > batch.numRows / n / 2 })
            }
        }
    }
}

// MARK: - Writer and reader

@Suite struct ShuffleWriteReadTests {
    @Test(arguments: [(1, 1 << 20), (7, 2048), (16, 64)])
    func roundTripMatchesNaiveReference(numPartitions: Int, frameSize: Int) throws {
        let dir = ShuffleTestDir()
        let scenario = try ShuffleScenario(dir: dir.path, seed: UInt64(numPartitions), numPartitions: numPartitions,
                                           frameSize: frameSize)
        for r in 0..<numPartitions {
            #expect(try scenario.read(r) == scenario.expected[r], "reduce partition \(r)")
        }
        for r in 0..<numPartitions {
            let rows = scenario.statuses.reduce(Int64(0)) { $0 + $1.partitionRows[r] }
            #expect(rows == Int64(scenario.expected[r].count))
        }
        for status in scenario.statuses {
            #expect(zip(status.partitionLengths, status.partitionRows).allSatisfy { ($0 == 0) == ($1 == 0) })
        }
        #expect(dir.files.count == 2 * scenario.statuses.count, "no temp files left: \(dir.files)")
    }

    @Test func filesFollowTheIndexFormat() throws {
        let dir = ShuffleTestDir()
        let scenario = try ShuffleScenario(dir: dir.path, seed: 11, numPartitions: 9, frameSize: 1024)
        for status in scenario.statuses {
            #expect(status.dataPath.hasSuffix("/shuffle_3_\(status.mapId.value)_0.data"))
            #expect(status.indexPath.hasSuffix("/shuffle_3_\(status.mapId.value)_0.index"))
            let data = readShuffleTestFile(status.dataPath)
            let index = readShuffleTestFile(status.indexPath)
            #expect(index.count == (scenario.numPartitions + 1) * 8)
            let offsets = (0...scenario.numPartitions).map { i in
                index[(i * 8)..<(i * 8 + 8)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            }
            #expect(offsets.first == 0)
            #expect(offsets.last == Int64(data.count))
            #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(zip(offsets, offsets.dropFirst()).map { $1 - $0 } == status.partitionLengths)
            for r in 0..<scenario.numPartitions where status.partitionLengths[r] > 0 {
                #expect(data[Int(offsets[r])..<Int(offsets[r]) + 4] == [0x28, 0xB5, 0x2F, 0xFD], "partition \(r)")
            }
            #expect(ShuffleFiles.validLengths(indexPath: status.indexPath, dataPath: status.dataPath,
                                              numPartitions: scenario.numPartitions) == status.partitionLengths)
        }
    }

    @Test func emptyOutputHasAZeroIndex() throws {
        let dir = ShuffleTestDir()
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(2), mapIndex: 0, executorId: ExecutorID("1"),
                                          numPartitions: 4, schema: ShuffleFixture.allTypes, directory: dir.path)
        try writer.write(.empty(ShuffleFixture.allTypes), partitionIds: [])
        let status = try writer.commit()
        #expect(status.partitionLengths == [0, 0, 0, 0] && status.partitionRows == [0, 0, 0, 0])
        #expect(readShuffleTestFile(status.dataPath).isEmpty)
        #expect(readShuffleTestFile(status.indexPath) == [UInt8](repeating: 0, count: 40))
        #expect(throws: EmberError.self) { _ = try writer.commit() }
    }

    @Test func firstCommitWins() throws {
        let dir = ShuffleTestDir()
        let first = try ShuffleScenario(dir: dir.path, seed: 1, maps: 1, numPartitions: 5)
        let before = readShuffleTestFile(first.statuses[0].dataPath)
        let second = try ShuffleScenario(dir: dir.path, seed: 2, maps: 1, numPartitions: 5)
        #expect(second.statuses[0].partitionLengths == first.statuses[0].partitionLengths)
        #expect(second.statuses[0].partitionRows == first.statuses[0].partitionRows)
        #expect(readShuffleTestFile(first.statuses[0].dataPath) == before)
        #expect(dir.files.count == 2, "temps removed: \(dir.files)")
        for r in 0..<5 { #expect(try first.read(r, statuses: second.statuses) == first.expected[r]) }

        // A damaged existing pair is not adopted: the new commit replaces it.
        writeShuffleTestFile(first.statuses[0].indexPath, [1, 2, 3])
        let third = try ShuffleScenario(dir: dir.path, seed: 3, maps: 1, numPartitions: 5)
        for r in 0..<5 { #expect(try third.read(r) == third.expected[r]) }
    }

    @Test func abortAndMisuse() throws {
        let dir = ShuffleTestDir()
        let schema = StructType([StructField("k", .long)])
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(9), mapIndex: 0, executorId: ExecutorID("1"),
                                          numPartitions: 2, schema: schema, directory: dir.path)
        let batch = ColumnarBatch(schema: schema, columns: [ColumnVector(.long([1, 2, 3]))])
        #expect(throws: EmberError.self) { try writer.write(batch, partitionIds: [0, 2, 1]) }
        #expect(throws: EmberError.self) { try writer.write(batch, partitionIds: [0, 1]) }
        #expect(throws: EmberError.self) {
            try writer.write(ColumnarBatch(schema: schema, columns: [ColumnVector(.double([1]))]), partitionIds: [0])
        }
        try writer.write(batch, partitionIds: [0, 1, 1])
        writer.abort()
        #expect(throws: EmberError.self) { _ = try writer.commit() }
        #expect(dir.files.isEmpty)
        #expect(throws: EmberError.self) {
            _ = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(9), mapIndex: 0, executorId: ExecutorID("1"),
                                     numPartitions: 2, schema: schema, directory: dir.path + "/missing")
        }
    }

    @Test func bodyErrorsPassThroughUnchanged() throws {
        struct Stop: Error {}
        let dir = ShuffleTestDir()
        let scenario = try ShuffleScenario(dir: dir.path, seed: 4, maps: 1, numPartitions: 2)
        var reader = ShuffleReader(schema: scenario.schema)
        #expect(throws: Stop.self) {
            try reader.read(reduceId: 0, numPartitions: 2, blocks: [scenario.statuses[0].block(reduceId: 0)]) { _ in throw Stop() }
        }
    }
}

// MARK: - Corruption

@Suite struct ShuffleCorruptionTests {
    /// The first reduce partition with data, and its block.
    private func target(_ s: ShuffleScenario) -> (Int, MapStatus) {
        let r = (0..<s.numPartitions).first { s.statuses[0].partitionLengths[$0] > 0 }!
        return (r, s.statuses[0])
    }

    @Test func damagedFilesFailTheFetch() throws {
        let dir = ShuffleTestDir()
        let s = try ShuffleScenario(dir: dir.path, seed: 21, maps: 1, numPartitions: 4)
        let (r, status) = target(s)
        let data = readShuffleTestFile(status.dataPath), index = readShuffleTestFile(status.indexPath)
        func restore() { writeShuffleTestFile(status.dataPath, data); writeShuffleTestFile(status.indexPath, index) }
        let start = Int(status.partitionLengths[0..<r].reduce(0, +)), length = Int(status.partitionLengths[r])

        for at in [start, start + 4, start + length / 2, start + length - 1] {
            var bad = data
            bad[at] ^= 0x40
            writeShuffleTestFile(status.dataPath, bad)
            expectShuffleFetchFailed("flipped data byte \(at - start)") { _ = try s.read(r) }
        }
        restore()
        writeShuffleTestFile(status.dataPath, Array(data[0..<(start + length - 1)]))
        expectShuffleFetchFailed("truncated data") { _ = try s.read(r) }
        restore()
        writeShuffleTestFile(status.indexPath, Array(index.dropLast(8)))
        expectShuffleFetchFailed("truncated index") { _ = try s.read(r) }
        restore()
        var shifted = index
        shifted[(r + 1) * 8 - 1] &+= 1
        writeShuffleTestFile(status.indexPath, shifted)
        expectShuffleFetchFailed("shifted offset") { _ = try s.read(r) }
        restore()
        try FileManager.default.removeItem(atPath: status.dataPath)
        expectShuffleFetchFailed("deleted data") { _ = try s.read(r) }
        restore()
        try FileManager.default.removeItem(atPath: status.indexPath)
        expectShuffleFetchFailed("deleted index") { _ = try s.read(r) }
        restore()
        var rng = SeededRandom(seed: 8)
        writeShuffleTestFile(status.dataPath, data.map { _ in UInt8.random(in: 0...255, using: &rng) })
        expectShuffleFetchFailed("random data") { _ = try s.read(r) }
        restore()
        #expect(try s.read(r) == s.expected[r])

        var wrongLength = status
        wrongLength.partitionLengths[r] += 1
        expectShuffleFetchFailed("map status length mismatch") { _ = try s.read(r, statuses: [wrongLength]) }
        expectShuffleFetchFailed("wrong partition count") {
            var reader = ShuffleReader(schema: s.schema)
            try reader.read(reduceId: r, numPartitions: 5, blocks: [status.block(reduceId: r)]) { _ in }
        }
        expectShuffleFetchFailed("wrong schema") {
            var reader = ShuffleReader(schema: StructType([StructField("x", .string)]))
            try reader.read(reduceId: r, numPartitions: 4, blocks: [status.block(reduceId: r)]) { _ in }
        }
    }

    @Test func fuzzedFilesOnlyEverThrowOrReadCorrectly() throws {
        let dir = ShuffleTestDir()
        let s = try ShuffleScenario(dir: dir.path, seed: 99, maps: 2, numPartitions: 3, batches: 2, frameSize: 512)
        let pristine = s.statuses.map { (readShuffleTestFile($0.dataPath), readShuffleTestFile($0.indexPath)) }
        var rng = SeededRandom(seed: 2024)
        var failures = 0
        for iteration in 0..<400 {
            let m = Int.random(in: 0..<s.statuses.count, using: &rng)
            let onIndex = Int.random(in: 0..<4, using: &rng) == 0
            var bytes = onIndex ? pristine[m].1 : pristine[m].0
            if bytes.isEmpty { continue }
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
            case 3:
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                for k in at..<min(bytes.count, at + Int.random(in: 1...64, using: &rng)) {
                    bytes[k] = UInt8.random(in: 0...255, using: &rng)
                }
            default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
            }
            writeShuffleTestFile(onIndex ? s.statuses[m].indexPath : s.statuses[m].dataPath, bytes)
            for r in 0..<s.numPartitions {
                do {
                    let rows = try s.read(r)
                    #expect(rows == s.expected[r], "iteration \(iteration): damage went unnoticed in partition \(r)")
                } catch let failure as FetchFailure {
                    #expect(failure.error.code == .fetchFailed, "iteration \(iteration): \(failure)")
                    failures += 1
                }
            }
            writeShuffleTestFile(s.statuses[m].dataPath, pristine[m].0)
            writeShuffleTestFile(s.statuses[m].indexPath, pristine[m].1)
        }
        #expect(failures > 300)
    }
}
