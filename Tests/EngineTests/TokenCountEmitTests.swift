// The fused word count under memory pressure: when its table's growth is refused it emits the
// table and starts a new one, and the counts of the next table start from zero (fuzz seed 12135
// once found them carried over: every emission after the first counted words again). And past the
// groups it counts token by token, it counts runs of words, with the same results.

import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) @testable import Planner

@Suite struct TokenCountEmitTests {
    @Test func everyTableEmittedUnderPressureCountsOnlyItsOwnTokens() throws {
        let schema = StructType([StructField("word", .string), StructField("count", .long)])
        let spec = TokenCount(column: 0, pattern: "\\s+", lowercase: false, dropEmpty: true, schema: schema)
        let sink = CollectingSink()
        let exec = try TokenCountExec(spec, downstream: sink, memory: StarvingReservation(freshLimit: 1 << 20))
        // Five batches, each with every word of 30,000 once (more than a fresh table holds), and "hot" twice.
        let words = (0..<30_000).map { "w\($0)" }
        for batch in 0..<5 {
            let lines = stride(from: 0, to: words.count, by: 10).map { words[$0..<$0 + 10].joined(separator: " ") } + ["hot hot", "b\(batch)"]
            try exec.consume(ColumnarBatch(schema: StructType([StructField("line", .string)]), columns: [ColumnVector(.string(StringArray(lines)))]))
        }
        try exec.finish()
        var totals: [String: Int64] = [:]
        for b in sink.batches {
            guard case .string(let w) = b.columns[0].values, case .long(let c) = b.columns[1].values else { continue }
            for i in 0..<b.numRows { totals[w[i], default: 0] += c[i] }
        }
        #expect(sink.batches.count > 1, "the table was emitted more than once")
        #expect(totals.count == words.count + 1 + 5)
        #expect(words.allSatisfy { totals[$0] == 5 }, "\(words.filter { totals[$0] != 5 }.prefix(5).map { ($0, totals[$0] ?? 0) })")
        #expect(totals["hot"] == 10 && (0..<5).allSatisfy { totals["b\($0)"] == 1 })
    }

    @Test func aVocabularyLargerThanTheCacheCountsTheSameInRuns() throws {
        let schema = StructType([StructField("word", .string), StructField("count", .long)])
        let spec = TokenCount(column: 0, pattern: "\\s+", lowercase: true, dropEmpty: true, schema: schema)
        let sink = CollectingSink()
        let exec = try TokenCountExec(spec, downstream: sink)
        var rng = SeededRandom(seed: 31)
        var expected: [String: Int64] = [:]
        let distinct = TokenCountExec.cachedGroups * 3 / 2
        for _ in 0..<40 {
            let lines = (0..<500).map { _ in
                (0..<12).map { _ in
                    // Half the words from a few, half from many more than a token-by-token table holds.
                    let word = Bool.random(using: &rng) ? "Hot\(Int.random(in: 0..<50, using: &rng))" : "W\(Int.random(in: 0..<distinct, using: &rng))"
                    expected[word.lowercased(), default: 0] += 1
                    return word
                }.joined(separator: " ")
            }
            try exec.consume(ColumnarBatch(schema: StructType([StructField("line", .string)]), columns: [ColumnVector(.string(StringArray(lines)))]))
        }
        #expect(exec.table.count >= TokenCountExec.cachedGroups, "the table outgrew token-by-token counting")
        try exec.finish()
        var totals: [String: Int64] = [:]
        for b in sink.batches {
            guard case .string(let w) = b.columns[0].values, case .long(let c) = b.columns[1].values else { continue }
            for i in 0..<b.numRows { totals[w[i], default: 0] += c[i] }
        }
        #expect(totals == expected)
    }
}
