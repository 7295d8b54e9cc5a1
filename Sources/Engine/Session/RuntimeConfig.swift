// RuntimeConfig: a session's settings by their Spark names while it runs (Spark's `spark.conf`):
// the planning settings (`spark.sql.shuffle.partitions`, `spark.sql.autoBroadcastJoinThreshold`,
// `spark.sql.join.preferSortMergeJoin`) change for the next action, and
// `spark.sql.files.maxPartitionBytes` for the files read after it (a DataFrame's splits are
// planned when its files are read), `spark.sql.sources.default` for the next save or load without
// a format; the application's (executors, memory, …) read back but cannot change; other keys are
// kept as given, as Spark keeps them. `SessionConfig.set` takes the same keys before a start.

@_spi(EmberInternal) import Planner
import Synchronization

extension SessionConfig {
    /// Applies a setting by its Spark name and value syntax (`spark.executor.memory` = `2g`,
    /// `spark.sql.shuffle.partitions` = `64`, …). Throws for a value the setting cannot take and
    /// for a key Ember does not know (naming the closest one it does).
    public mutating func set(_ key: String, _ value: String) throws {
        guard let setting = SparkSetting.find(key) else { throw RuntimeConfig.unknownKey(key) }
        try setting.apply(&self, value)
    }

    /// The value of a setting by its Spark name, as Spark would print it.
    public func value(of key: String) -> String? { SparkSetting.find(key)?.read(self) }
}

public final class RuntimeConfig: Sendable {
    private struct State {
        var config: SessionConfig
        /// Keys Ember does not use, set through `set` (Spark keeps any key).
        var other: [String: String] = [:]
        /// Keys set since the session started (SQL's plain `SET` lists these).
        var explicitlySet: Set<String> = []
    }
    private let state: Mutex<State>
    private let initial: SessionConfig

    init(_ config: SessionConfig) {
        initial = config
        state = Mutex(State(config: config))
    }

    /// The configuration as it stands now; an action plans with it.
    var current: SessionConfig { state.withLock { $0.config } }

    /// Sets a key. A planning setting takes effect at the next action; a setting of the
    /// application (executors, memory, …) cannot change while the session runs.
    public func set(_ key: String, _ value: String) throws {
        if let setting = SparkSetting.find(key) {
            guard setting.runtime else {
                throw EmberError(.configuration, "cannot modify the value of the Spark config \(key) while the session runs",
                                 context: [.init("setting", key)],
                                 hint: "set it in SessionConfig (or --conf \(key)=\(value)) before the session starts")
            }
            try state.withLock { s in
                try setting.apply(&s.config, value)
                s.explicitlySet.insert(key)
            }
        } else {
            guard !key.isEmpty else { throw EmberError(.configuration, "a setting needs a key") }
            state.withLock { s in
                s.other[key] = value
                s.explicitlySet.insert(key)
            }
        }
    }

    public func set(_ key: String, _ value: Bool) throws { try set(key, String(value)) }
    public func set(_ key: String, _ value: Int) throws { try set(key, String(value)) }
    public func set(_ key: String, _ value: Int64) throws { try set(key, String(value)) }

    /// The value of a key: a setting Ember knows (its current value) or one set through `set`.
    /// Throws for anything else, naming the closest known key.
    public func get(_ key: String) throws -> String {
        guard let value = getOption(key) else { throw Self.unknownKey(key) }
        return value
    }

    public func get(_ key: String, default fallback: String) -> String { getOption(key) ?? fallback }

    public func getOption(_ key: String) -> String? {
        state.withLock { s in SparkSetting.find(key)?.read(s.config) ?? s.other[key] }
    }

    /// Restores a key's value from when the session started (Spark's `unset` / SQL `RESET key`).
    public func unset(_ key: String) throws {
        if let setting = SparkSetting.find(key), !setting.runtime {
            throw EmberError(.configuration, "cannot modify the value of the Spark config \(key) while the session runs",
                             context: [.init("setting", key)])
        }
        state.withLock { s in
            s.other[key] = nil
            s.explicitlySet.remove(key)
            // The start configuration with every other setting made since applied again.
            var restored = initial
            for other in s.explicitlySet {
                if let setting = SparkSetting.find(other) { try? setting.apply(&restored, setting.read(s.config)) }
            }
            s.config = restored
        }
    }

    /// Every setting Ember knows with its current value, and the other keys set (Spark's `getAll`).
    public var all: [String: String] {
        state.withLock { s in
            var result = s.other
            for setting in SparkSetting.all { result[setting.key] = setting.read(s.config) }
            return result
        }
    }

    /// The keys set since the session started, with their values (SQL's `SET` without arguments).
    public var explicitlySet: [(key: String, value: String)] {
        state.withLock { s in
            s.explicitlySet.sorted().map { key in (key, SparkSetting.find(key)?.read(s.config) ?? s.other[key] ?? "") }
        }
    }

    /// False for the application's settings, which are fixed once the session starts.
    public func isModifiable(_ key: String) -> Bool { SparkSetting.find(key)?.runtime ?? true }

    static func unknownKey(_ key: String) -> EmberError {
        let hint = NameSuggestions.closest(to: key, among: SparkSetting.all.map(\.key)).map { "did you mean \($0)?" }
            ?? "settings Ember knows: \(SparkSetting.all.map(\.key).joined(separator: ", "))"
        return EmberError(.configuration, "no setting named \(key)", context: [.init("setting", key)], hint: hint)
    }
}
