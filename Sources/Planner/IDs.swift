// Typed identifiers: a StageID can never be passed where a TaskID is expected.

package struct JobID: Hashable, Sendable, Codable, CustomStringConvertible {
    package let value: Int
    package init(_ value: Int) { self.value = value }
    package var description: String { "\(value)" }
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
