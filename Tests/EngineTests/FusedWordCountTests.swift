// The fused word count (TokenCount) against the unfused plan (explode(split) + groupBy count(w))
// and a naive reference, over byte-class patterns and regexes, on seeded random lines with ASCII,
// multibyte UTF-8, Unicode spaces, digits and line separators, combining marks and invalid bytes.
// Regexes outside the byte-class fast path follow Java's classes as Spark does (`\s`, `\w`, `\d`
// ASCII only; `.` any code point but a line terminator; code points, not grapheme clusters).

import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

/// Seeded lines (each ending in \n) drawn from pieces that tell Java's classes from Unicode's.
private func patternText(lines: Int, seed: UInt64) -> [UInt8] {
    let pieces: [[UInt8]] = [
        "a", "Bc", "xyz", "Word", "_", "-", "#", "7", "42", " ", "  ", ",", ", ", ";", "|", "\t", "\u{0B}", "\u{0C}", "\r",
        "é", "e\u{301}", "\u{A0}", "\u{2003}", "\u{3000}", "\u{663}", "\u{FF13}", "\u{85}", "\u{2028}", "😀", "€",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0x80], [0xE0, 0x80], [0xED, 0xA0, 0x80]]
    var rng = SeededRandom(seed: seed)
    var out: [UInt8] = []
    for _ in 0..<lines {
        for _ in 0..<Int.random(in: 0...14, using: &rng) { out += pieces.randomElement(using: &rng)! }
        out.append(10)
    }
    return out
}

/// A pattern and its reference on one line's bytes.
private struct PatternCase: Sendable {
    let pattern: String
    let byteClass: Bool
    let split: @Sendable ([UInt8]) -> [[UInt8]]
}

/// A regex reference: the line decoded as Spark does (invalid subparts become U+FFFD), separators
/// of one code point in `isSeparator`, or runs of them when `repeated`.
private func codePointCase(_ pattern: String, repeated: Bool = false, _ isSeparator: @escaping @Sendable (UInt32) -> Bool) -> PatternCase {
    PatternCase(pattern: pattern, byteClass: false) { line in
        let scalars = Array(String(decoding: sparkDecoded(line), as: UTF8.self).unicodeScalars)
        return referenceSplit(scalars, bytes: { Array(String($0).utf8) }) { units, i in
            guard isSeparator(units[i].value) else { return 0 }
            var k = i + 1
            while repeated && k < units.count && isSeparator(units[k].value) { k += 1 }
            return k - i
        }
    }
}

private func byteCase(_ pattern: String, repeated: Bool, _ isSeparator: @escaping @Sendable (UInt8) -> Bool) -> PatternCase {
    PatternCase(pattern: pattern, byteClass: true) { referenceByteSplit(sparkDecoded($0), repeated: repeated, isSeparator: isSeparator) }
}

private let cases: [PatternCase] = [
    byteCase("[^A-Za-z]+", repeated: true) { !JavaClass.isLetter(UInt32($0)) },
    byteCase("\\s+", repeated: true) { JavaClass.isSpace(UInt32($0)) },
    byteCase(",", repeated: false) { $0 == 0x2C },
    byteCase("[;|]", repeated: false) { $0 == 0x3B || $0 == 0x7C },
    byteCase("\\W+", repeated: true) { !JavaClass.isWord(UInt32($0)) },
    byteCase("\\w", repeated: false) { JavaClass.isWord(UInt32($0)) },
    // Negated classes without `+` separate whole code points (one per invalid subpart).
    PatternCase(pattern: "\\W", byteClass: true) { line in
        referenceSplit(codePointUnits(sparkDecoded(line)), bytes: { $0.bytes }) { units, i in
            (units[i].scalar.map { JavaClass.isWord($0.value) } ?? false) ? 0 : 1
        }
    },
    codePointCase("\\s|;") { JavaClass.isSpace($0) || $0 == 0x3B },
    codePointCase("\\w|-") { JavaClass.isWord($0) || $0 == 0x2D },
    codePointCase("\\d|#") { JavaClass.isDigit($0) || $0 == 0x23 },
    codePointCase(".") { !JavaClass.isLineTerminator($0) },
    codePointCase("[^a-z]|;") { !($0 >= 0x61 && $0 <= 0x7A) },
    PatternCase(pattern: "\\s+|,", byteClass: false) { line in
        let scalars = Array(String(decoding: sparkDecoded(line), as: UTF8.self).unicodeScalars)
        return referenceSplit(scalars, bytes: { Array(String($0).utf8) }) { units, i in
            if units[i].value == 0x2C { return 1 }
            var k = i
            while k < units.count && JavaClass.isSpace(units[k].value) { k += 1 }
            return k - i
        }
    },
]

/// Token → count from a (token, count) result, tokens as raw bytes.
private func countsByBytes(_ df: DataFrame) throws -> [[UInt8]: Int64] {
    var out: [[UInt8]: Int64] = [:]
    for batch in try df.collectBatches().1 {
        guard case .string(let words) = batch.columns[0].values, case .long(let counts) = batch.columns[1].values else {
            Issue.record("unexpected result columns")
            return [:]
        }
        for i in 0..<batch.numRows { out[words.withBytes(at: i) { Array($0) }, default: 0] += counts[i] }
    }
    return out
}

private func describe(_ counts: [[UInt8]: Int64], differingFrom other: [[UInt8]: Int64]) -> String {
    let keys = Set(counts.keys).union(other.keys).filter { counts[$0] != other[$0] }.prefix(4)
    return keys.map { "\($0): \(counts[$0] ?? 0) vs \(other[$0] ?? 0)" }.joined(separator: "; ")
}

@Suite(.serialized) struct FusedWordCountTests {
    @Test func fusedEqualsUnfusedAndTheReferenceForEveryPattern() throws {
        let dir = ScratchDir("fusedpatterns")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 1, partitions: 3, maxPartitionBytes: 8 << 10)
        defer { session.stop() }
        for seed in UInt64(1)...3 {
            let bytes = patternText(lines: 600, seed: seed)
            let input = dir.file("lines\(seed).txt")
            _ = FileManager.default.createFile(atPath: input, contents: Data(bytes))
            let lines = textLines(bytes)
            for c in cases {
                let tokens = try session.read.text(input).select(explode(split(col("value"), c.pattern)).alias("w"))
                let fused = tokens.groupBy("w").count()
                let unfused = tokens.groupBy("w").agg(count(col("w")).alias("count"))
                #expect(try fused.explainString(false).contains("TokenCount") == c.byteClass, "\(c.pattern)")
                #expect(!(try unfused.explainString(false).contains("TokenCount")))
                let expected = tokenCounts(lines, c.split)
                let fusedCounts = try countsByBytes(fused), unfusedCounts = try countsByBytes(unfused)
                #expect(fusedCounts == expected, "fused, \(c.pattern), seed \(seed): \(describe(fusedCounts, differingFrom: expected))")
                #expect(unfusedCounts == expected, "unfused, \(c.pattern), seed \(seed): \(describe(unfusedCounts, differingFrom: expected))")
            }
        }
    }

    @Test func fusedWordCountShapeEqualsUnfusedWithLowercaseAndEmptyTokensDropped() throws {
        let dir = ScratchDir("fusedlower")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 1, partitions: 2, maxPartitionBytes: 8 << 10)
        defer { session.stop() }
        let bytes = patternText(lines: 1500, seed: 9)
        let input = dir.file("lines.txt")
        _ = FileManager.default.createFile(atPath: input, contents: Data(bytes))
        for pattern in ["[^A-Za-z]+", "\\W+", "\\s+", "[;|]"] {
            let words = try session.read.text(input).select(explode(split(col("value"), pattern)).alias("t"))
                .filter(col("t") =!= "").select(lower(col("t")).alias("w"))
            let fused = words.groupBy("w").count()
            let unfused = words.groupBy("w").agg(count(col("w")).alias("count"))
            #expect(try fused.explainString(false).contains("TokenCount"))
            let fusedCounts = try countsByBytes(fused), unfusedCounts = try countsByBytes(unfused)
            #expect(fusedCounts == unfusedCounts, "\(pattern): \(describe(fusedCounts, differingFrom: unfusedCounts))")
            #expect(fusedCounts.values.reduce(0, +) > 0)
        }
    }
}
