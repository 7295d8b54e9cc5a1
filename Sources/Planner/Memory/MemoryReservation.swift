// MemoryReservation: how an operator asks its executor for memory before it grows (hash tables,
// shuffle buffers, sort buffers). A refused request means "spill what you hold, then try again";
// only an operator that cannot make progress even after spilling fails with out-of-memory.

public protocol MemoryReservation: AnyObject {
    /// Tries to grow this reservation by `bytes`; false if the executor's memory cannot grant it.
    func tryGrow(_ bytes: Int) -> Bool
    /// Gives `bytes` back.
    func shrink(_ bytes: Int)
    /// Bytes currently held.
    var reservedBytes: Int { get }
}

/// A reservation with a fixed budget, for single-process use (benchmarks, tests) where no
/// executor memory manager exists.
public final class FixedMemoryReservation: MemoryReservation {
    public let limit: Int
    public private(set) var reservedBytes = 0
    public private(set) var refusals = 0
    public init(limit: Int) { self.limit = limit }
    public func tryGrow(_ bytes: Int) -> Bool {
        if reservedBytes + bytes > limit { refusals += 1; return false }
        reservedBytes += bytes
        return true
    }
    public func shrink(_ bytes: Int) { reservedBytes = max(0, reservedBytes - bytes) }
}
