// TableReservation: the memory a hash aggregate's table holds, reserved ahead of its growth, and
// PartialBackOff, the rule that makes a Partial aggregate stop building tables that reduce nothing.
// Both the general HashAggregateExec and the fused word count (TokenCountExec) use them.

@_spi(EmberInternal) import Planner

/// Memory for a structure that grows until it is given away whole (a group table with its buffers).
///
/// Requests are rounded up to `step` bytes, so a growing table asks the executor's manager about
/// once per MiB. A step the task's share cannot grant is retried with just the missing bytes, and
/// from then on only exact amounts are asked for: a share smaller than a step still holds a table.
struct TableReservation {
    static let step = 1 << 20
    let memory: (any MemoryReservation)?
    private(set) var reserved = 0
    private var stepRefused = false

    init(_ memory: (any MemoryReservation)?) { self.memory = memory }

    /// Makes the reservation cover `needed` bytes; false when the memory is refused (then the
    /// holder must give its table away: emit it, or spill it).
    mutating func cover(_ needed: Int) throws -> Bool {
        guard let memory, needed > reserved else { return true }
        let missing = needed - reserved
        if !stepRefused && missing < Self.step {
            // The step is speculative: it is taken only from free memory, never by making others spill.
            if memory.tryGrowFromFree(Self.step) {
                reserved += Self.step
                return true
            }
            stepRefused = true
        }
        guard try memory.tryGrow(missing) else { return false }
        reserved += missing
        return true
    }

    /// Like ``cover(_:)``, but only from free memory: never makes another consumer spill (for
    /// what is only worth having, such as a table sized ahead of its groups).
    mutating func coverFromFree(_ needed: Int) -> Bool {
        guard let memory, needed > reserved else { return true }
        guard memory.tryGrowFromFree(needed - reserved) else { return false }
        reserved = needed
        return true
    }

    /// Whether `bytes` stay within the holder's fair share of the task's memory (what it may hold
    /// while it cannot be asked to spill).
    func withinFairShare(_ bytes: Int) -> Bool { bytes <= memory?.fairShare ?? .max }

    /// Gives back what is reserved beyond `bytes` (a step rounded up, or room that was only checked).
    mutating func shrink(to bytes: Int) {
        guard reserved > bytes else { return }
        memory?.shrink(reserved - Swift.max(bytes, 0))
        reserved = Swift.max(bytes, 0)
    }

    /// Gives everything back (the table was emitted, spilled or dropped).
    mutating func release() {
        if reserved > 0 { memory?.shrink(reserved) }
        reserved = 0
    }
}

/// Partial aggregation backs off when it does not reduce: after 100,000 input rows, a table holding
/// more than one group per 1.05 rows is emitted, and later rows pass through as one-row partial
/// buffers, leaving the work to the Final side.
enum PartialBackOff {
    static let minRows = 100_000
    static let minRowsPerGroup = 1.05

    static func applies(rows: Int, groups: Int, minRows: Int = minRows) -> Bool {
        rows >= minRows && Double(rows) < Double(groups) * minRowsPerGroup
    }
}
