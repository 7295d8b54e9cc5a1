// Locality levels (Spark's TaskLocality), ordered from best to worst, and where a task would like
// to run. A level is allowed for an offer when it is no worse than what delay scheduling allows.
//
//   PROCESS_LOCAL  the partition's data is in that executor's process (a cached block)
//   NODE_LOCAL     on that host (an input split's host)
//   NO_PREF        the task has no preference (shuffle reads)
//   RACK_LOCAL     on another host of the same rack
//   ANY            anywhere

@_spi(EmberInternal) import Planner

public enum TaskLocality: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case processLocal = 0, nodeLocal, noPref, rackLocal, any

    public static func < (a: TaskLocality, b: TaskLocality) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .processLocal: return "PROCESS_LOCAL"
        case .nodeLocal: return "NODE_LOCAL"
        case .noPref: return "NO_PREF"
        case .rackLocal: return "RACK_LOCAL"
        case .any: return "ANY"
        }
    }
}

/// A place a task prefers: a host, optionally one executor on it.
struct TaskLocation: Hashable, Sendable {
    var host: String
    var executor: ExecutorID?
}

/// Where an offered slot is.
struct ExecutorPlace: Hashable, Sendable {
    var id: ExecutorID
    var host: String
    var rack: String?
}

/// Delay-scheduling settings (Spark's spark.locality.wait and its per-level overrides).
public struct LocalityWaits: Sendable, Hashable {
    public var process: Double = 3
    public var node: Double = 3
    public var rack: Double = 3
    public init() {}
    public init(all seconds: Double) { process = seconds; node = seconds; rack = seconds }

    func wait(for level: TaskLocality) -> Double {
        switch level {
        case .processLocal: return process
        case .nodeLocal: return node
        case .rackLocal: return rack
        case .noPref, .any: return 0
        }
    }
}
