// Typed identifiers: a StageID can never be passed where a TaskID is expected.

@_spi(EmberInternal) public struct JobID: Hashable, Sendable, Codable, CustomStringConvertible {
    @_spi(EmberInternal) public let value: Int
    @_spi(EmberInternal) public init(_ value: Int) { self.value = value }
    @_spi(EmberInternal) public var description: String { "\(value)" }
}

public struct StageID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "\(value)" }
    public static func < (a: StageID, b: StageID) -> Bool { a.value < b.value }
}

/// Unique per task attempt across the application (Spark's task attempt id; also the shuffle `mapId`).
public struct TaskID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "\(value)" }
}

public struct ShuffleID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "\(value)" }
}

public struct ExecutorID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
    public static func < (a: ExecutorID, b: ExecutorID) -> Bool {
        if let x = Int(a.value), let y = Int(b.value) { return x < y }
        return a.value < b.value
    }
}
