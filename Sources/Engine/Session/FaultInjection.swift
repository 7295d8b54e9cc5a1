// FaultInjection: failures injected into real runs through configuration, not code edits, to test
// and demonstrate recovery. Each fault fires once per session.

/// How to damage a committed shuffle map output.
public enum ShuffleCorruption: String, Sendable, CaseIterable {
    /// Flip one byte inside the first non-empty partition of the data file.
    case flipByte
    /// Cut the data file in half.
    case truncateData
    /// Cut the index file short.
    case truncateIndex
    case deleteData
    case deleteIndex
}

public struct FaultInjection: Sendable {
    /// Damage the output of map partition `mapIndex` of the first shuffle, right after its map stage
    /// completes for the first time (between the stages). The reducers must report a fetch failure,
    /// and the scheduler must recompute that map output.
    public var corruptShuffleOutput: (kind: ShuffleCorruption, mapIndex: Int)? = nil
    public init() {}
}
