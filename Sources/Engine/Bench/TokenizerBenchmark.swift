// TokenizerBenchmark: the byte-class tokenizer behind `split()` and the fused word count, in this
// process on one core (MB/s and tokens/s, best of 5): `split()` building the list column, and
// `forEachToken` as the fused word count calls it. EmberBench runs it on its generated text.

import Foundation
@_spi(EmberInternal) import Planner

public enum TokenizerBenchmark {
    /// Tokenizes `text`'s lines by `pattern` both ways and returns one report line for each.
    public static func run(text: String, pattern: String = "[^A-Za-z0-9]+", rounds: Int = 5) throws -> String {
        let lines = ColumnVector(.string(StringArray(text.split(separator: "\n").map(String.init))))
        let splitter = try StringSplitter.compile(pattern)
        guard case .string(let strings) = lines.values else { return "" }
        var splitTokens = 0, fusedTokens = 0
        let splitSeconds = try ShuffleBenchmark.bestOf(rounds) {
            guard case .list(let offsets, _) = try splitter.split(lines).values else { return }
            splitTokens = Int(offsets.last ?? 0)
        }
        let fusedSeconds = ShuffleBenchmark.bestOf(rounds) {
            fusedTokens = 0
            strings.bytes.withUnsafeBytes { bytes in
                for i in 0..<strings.count {
                    let line = UnsafeRawBufferPointer(rebasing: bytes[Int(strings.offsets[i])..<Int(strings.offsets[i + 1])])
                    splitter.forEachToken(line) { _ in fusedTokens += 1 }
                }
            }
        }
        let megabytes = Double(text.utf8.count) / 1_048_576
        func line(_ name: String, _ seconds: Double, _ tokens: Int) -> String {
            String(format: "%-10@ %6.1f MB/s  %10.0f tokens/s  (best of %d: %.3f s, 1 core)",
                   name, megabytes / seconds, Double(tokens) / seconds, rounds, seconds)
        }
        return line("split()", splitSeconds, splitTokens) + "\n" + line("tokens", fusedSeconds, fusedTokens)
    }
}
