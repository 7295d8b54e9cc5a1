// LIKE patterns made of literals and `%` are matched piece by piece (memchr and memcmp); the
// general matcher (`_`, backtracking) is the reference. Seeded random strings over an alphabet
// with multi-byte code points, and patterns built from their pieces, escapes included. Whole
// columns (nulls, empty strings, needles across row boundaries) go through StringPredicates.like,
// which searches a leading-`%` pattern's longest piece over all rows' bytes at once.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct LikePatternTests {
    static let alphabet = ["a", "b", "s", "é", "日", "%", "_", "\\"]

    /// A pattern of random literals (escaped when they are wildcards) and `%`s.
    static func pattern(_ rng: inout SeededRandom) -> String {
        var p = ""
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            if Int.random(in: 0..<3, using: &rng) == 0 { p += "%"; continue }
            let c = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            p += ["%", "_", "\\"].contains(c) ? "\\" + c : c
        }
        return p
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func piecesMatchAsTheGeneralMatcher(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var checked = 0, matched = 0
        for _ in 0..<400 {
            let text = Self.pattern(&rng)
            let pattern = try LikePattern(text)
            let pieces = try #require(pattern.literalPieces, "\(text) has no _ wildcard")
            for _ in 0..<40 {
                let s = (0..<Int.random(in: 0...9, using: &rng)).map { _ in Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &rng)] }.joined()
                let bytes = Array(s.utf8)
                let fast = bytes.withUnsafeBufferPointer { LikePattern.matches(pieces, $0) }
                let general = pattern.tokens.withUnsafeBufferPointer { t in bytes.withUnsafeBufferPointer { LikePattern.matches(t, $0) } }
                #expect(fast == general, "'\(s)' LIKE '\(text)'")
                checked += 1
                if general { matched += 1 }
            }
        }
        #expect(matched > checked / 50, "the patterns match often enough to test both answers (\(matched) of \(checked))")
    }

    @Test func knownAnswers() throws {
        func like(_ s: String, _ p: String) throws -> Bool {
            let pattern = try LikePattern(p)
            let bytes = Array(s.utf8)
            return bytes.withUnsafeBufferPointer { b in
                pattern.literalPieces.map { LikePattern.matches($0, b) } ?? pattern.tokens.withUnsafeBufferPointer { LikePattern.matches($0, b) }
            }
        }
        #expect(try like("furiously special requests", "%special%requests%"))
        #expect(try !like("requests are special", "%special%requests%"))
        #expect(try like("specialrequests", "%special%requests%"))
        #expect(try !like("specialrequest", "%special%requests%"))
        #expect(try like("abc", "abc") && !like("abcd", "abc") && like("", "") && like("", "%") && !like("", "a%"))
        #expect(try like("aXa", "a%a") && !like("a", "a%a") && like("aa", "a%a"))
        #expect(try like("日本", "日%") && like("100%", "100\\%") && !like("1000", "100\\%"))
    }

    @Test(arguments: [4, 5, 6] as [UInt64]) func wholeColumnsMatchAsTheGeneralMatcher(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var matched = 0, checked = 0
        for _ in 0..<300 {
            let text = "%" + Self.pattern(&rng) + (Bool.random(using: &rng) ? "%" : "")
            let pattern = try LikePattern(text)
            var builder = ColumnBuilder(type: .string, capacity: 64)
            var strings: [String?] = []
            for _ in 0..<Int.random(in: 0...64, using: &rng) {
                let s = Int.random(in: 0..<8, using: &rng) == 0 ? nil
                    : (0..<Int.random(in: 0...7, using: &rng)).map { _ in Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &rng)] }.joined()
                strings.append(s)
                builder.append(s.map { .string($0) } ?? .null)
            }
            let got = try StringPredicates.like(builder.finish(), pattern)
            for (i, s) in strings.enumerated() {
                let expected: Bool? = s.map { s in
                    let bytes = Array(s.utf8)
                    return pattern.tokens.withUnsafeBufferPointer { t in bytes.withUnsafeBufferPointer { LikePattern.matches(t, $0) } }
                }
                let value: Bool? = got.isNull(i) ? nil : { if case .boolean(let b) = got.values { return b[i] } else { return nil } }()
                #expect(value == expected, "row \(i) '\(s ?? "null")' LIKE '\(text)'")
                checked += 1
                if expected == true { matched += 1 }
            }
        }
        #expect(matched > checked / 50, "the patterns match often enough to test both answers (\(matched) of \(checked))")
    }

    @Test func theRarestByteOfTheLongestPieceIsSearched() throws {
        let scan = try #require(try LikePattern("%special%requests%").columnScan)
        #expect(scan.needle == Array("requests".utf8) && scan.rare == UInt8(ascii: "q"))
        #expect(try LikePattern("special%").columnScan == nil && LikePattern("%a").columnScan == nil)
    }
}
