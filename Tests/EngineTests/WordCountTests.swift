// Word count against a naive reference, on seeded random text: empty input, one line, skewed and
// high-cardinality vocabularies, one big file split into many byte ranges, 1 and 3 executors.

import Engine
import Foundation
import Testing

/// The reference: lowercase maximal runs of ASCII letters, counted, sorted by count desc then word.
func referenceWordCount(_ texts: [String]) -> [(String, Int)] {
    var counts: [String: Int] = [:]
    for text in texts {
        var word: [UInt8] = []
        for b in text.utf8 {
            if (b >= 65 && b <= 90) || (b >= 97 && b <= 122) {
                word.append(b | 0x20)
            } else if !word.isEmpty {
                counts[String(decoding: word, as: UTF8.self), default: 0] += 1
                word = []
            }
        }
        if !word.isEmpty { counts[String(decoding: word, as: UTF8.self), default: 0] += 1 }
    }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
}

/// Seeded random text: words of mixed case with punctuation, digits, non-ASCII and blank lines.
func randomText(lines: Int, vocabulary: Int, skew: Bool, seed: UInt64) -> String {
    var rng = SeededRandom(seed: seed)
    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    let words: [String] = (0..<vocabulary).map { _ in
        String((0..<Int.random(in: 1...9, using: &rng)).map { _ in letters.randomElement(using: &rng)! })
    }
    let separators = [" ", "  ", ", ", ". ", "--", "\t", "3", " é ", "'", "ß"]
    var out = ""
    for _ in 0..<lines {
        if Int.random(in: 0..<10, using: &rng) == 0 { out += "\n"; continue }
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            let i = skew && Bool.random(using: &rng) ? 0 : Int.random(in: 0..<vocabulary, using: &rng)
            out += words[i] + separators.randomElement(using: &rng)!
        }
        out += Int.random(in: 0..<5, using: &rng) == 0 ? "\r\n" : "\n"
    }
    return out
}

@Suite(.serialized) struct WordCountTests {
    func check(_ texts: [String], executors: Int, partitions: Int, maxPartitionBytes: Int64? = nil) throws {
        let dir = ScratchDir("wc")
        defer { dir.cleanup() }
        let inputs = texts.enumerated().map { dir.write("input\($0.offset).txt", $0.element) }
        let session = try makeSession(executors: executors, cores: 2, partitions: partitions, maxPartitionBytes: maxPartitionBytes)
        defer { session.stop() }
        let output = dir.file("out.csv")
        try WordCountJob.dataFrame(session, inputs: inputs).write.option("header", true).csv(output)
        let rows = try readCSVOutput(output, header: true)
        #expect(rows.first == ["word", "count"])
        let got = rows.dropFirst().map { ($0[0], Int($0[1]) ?? -1) }
        let expected = referenceWordCount(texts)
        #expect(got.count == expected.count)
        let gotText: [String] = got.map { "\($0.0):\($0.1)" }
        let expectedText: [String] = expected.map { "\($0.0):\($0.1)" }
        #expect(gotText == expectedText)
    }

    @Test func emptyInput() throws { try check([""], executors: 1, partitions: 1) }

    @Test func oneLine() throws { try check(["Hello, hello WORLD!"], executors: 2, partitions: 3) }

    @Test(arguments: [(1, 1), (1, 4), (3, 7)])
    func randomTextMatchesReference(executors: Int, partitions: Int) throws {
        let texts = (0..<3).map { randomText(lines: 400, vocabulary: 300, skew: false, seed: UInt64(10 + $0)) }
        try check(texts, executors: executors, partitions: partitions)
    }

    @Test func skewedWords() throws {
        try check([randomText(lines: 2000, vocabulary: 50, skew: true, seed: 99)], executors: 2, partitions: 5)
    }

    @Test func manyDistinctWords() throws {
        try check([randomText(lines: 3000, vocabulary: 20000, skew: false, seed: 7)], executors: 2, partitions: 4)
    }

    @Test func oneBigFileIsSplitAcrossMapTasks() throws {
        let text = randomText(lines: 5000, vocabulary: 500, skew: false, seed: 3)
        let dir = ScratchDir("wcsplit")
        defer { dir.cleanup() }
        let input = dir.write("big.txt", text)
        let session = try makeSession(executors: 2, cores: 2, partitions: 3, maxPartitionBytes: 4096)
        defer { session.stop() }
        let rows = try WordCountJob.dataFrame(session, inputs: [input]).collect()
        let mapTasks = session.lastJobTasks.filter { $0.metrics.inputBytes > 0 }
        #expect(mapTasks.count > 10, "a \(text.utf8.count)-byte file in 4 KiB splits must run many map tasks")
        let expected = referenceWordCount([text])
        #expect(rows.map { "\($0[0]):\($0[1])" } == expected.map { "\($0.0):\($0.1)" })
    }
}
