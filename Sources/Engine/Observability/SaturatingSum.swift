// SaturatingSum: totals of sizes, counts and durations for the UI and REST API. Each value is
// bounded (an event log's are below 2^48, EventLogReader), but a total over very many tasks is
// not: it stops at Int64.max instead of trapping.

extension Int64 {
    func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension Sequence {
    /// The total of `value` over the elements, saturating.
    func saturatedSum(_ value: (Element) -> Int64) -> Int64 {
        reduce(Int64(0)) { $0.addingSaturated(value($1)) }
    }
}
