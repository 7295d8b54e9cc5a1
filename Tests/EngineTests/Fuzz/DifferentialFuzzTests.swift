// DifferentialFuzzTests: the differential fuzzer's entry point (issue 10, item 22). Random tables
// and plans run on real executor processes and are compared with the reference evaluator (see
// FuzzRunner for how seeds, sessions and verdicts work).
//
// `swift test` runs a fixed, bounded range of seeds (ciSeeds). `scripts/fuzz` picks others through
// the environment:
//   EMBER_FUZZ_SEEDS=start:count   run count seeds from start
//   EMBER_FUZZ_SEED=s              run one seed and print its plan (replay)
//   EMBER_FUZZ_DEADLINE=seconds    per-seed deadline (default 120: joins under the tiniest memory spill a lot)

import Foundation
import Testing

@Suite(.serialized) struct DifferentialFuzzTests {
    /// The seeds CI runs: about two minutes on the project's two-core machine.
    static let ciSeeds: Range<UInt64> = 0..<64

    static func seedsFromEnvironment() -> (Range<UInt64>, verbose: Bool) {
        let env = ProcessInfo.processInfo.environment
        if let one = env["EMBER_FUZZ_SEED"].flatMap(UInt64.init) { return (one..<one + 1, true) }
        if let spec = env["EMBER_FUZZ_SEEDS"] {
            let parts = spec.split(separator: ":").compactMap { UInt64($0) }
            if parts.count == 2 { return (parts[0]..<parts[0] + parts[1], false) }
        }
        return (ciSeeds, false)
    }

    @Test func randomPlansGiveTheReferenceAnswer() {
        let (seeds, verbose) = Self.seedsFromEnvironment()
        let deadline = ProcessInfo.processInfo.environment["EMBER_FUZZ_DEADLINE"].flatMap(Double.init) ?? 120
        let started = Date()
        let outcomes = FuzzRunner(deadline: deadline, verbose: verbose).run(seeds) { outcome in
            guard !outcome.verdict.passed else { return }
            print("FUZZ FAIL seed \(outcome.seed) [\(outcome.verdict.rawValue)] \(outcome.headline)")
            print(outcome.report)
        }
        var summary = "fuzz: \(outcomes.count) seeds (\(seeds.lowerBound)..<\(seeds.upperBound)) in \(Int(Date().timeIntervalSince(started))) s: "
        let byVerdict = Dictionary(grouping: outcomes, by: \.verdict.rawValue)
        summary += byVerdict.keys.sorted().map { "\(byVerdict[$0]!.count) \($0)" }.joined(separator: ", ")
        print(summary)
        let features = Dictionary(grouping: outcomes.flatMap(\.features), by: { $0 }).mapValues(\.count)
        print("fuzz: plans with " + features.keys.sorted().map { "\($0): \(features[$0]!)" }.joined(separator: ", "))
        let slowest = outcomes.sorted { $0.seconds > $1.seconds }.prefix(5)
        print("fuzz: slowest seeds: " + slowest.map { "\($0.seed) (\(String(format: "%.1f", $0.seconds)) s)" }.joined(separator: ", "))
        for outcome in outcomes where !outcome.verdict.passed {
            Issue.record(Comment(rawValue: outcome.report))
        }
    }
}
