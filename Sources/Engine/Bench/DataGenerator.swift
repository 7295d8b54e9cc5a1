// DataGenerator: seeded, deterministic benchmark data written straight as bytes (`ember gen`).
//
//   text:        lines of 6–16 words drawn from a vocabulary (50k words unless told) with Zipf-like frequencies
//                (s ≈ 1), in mixed case with punctuation, digits and an occasional non-ASCII word
//   clickstream: event_time,user_id,country,device,page,amount — ~60 countries (US, UK and DE
//                together ~60 % of rows), 5 devices, up to 10M user ids, amounts with 2 decimals
//
// The same seed and size give the same bytes on every machine.

import Foundation
@_spi(EmberInternal) import Planner

public enum DataGenerator {
    /// A sampler over weights using a cumulative table and binary search.
    struct WeightedChoice {
        let cumulative: [Double]
        init(_ weights: [Double]) {
            var total = 0.0
            cumulative = weights.map { total += $0; return total }
        }
        func pick(_ rng: inout SplitMix64) -> Int {
            let x = rng.unit() * cumulative[cumulative.count - 1]
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// Writes `bytes` bytes (rounded up to a whole line) of text to `path`, its words drawn from
    /// `vocabulary` distinct words (at most 20M: words of 2–12 letters).
    public static func text(bytes target: Int64, to path: String, seed: UInt64 = 42, vocabulary size: Int = 50_000) throws {
        guard (1...20_000_000).contains(size) else {
            throw EmberError(.configuration, "a vocabulary of \(size) words is out of range", hint: "use 1 to 20M words, e.g. --vocabulary 1M")
        }
        var rng = SplitMix64(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        var vocabulary: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        vocabulary.reserveCapacity(size)
        while vocabulary.count < size {
            let length = 2 + rng.below(6) + rng.below(6)
            let word = (0..<length).map { _ in letters[rng.below(letters.count)] }
            if seen.insert(word).inserted { vocabulary.append(word) }
        }
        if vocabulary.count > 17 { vocabulary[17] = Array("café".utf8) }   // some non-ASCII text for the tokenizer
        let zipf = WeightedChoice((1...vocabulary.count).map { 1.0 / Double($0) })
        let punctuation: [[UInt8]] = [[], [], [], [], [], Array(",".utf8), Array(".".utf8), Array(";".utf8),
                                      Array("!".utf8), Array("?".utf8), Array("'s".utf8), Array(" --".utf8)]
        try writeChunked(to: path, target: target) { (out: inout [UInt8]) -> Bool in
            let words = 6 + rng.below(11)
            for w in 0..<words {
                var word = vocabulary[zipf.pick(&rng)]
                let caseRoll = rng.below(20)
                if w == 0 || caseRoll == 0 { word[0] = word[0] & 0xDF }                  // Capitalized
                else if caseRoll == 1 { word = word.map { $0 >= 0x61 && $0 <= 0x7A ? $0 & 0xDF : $0 } }   // UPPER
                if rng.below(15) == 0 { out.append(UInt8(ascii: "\"")) }
                out.append(contentsOf: word)
                out.append(contentsOf: punctuation[rng.below(punctuation.count)])
                if rng.below(40) == 0 { out.append(contentsOf: Array(" \(rng.below(2030))".utf8)) }
                out.append(w == words - 1 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
            }
            return true
        }
    }

    /// Writes `rows` clickstream rows (with a header) to `path`.
    public static func clickstream(rows: Int, to path: String, seed: UInt64 = 42) throws {
        var rng = SplitMix64(seed: seed)
        let others = ["FR", "JP", "BR", "IN", "CA", "AU", "IT", "ES", "MX", "KR", "NL", "SE", "CH", "PL", "BE", "AT", "NO", "DK",
                      "FI", "IE", "PT", "CZ", "GR", "HU", "RO", "TR", "IL", "ZA", "NG", "EG", "KE", "AR", "CL", "CO", "PE", "VE",
                      "CN", "TW", "HK", "SG", "MY", "TH", "VN", "ID", "PH", "NZ", "RU", "UA", "SA", "AE", "PK", "BD", "LK", "IS",
                      "LU", "EE", "LV"]
        let countries = ["US", "UK", "DE"] + others
        let weights = [30.0, 15, 15] + others.map { _ in 40.0 / Double(others.count) }
        let countryChoice = WeightedChoice(weights)
        let devices = ["mobile", "desktop", "tablet", "tv", "console"]
        let deviceChoice = WeightedChoice([50, 35, 10, 3, 2])
        let countryBytes = countries.map { Array($0.utf8) }
        let deviceBytes = devices.map { Array($0.utf8) }
        var written = 0
        let start = Int64(1_767_225_600)   // 2026-01-01 00:00:00 UTC
        try writeChunked(to: path, target: Int64.max, header: Array("event_time,user_id,country,device,page,amount\n".utf8)) { out in
            if written == rows { return false }
            let t = start + Int64(written / 250)
            appendTimestamp(t, to: &out)
            out.append(UInt8(ascii: ","))
            appendInt(Int64(1 + rng.below(10_000_000)), to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: countryBytes[countryChoice.pick(&rng)])
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: deviceBytes[deviceChoice.pick(&rng)])
            out.append(contentsOf: Array(",/p/".utf8))
            appendInt(Int64(rng.below(1000)), to: &out)
            out.append(UInt8(ascii: ","))
            let cents = Int64(rng.below(50_000))
            appendInt(cents / 100, to: &out)
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") + UInt8(cents / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(cents % 10))
            out.append(UInt8(ascii: "\n"))
            written += 1
            return true
        }
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        var digits: [UInt8] = []
        var x = v
        while x > 0 { digits.append(UInt8(ascii: "0") + UInt8(x % 10)); x /= 10 }
        out.append(contentsOf: digits.reversed())
    }

    static func appendTimestamp(_ seconds: Int64, to out: inout [UInt8]) {
        out.append(contentsOf: Array(formatTimestamp(seconds * 1_000_000).utf8))
    }

    /// Calls `line` to append lines until `target` bytes are written (or it returns false), writing
    /// through a temp file renamed into place, so a partial file never appears at `path`.
    static func writeChunked(to path: String, target: Int64, header: [UInt8] = [], _ line: (inout [UInt8]) -> Bool) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard let handle = FileManager.default.createFile(atPath: tmp, contents: nil) ? FileHandle(forWritingAtPath: tmp) : nil else {
            throw EmberError(.output, "cannot create output file", context: [.init("path", path)],
                             hint: "check that the directory exists and is writable")
        }
        var buffer = header
        buffer.reserveCapacity(1 << 22)
        var total = Int64(0)
        do {
            while total + Int64(buffer.count) < target {
                if !line(&buffer) { break }
                if buffer.count >= 1 << 22 {
                    try handle.write(contentsOf: buffer)
                    total += Int64(buffer.count)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
            try handle.close()
            guard rename(tmp, path) == 0 else {
                throw EmberError(.output, "cannot move the generated file into place", context: [.init("path", path)])
            }
        } catch {
            try? handle.close()
            unlink(tmp)
            throw EmberError.wrap(error, .output)
        }
    }

}
