// The byte-class tokenizer that split() and the fused word count share, on text that is not valid
// UTF-8: every byte outside the pattern's class is a separator or a token byte, never skipped as
// part of a multibyte sequence it does not belong to. Random byte strings against byte-level and
// code-point references in-process; the Latin-1 cases through executor processes.

import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

/// Bytes of a line: ASCII letters and punctuation, valid multibyte UTF-8, and invalid bytes (lone
/// leads, truncated sequences, stray continuation bytes, overlong forms, surrogates, 0xF8–0xFF).
func randomMessyBytes(_ rng: inout SeededRandom, count: Int) -> [UInt8] {
    let pieces: [[UInt8]] = [
        Array("a".utf8), Array("Bc".utf8), Array("xyz".utf8), Array(" ".utf8), Array(",".utf8), Array(";".utf8),
        Array("|".utf8), Array("_".utf8), Array("7".utf8), Array("\t".utf8),
        Array("é".utf8), Array("€".utf8), Array("😀".utf8), Array("\u{A0}".utf8),
        [0xFF], [0xFE], [0xF8], [0xC3], [0xE9], [0xE2, 0x82], [0x80], [0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xC0, 0xAF], [0xF0, 0x9F, 0x98], [0xF4, 0x90, 0x80, 0x80],
    ]
    var out: [UInt8] = []
    for _ in 0..<count { out += pieces.randomElement(using: &rng)! }
    return out
}

/// split() and forEachToken of one string, as byte arrays.
func splitterTokens(_ splitter: StringSplitter, _ bytes: [UInt8]) throws -> (split: [[UInt8]], tokens: [[UInt8]]) {
    let column = ColumnVector(.string(StringArray(offsets: [0, Int32(bytes.count)], bytes: bytes)))
    guard case .list(let offsets, let child) = try splitter.split(column).values, case .string(let s) = child.values else {
        Issue.record("split() did not return a list of strings")
        return ([], [])
    }
    let split = (Int(offsets[0])..<Int(offsets[1])).map { i in s.withBytes(at: i) { Array($0) } }
    var tokens: [[UInt8]] = []
    bytes.withUnsafeBytes { raw in splitter.forEachToken(raw) { tokens.append(Array($0)) } }
    return (split, tokens)
}

@Suite struct TokenizerTests {
    @Test func letterRunsOfRandomBytesEqualTheByteReference() throws {
        let splitter = try StringSplitter.compile("[^A-Za-z]+")
        var rng = SeededRandom(seed: 3)
        for _ in 0..<3000 {
            let bytes = randomMessyBytes(&rng, count: Int.random(in: 0..<20, using: &rng))
            let expected = referenceByteSplit(bytes, repeated: true) { !JavaClass.isLetter(UInt32($0)) }
            let got = try splitterTokens(splitter, bytes)
            #expect(got.split == expected, "split() of \(bytes)")
            #expect(got.tokens == expected, "forEachToken of \(bytes)")
            if got.split != expected || got.tokens != expected { return }
        }
    }

    @Test func classesWithoutPlusSplitAtEachCodePointOrInvalidSubpart() throws {
        // Negated classes match whole code points; an invalid byte (or truncated sequence) is one
        // code point, U+FFFD, as Java decodes it. Classes of ASCII bytes split at single bytes.
        let cases: [(String, (UInt32?) -> Bool)] = [
            ("\\W", { !($0.map(JavaClass.isWord) ?? false) }),
            ("[^A-Za-z]", { !($0.map(JavaClass.isLetter) ?? false) }),
            ("\\S", { !($0.map(JavaClass.isSpace) ?? false) }),
            ("\\w", { $0.map(JavaClass.isWord) ?? false }),
            ("[;|]", { $0 == 0x3B || $0 == 0x7C }),
        ]
        var rng = SeededRandom(seed: 4)
        for (pattern, isSeparator) in cases {
            let splitter = try StringSplitter.compile(pattern)
            #expect(splitter.isByteClass, "\(pattern) runs on bytes")
            for _ in 0..<1500 {
                let bytes = randomMessyBytes(&rng, count: Int.random(in: 0..<12, using: &rng))
                let expected = referenceSplit(codePointUnits(sparkDecoded(bytes)), bytes: { $0.bytes }) { units, i in
                    isSeparator(units[i].scalar?.value) ? 1 : 0
                }
                let got = try splitterTokens(splitter, bytes)
                #expect(got.split == expected, "split(\(bytes), \(pattern))")
                #expect(got.tokens == expected, "forEachToken(\(bytes), \(pattern))")
                if got.split != expected || got.tokens != expected { break }
            }
        }
    }

    @Test func bytePathAndRegexPathGiveTheSameTokensOnAnyBytes() throws {
        // Spark decodes before it splits, whatever the pattern: the byte path's tokens carry U+FFFD
        // for invalid bytes exactly as the regex path's do.
        let pairs = [(",", "(?:,)"), ("\\s+", "(?:\\s)+"), ("[^A-Za-z]+", "(?:[^A-Za-z])+"), ("\\W", "(?:\\W)"), ("[;|]", ";|\\|")]
        var rng = SeededRandom(seed: 5)
        for (bytePattern, regexPattern) in pairs {
            let byteSplitter = try StringSplitter.compile(bytePattern)
            let regexSplitter = try StringSplitter.compile(regexPattern)
            #expect(byteSplitter.isByteClass && !regexSplitter.isByteClass)
            for _ in 0..<500 {
                let bytes = randomMessyBytes(&rng, count: Int.random(in: 0..<12, using: &rng))
                let byBytes = try splitterTokens(byteSplitter, bytes)
                let byRegex = try splitterTokens(regexSplitter, bytes).split
                #expect(byBytes.split == byRegex, "split(\(bytes), \(bytePattern)) against \(regexPattern)")
                #expect(byBytes.tokens == byRegex, "forEachToken(\(bytes), \(bytePattern)) against \(regexPattern)")
                if byBytes.split != byRegex || byBytes.tokens != byRegex { break }
            }
        }
    }

    @Test func invalidBytesBecomeReplacementCharactersAsJavaDecodesThem() throws {
        // Java reads an encoded surrogate (ED A0–BF …) as one sequence before replacing it; other
        // invalid bytes are replaced per maximal subpart, as Unicode's practice says.
        let fffd = "\u{FFFD}"
        let cases: [([UInt8], [String])] = [
            ([0x61, 0xED, 0xA0, 0x80, 0x2C, 0x62], ["a" + fffd, "b"]),
            ([0x61, 0xED, 0xA0], ["a" + fffd]),
            ([0xED, 0xA0, 0x78, 0x2C], [fffd + "x", ""]),
            ([0xED, 0x9F, 0xBF], ["\u{D7FF}"]),
            ([0xE0, 0x80, 0x80], [fffd + fffd + fffd]),
            ([0xF0, 0x9F, 0x98], [fffd]),
            ([0xC3, 0x2C, 0xFF], [fffd, fffd]),
        ]
        for pattern in [",", "(?:,)"] {
            let splitter = try StringSplitter.compile(pattern)
            for (bytes, expected) in cases {
                let got = try splitterTokens(splitter, bytes).split
                #expect(got.map { String(decoding: $0, as: UTF8.self) } == expected, "split(\(bytes), \(pattern))")
            }
        }
    }

    @Test func zeroWidthMatchAtTheEndLeavesATrailingEmptyString() throws {
        // Java's "abc".split("x*", -1) and "a b".split("\\b", -1); only the empty pattern is
        // Spark's own case, without the trailing empty string.
        let cases: [(String, String, [String])] = [
            ("abc", "x*", ["a", "b", "c", ""]), ("a b", "\\b", ["a", " ", "b", ""]), ("abc", "", ["a", "b", "c"]),
            ("", "x*", [""]), ("a,b,", ",", ["a", "b", ""]),
        ]
        for (text, pattern, expected) in cases {
            let got = try splitterTokens(try StringSplitter.compile(pattern), Array(text.utf8)).split
            #expect(got.map { String(decoding: $0, as: UTF8.self) } == expected, "split(\"\(text)\", \"\(pattern)\")")
        }
    }

    @Test func latin1AndInvalidBytesCountEveryWordThroughExecutors() throws {
        let dir = ScratchDir("latin1")
        defer { dir.cleanup() }
        // "café au lait, naïve façade résumé" in Latin-1 (é = E9, ï = EF, ç = E7), then wor\xFFld.
        var bytes = Array("caf".utf8) + [0xE9] + Array(" au lait, na".utf8) + [0xEF] + Array("ve fa".utf8) + [0xE7]
        bytes += Array("ade r".utf8) + [0xE9] + Array("sum".utf8) + [0xE9, 0x0A] + Array("wor".utf8) + [0xFF] + Array("ld\n".utf8)
        let input = dir.file("latin1.txt")
        _ = FileManager.default.createFile(atPath: input, contents: Data(bytes))
        let session = try makeSession(executors: 2, cores: 1, partitions: 2)
        defer { session.stop() }
        let expected = ["ade": 1, "au": 1, "caf": 1, "fa": 1, "lait": 1, "ld": 1, "na": 1, "r": 1, "sum": 1, "ve": 1, "wor": 1]
        let counted = try WordCountJob.dataFrame(session, inputs: [input]).collect()
        #expect(Dictionary(uniqueKeysWithValues: counted.map { ($0.getString(0) ?? "", Int($0.getLong(1) ?? 0)) }) == expected)
        // The same words through split() as a column (not fused).
        let split = try session.read.text(input).select(explode(split(col("value"), "[^A-Za-z]+")).alias("w"))
            .filter(col("w") =!= "").collect()
        #expect(split.compactMap { $0.getString(0) }.sorted() == expected.keys.sorted())
    }
}
