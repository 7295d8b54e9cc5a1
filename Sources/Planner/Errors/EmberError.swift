// EmberError: the one error type of the engine. Every error says what went wrong (code + message),
// where (context: file, line, column, stage, task…), and what to do (hint), and keeps its cause.

/// The category of an ``EmberError``. The category decides how the scheduler treats a task that
/// failed with it (see ``EmberError/countsTowardTaskFailures``).
public enum ErrorCode: String, Sendable, Codable {
    /// The query is wrong: an unknown column, a type mismatch. Found by the analyzer, before running.
    case analysis = "ANALYSIS"
    /// The SQL text is not valid SQL (Spark's ParseException); the message points at the line and column.
    case parse = "PARSE"
    /// An input file is missing, unreadable or malformed.
    case input = "INPUT"
    /// An output path cannot be written (exists, no permission, …).
    case output = "OUTPUT"
    /// A task failed while running.
    case execution = "EXECUTION"
    /// A shuffle block could not be read (missing or corrupt): the map output must be recomputed.
    case fetchFailed = "FETCH_FAILED"
    /// Executors could not be launched or were lost.
    case executor = "EXECUTOR"
    /// Memory could not be reserved.
    case outOfMemory = "OUT_OF_MEMORY"
    /// A write to the executor's local files (shuffle output, spill, cached block) failed in a way
    /// that may pass: a full disk (ENOSPC), a quota (EDQUOT), an I/O error (EIO). The task is retried,
    /// as Spark retries a task whose shuffle write failed; the context names the file and the errno.
    case localDisk = "LOCAL_DISK"
    /// A configuration value or argument is invalid.
    case configuration = "CONFIGURATION"
    /// A bug in Ember: please report it.
    case `internal` = "INTERNAL"
    /// The task attempt was asked to stop (another attempt succeeded, or its job ended): not a failure.
    case killed = "TASK_KILLED"
    /// The job was cancelled while it ran (`Session.cancelAllJobs()`, Ctrl-C in `ember sql`).
    case cancelled = "JOB_CANCELLED"
}

/// The engine's error: a code, a message, the context it happened in, a hint that says what to do,
/// and the underlying cause.
public struct EmberError: Error, Sendable, Codable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// Where it happened, as ordered key/value pairs (`file`, `line`, `stage`, `task`…).
    public var context: [ContextItem]
    /// What the user can do about it.
    public var hint: String?
    /// The error that caused this one, rendered as text (errors cross process boundaries).
    public var cause: String?

    public struct ContextItem: Sendable, Codable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }

    public init(_ code: ErrorCode, _ message: String, context: [ContextItem] = [], hint: String? = nil,
                cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.hint = hint
        self.cause = cause.map { String(describing: $0) }
    }

    /// Returns a copy with one more context entry.
    @_spi(EmberInternal) public func with(_ key: String, _ value: String) -> EmberError {
        var copy = self
        copy.context.append(ContextItem(key, value))
        return copy
    }

    /// The value of a context entry, if present.
    public func context(_ key: String) -> String? { context.first { $0.key == key }?.value }

    /// The error as printed. Its parts may quote input data, so control characters are escaped
    /// (see ``Swift/String/escapingControlCharacters``): printing an error cannot drive the terminal.
    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if !context.isEmpty {
            text += " (" + context.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        }
        if let hint { text += "\n  hint: \(hint)" }
        if let cause { text += "\n  caused by: \(cause)" }
        return text.escapingControlCharacters
    }

    /// Whether a task failing with this error should count toward `task.maxFailures`.
    /// Fetch failures recompute the parent stage instead; executor losses are not the task's fault.
    @_spi(EmberInternal) public var countsTowardTaskFailures: Bool {
        switch code {
        case .fetchFailed, .executor, .killed: return false
        default: return true
        }
    }

    /// Whether retrying the task can help. Analysis, input and configuration errors are deterministic.
    public var isRetryable: Bool {
        switch code {
        case .analysis, .parse, .input, .configuration, .output: return false
        default: return true
        }
    }

    /// Wraps any error as an EmberError (keeping EmberErrors as they are).
    @_spi(EmberInternal) public static func wrap(_ error: any Error, _ code: ErrorCode = .execution, _ message: String? = nil) -> EmberError {
        if let e = error as? EmberError { return e }
        return EmberError(code, message ?? String(describing: error), cause: message == nil ? nil : error)
    }
}
