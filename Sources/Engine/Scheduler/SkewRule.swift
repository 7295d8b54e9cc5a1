// SkewRule: when a partition counts as skewed. Spark's adaptive execution calls a partition skewed
// when it is at least skewedPartitionFactor = 5 times the median and above a size threshold;
// Ember's threshold is 64 KiB, as its partitions are small. The driver (asking a task for its key
// summary), the root-cause report and the stage page all judge with this rule, so they agree.

import Foundation

struct SkewRule {
    static let factor: Int64 = 5
    static let minBytes: Int64 = 64 << 10
    /// The median of the non-empty sizes (the upper one of an even count); 0 when there are none.
    let median: Int64

    init(sizes: [Int64]) {
        let nonEmpty = sizes.filter { $0 > 0 }.sorted()
        median = nonEmpty.isEmpty ? 0 : nonEmpty[nonEmpty.count / 2]
    }

    func isSkewed(_ bytes: Int64) -> Bool { bytes >= Self.minBytes && bytes >= Self.factor * Swift.max(median, 1) }

    /// "52.9× the median 63276 bytes"
    func describe(_ bytes: Int64) -> String {
        (median > 0 ? String(format: "%.1f", Double(bytes) / Double(median)) : "∞") + "× the median \(median) bytes"
    }
}
