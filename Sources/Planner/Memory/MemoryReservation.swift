// MemoryReservation: how an operator asks its task for memory before it grows (hash tables,
// shuffle buffers, sort buffers). A refused request means "spill what you hold, then try again";
// only an operator that cannot make progress even after spilling fails with out-of-memory.
// Asking may itself make other operators of the task spill (see TaskMemoryManager), which is why
// it can throw: their spill's error (a full disk) ends the task.
//
// The fair share: an operator may hold more than its part of the task's memory only while it can
// still be asked to give it back. One that cannot (a partial aggregate, a hash join's table) stays
// within its fair share, and one that is about to emit (a sort, a final aggregate) first spills
// down to it, so the operators it feeds always find room.
//
// Spillable: an operator that can give its memory back when another operator of its task needs it
// (Spark's MemoryConsumer.spill). It registers with its reservation; the task's memory manager
// calls it only while the operator is not itself on the call stack asking for memory.

@_spi(EmberInternal) public protocol MemoryReservation: AnyObject {
    /// Tries to grow this reservation by `bytes`; false if the task's memory cannot grant it.
    func tryGrow(_ bytes: Int) throws -> Bool
    /// Gives `bytes` back.
    func shrink(_ bytes: Int)
    /// Bytes currently held.
    var reservedBytes: Int { get }
    /// Who to ask to spill this reservation's memory for another consumer (held weakly).
    func register(spiller: any Spillable)
    /// Grows only from memory that is free: asks no one to spill (a speculative, larger step).
    func tryGrowFromFree(_ bytes: Int) -> Bool
    /// This operator's part of the task's memory (the task's memory / its operators).
    var fairShare: Int { get }
    /// Who holds the task's memory, for out-of-memory errors.
    var usageReport: String { get }
}

extension MemoryReservation {
    /// A reservation without a task memory manager behind it has no one to ask.
    @_spi(EmberInternal) public func register(spiller: any Spillable) {}
    @_spi(EmberInternal) public func tryGrowFromFree(_ bytes: Int) -> Bool { (try? tryGrow(bytes)) ?? false }
    @_spi(EmberInternal) public var fairShare: Int { .max }
    @_spi(EmberInternal) public var usageReport: String { "\(reservedBytes) bytes reserved" }
}

@_spi(EmberInternal) public protocol Spillable: AnyObject {
    /// Spills what can be spilled now and returns the bytes given back to the reservation: 0 when
    /// nothing can be spilled at the moment (empty, or in the middle of emitting its rows).
    func spillForOtherConsumer() throws -> Int
}

/// A reservation with a fixed budget, for single-process use (benchmarks, tests) where no
/// executor memory manager exists.
@_spi(EmberInternal) public final class FixedMemoryReservation: MemoryReservation {
    @_spi(EmberInternal) public let limit: Int
    @_spi(EmberInternal) public private(set) var reservedBytes = 0
    @_spi(EmberInternal) public private(set) var refusals = 0
    @_spi(EmberInternal) public init(limit: Int) { self.limit = limit }
    @_spi(EmberInternal) public func tryGrow(_ bytes: Int) -> Bool {
        if reservedBytes + bytes > limit { refusals += 1; return false }
        reservedBytes += bytes
        return true
    }
    @_spi(EmberInternal) public func shrink(_ bytes: Int) { reservedBytes = max(0, reservedBytes - bytes) }
}
