// BatchStringBytes: how many bytes of lines the batch a line scan (CSV, JSON lines, text) is
// filling holds. Every string a row adds to a column comes from its line, so a column's string
// bytes never pass this count. A batch is cut before a line that would take it past
// ScanLimits.batchStringBytes (a line longer than that alone is a batch of its own), so no batch
// holds more than max(batchStringBytes, maxLineBytes) ≤ Int32.max bytes of strings per column.

@_spi(EmberInternal) import Planner

struct BatchStringBytes {
    let limit: Int
    private(set) var used = 0

    init(_ limits: ScanLimits) { limit = limits.batchStringBytes }

    /// Whether the batch must be cut before a line of `n` bytes joins it.
    @inline(__always) func mustCutBefore(_ n: Int) -> Bool { used > 0 && used + n > limit }

    /// Counts a line that joined the batch; true when the batch is full.
    @inline(__always) mutating func add(_ n: Int) -> Bool {
        used += n
        return used >= limit
    }

    mutating func reset() { used = 0 }
}
