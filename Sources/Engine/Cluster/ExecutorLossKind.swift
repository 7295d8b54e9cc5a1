// ExecutorLossKind: why an executor went away, as a value the listeners switch on (metrics'
// `reason` label, the driver log's level, the root-cause report), decided where the loss is known:
// the scheduler for what it did (idle removal, exclusion, heartbeat and registration timeouts),
// the executor's exit status otherwise.

@_spi(EmberInternal) import Executor
import Foundation

public enum ExecutorLossKind: String, Sendable {
    /// Removed by dynamic allocation for being idle: expected, not a loss.
    case idle
    /// Exited with the out-of-memory code.
    case outOfMemory = "oom"
    /// Terminated by SIGKILL (from outside, or by the driver).
    case killed
    case heartbeatTimeout = "heartbeat_timeout"
    case excluded
    case registrationTimeout = "registration_timeout"
    case normal
    case crash

    /// The kind an exit status says (when nothing more is known).
    public init(exitCode: Int32?, signal: Int32?) {
        if signal == SIGKILL { self = .killed } else if exitCode == ExecutorExitCode.outOfMemory { self = .outOfMemory }
        else if exitCode == ExecutorExitCode.normal && signal == nil { self = .normal } else { self = .crash }
    }

    /// A loss rather than an expected removal.
    public var isLoss: Bool { self != .idle }
}
