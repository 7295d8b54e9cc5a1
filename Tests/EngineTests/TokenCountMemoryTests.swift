// The fused word count within its memory: over unique tokens it backs off to passing (word, 1)
// rows through instead of growing its table without bound, so 64 MiB executors stay within their
// memory + 64 MiB of resident memory. A group table hands its keys out in pieces that a batch's
// Int32 string offsets can address, however many key bytes it holds, and an allocation the system
// refuses is an OUT_OF_MEMORY error, not a trap.

import Engine
import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct TokenCountMemoryTests {
    @Test func splitOverUniqueIdsStaysWithinExecutorMemory() throws {
        let dir = ScratchDir("uniqueids")
        defer { dir.cleanup() }
        // 5M unique ids, 250 to a line: about 55 MB of text in two splits.
        let ids = 5_000_000, perLine = 250
        var text = [UInt8]()
        text.reserveCapacity(ids * 11)
        for line in 0..<(ids / perLine) {
            for k in 0..<perLine {
                if k > 0 { text.append(UInt8(ascii: ",")) }
                text += Array("id\(line * perLine + k)".utf8)
            }
            text.append(10)
        }
        let input = dir.file("ids.txt")
        _ = FileManager.default.createFile(atPath: input, contents: Data(text))
        let memory: Int64 = 64 << 20
        let session = try makeSession(executors: 2, cores: 1, partitions: 2, maxPartitionBytes: Int64(text.count / 2 + 1), memory: memory)
        defer { session.stop() }
        let counted = try session.read.text(input).select(explode(split(col("value"), ",")).alias("w")).groupBy("w").count()
        #expect(try counted.explainString(false).contains("TokenCount"))
        let summary = try counted.agg(count(col("*")).alias("words"), sum("count").alias("tokens"), max("count").alias("most")).collect()
        #expect(summary.map(\.description) == ["[\(ids),\(ids),1]"])
        let peaks = session.lastJobTasks.map { "stage \($0.stageId) task \($0.partition): \($0.metrics.executorPeakRSS >> 20) MiB" }
        print("TokenCountMemoryTests: executor peak RSS with \(memory >> 20) MiB executors: \(peaks.joined(separator: ", "))")
        for task in session.lastJobTasks {
            #expect(task.metrics.executorPeakRSS <= memory + (64 << 20),
                    "task \(task.partition) of stage \(task.stageId): peak RSS \(task.metrics.executorPeakRSS >> 20) MiB")
        }
    }

    @Test func keysComeOutInPiecesWithinTheByteLimit() throws {
        var rng = SeededRandom(seed: 12)
        let words = (0..<5000).map { i in "w\(i)-" + String(repeating: "x", count: Int.random(in: 0..<300, using: &rng)) }
        for shape in ["string", "encoded", "long"] {
            let table = GroupTable(keyTypes: shape == "string" ? [.string] : (shape == "long" ? [.long] : [.string, .long]))
            var ids: [Int32] = []
            for start in stride(from: 0, to: words.count, by: 1000) {
                let slice = Array(words[start..<min(start + 1000, words.count)])
                let strings = ColumnVector(.string(StringArray(slice)))
                let longs = ColumnVector(.long(slice.indices.map { Int64(start + $0) }), validity: Bitmap(count: slice.count, value: true))
                let keys = shape == "string" ? [strings] : (shape == "long" ? [longs] : [strings, longs])
                try table.groupIds(keys: keys, numRows: slice.count, into: &ids)
            }
            #expect(table.count == words.count)
            let pieces = table.pieces(maxRows: 700, maxKeyBytes: 20_000)
            #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == words.count)
            #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "pieces are contiguous")
            var keys: [String] = []
            for piece in pieces {
                #expect(piece.count <= 700 && piece.count > 0)
                let columns = table.keyColumns(piece)
                if case .string(let s) = columns[0].values {
                    #expect(s.bytes.count <= 20_000, "\(shape): a piece of \(piece.count) keys holds \(s.bytes.count) bytes")
                    keys += (0..<s.count).map { s[$0] }
                } else if case .long(let v) = columns[0].values {
                    keys += v.map { words[Int($0)] }
                }
            }
            #expect(keys == words, "\(shape): every key once, in group order")
        }
    }

    @Test func aRefusedAllocationIsOutOfMemory() throws {
        var buffer = GrowableBuffer<UInt64>()
        defer { buffer.free() }
        let overflow = #expect(throws: EmberError.self) { try buffer.reserve(Int.max / 4) }
        #expect(overflow?.code == .outOfMemory)
        let refused = #expect(throws: EmberError.self) { try buffer.reserve(1 << 50) }
        #expect(refused?.code == .outOfMemory)
        try buffer.append(7)
        #expect(buffer[0] == 7)
    }
}
