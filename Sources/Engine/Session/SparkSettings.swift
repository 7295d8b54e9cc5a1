// SparkSettings: the session settings Ember understands under Spark's property names, with Spark's
// value syntax (sizes like `64m`, durations like `10s`, booleans). `SessionConfig.set(_:_:)` takes
// any of them before a session starts (the `--conf key=value` of the commands); the runtime ones
// (`spark.sql.*` planning settings) can also change while it runs (`session.conf.set`, SQL `SET`).

@_spi(EmberInternal) import Planner

/// One setting: its Spark key, whether it may change while the session runs, how a value is
/// applied to a configuration, and how the configuration's value reads back.
struct SparkSetting: Sendable {
    let key: String
    let runtime: Bool
    let apply: @Sendable (inout SessionConfig, String) throws -> Void
    let read: @Sendable (SessionConfig) -> String

    static func find(_ key: String) -> SparkSetting? { byKey[key] }

    static let byKey: [String: SparkSetting] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    static let all: [SparkSetting] = [
        // Planning settings, read when an action plans its query.
        SparkSetting(key: "spark.sql.shuffle.partitions", runtime: true, apply: { config, text in
            let n = try SparkValue.integer(text, key: "spark.sql.shuffle.partitions")
            guard n >= 1, n <= SessionLimits.maxShufflePartitions else {
                throw SparkValue.invalid("spark.sql.shuffle.partitions", text,
                                         "a number of partitions from 1 to \(SessionLimits.maxShufflePartitions)")
            }
            config.shufflePartitions = n
        }, read: { String($0.effectiveShufflePartitions) }),
        SparkSetting(key: "spark.sql.autoBroadcastJoinThreshold", runtime: true, apply: { config, text in
            config.autoBroadcastJoinThreshold = try SparkValue.bytes(text, key: "spark.sql.autoBroadcastJoinThreshold", allowNegative: true)
        }, read: { String($0.autoBroadcastJoinThreshold) }),
        SparkSetting(key: "spark.sql.join.preferSortMergeJoin", runtime: true, apply: { config, text in
            config.preferSortMergeJoin = try SparkValue.boolean(text, key: "spark.sql.join.preferSortMergeJoin")
        }, read: { String($0.preferSortMergeJoin) }),
        SparkSetting(key: "spark.sql.adaptive.enabled", runtime: true, apply: { config, text in
            config.adaptiveEnabled = try SparkValue.boolean(text, key: "spark.sql.adaptive.enabled")
        }, read: { String($0.adaptiveEnabled) }),
        SparkSetting(key: "spark.sql.adaptive.autoBroadcastJoinThreshold", runtime: true, apply: { config, text in
            config.adaptiveAutoBroadcastJoinThreshold = try SparkValue.bytes(text, key: "spark.sql.adaptive.autoBroadcastJoinThreshold",
                                                                             allowNegative: true)
        }, read: { String($0.adaptiveAutoBroadcastJoinThreshold ?? $0.autoBroadcastJoinThreshold) }),
        SparkSetting(key: "spark.sql.optimizer.runtime.bloomFilter.enabled", runtime: true, apply: { config, text in
            config.runtimeFilterEnabled = try SparkValue.boolean(text, key: "spark.sql.optimizer.runtime.bloomFilter.enabled")
        }, read: { String($0.runtimeFilterEnabled) }),
        SparkSetting(key: "spark.sql.optimizer.runtime.bloomFilter.creationSideThreshold", runtime: true, apply: { config, text in
            config.runtimeFilterCreationSideThreshold = try SparkValue.bytes(text, key: "spark.sql.optimizer.runtime.bloomFilter.creationSideThreshold")
        }, read: { String($0.runtimeFilterCreationSideThreshold) }),
        SparkSetting(key: "spark.sql.files.maxPartitionBytes", runtime: true, apply: { config, text in
            let n = try SparkValue.bytes(text, key: "spark.sql.files.maxPartitionBytes")
            guard n > 0 else { throw SparkValue.invalid("spark.sql.files.maxPartitionBytes", text, "a positive size") }
            config.maxPartitionBytes = n
        }, read: { String($0.maxPartitionBytes) }),
        SparkSetting(key: "spark.sql.sources.default", runtime: true, apply: { config, text in
            let name = text.trimming(" ").lowercased()
            let formats = ["csv", "json", "parquet", "text"]
            guard formats.contains(name) else {
                var error = SparkValue.invalid("spark.sql.sources.default", text, "a data source Ember reads and writes: " + formats.joined(separator: ", "))
                error.hint = NameSuggestions.closest(to: name, among: formats).map { "did you mean \($0)?" }
                throw error
            }
            config.defaultDataSource = name
        }, read: { $0.defaultDataSource }),

        // The application and its executors: fixed once the session starts.
        SparkSetting(key: "spark.app.name", runtime: false, apply: { config, text in config.appName = text }, read: { $0.appName }),
        SparkSetting(key: "spark.executor.instances", runtime: false, apply: { config, text in
            guard case .local(_, let cores, let memory) = config.master else { return }
            config.master = .local(executors: try SparkValue.positive(text, key: "spark.executor.instances"), cores: cores, memory: memory)
        }, read: { config in guard case .local(let e, _, _) = config.master else { return "" }; return String(e) }),
        SparkSetting(key: "spark.executor.cores", runtime: false, apply: { config, text in
            guard case .local(let executors, _, let memory) = config.master else { return }
            config.master = .local(executors: executors, cores: try SparkValue.positive(text, key: "spark.executor.cores"), memory: memory)
        }, read: { config in guard case .local(_, let c, _) = config.master else { return "" }; return String(c) }),
        SparkSetting(key: "spark.executor.memory", runtime: false, apply: { config, text in
            guard case .local(let executors, let cores, _) = config.master else { return }
            // Spark reads a plain number as MiB here.
            let memory = try SparkValue.bytes(text, key: "spark.executor.memory", plainUnit: 1 << 20)
            guard memory > 0 else { throw SparkValue.invalid("spark.executor.memory", text, "a positive size such as 512m or 2g") }
            config.master = .local(executors: executors, cores: cores, memory: memory)
        }, read: { config in
            guard case .local(_, _, let m) = config.master else { return "" }
            return m % (1 << 20) == 0 ? "\(m >> 20)m" : "\(m)b"
        }),
        SparkSetting(key: "spark.local.dir", runtime: false, apply: { config, text in config.localDir = text },
                     read: { $0.localDir ?? "" }),
        SparkSetting(key: "spark.task.maxFailures", runtime: false, apply: { config, text in
            config.taskMaxFailures = try SparkValue.positive(text, key: "spark.task.maxFailures")
        }, read: { String($0.taskMaxFailures) }),
        SparkSetting(key: "spark.stage.maxConsecutiveAttempts", runtime: false, apply: { config, text in
            config.stageMaxConsecutiveAttempts = try SparkValue.positive(text, key: "spark.stage.maxConsecutiveAttempts")
        }, read: { String($0.stageMaxConsecutiveAttempts) }),
        SparkSetting(key: "spark.driver.maxResultSize", runtime: false, apply: { config, text in
            config.maxResultSize = try SparkValue.bytes(text, key: "spark.driver.maxResultSize")
        }, read: { String($0.maxResultSize) }),
        SparkSetting(key: "spark.task.maxDirectResultSize", runtime: false, apply: { config, text in
            let n = try SparkValue.bytes(text, key: "spark.task.maxDirectResultSize")
            guard n >= 0, n <= Int64(Int32.max) else { throw SparkValue.invalid("spark.task.maxDirectResultSize", text, "a size below 2g") }
            config.maxDirectResultSize = Int(n)
        }, read: { String($0.maxDirectResultSize) }),
        SparkSetting(key: "spark.io.compression.zstd.level", runtime: false, apply: { config, text in
            let level = try SparkValue.integer(text, key: "spark.io.compression.zstd.level")
            guard (-7...19).contains(level) else { throw SparkValue.invalid("spark.io.compression.zstd.level", text, "a level from -7 (fastest) to 19") }
            config.shuffleCompressionLevel = Int32(level)
        }, read: { String($0.shuffleCompressionLevel) }),
        SparkSetting(key: "spark.shuffle.service.enabled", runtime: false, apply: { config, text in
            config.shuffleServiceEnabled = try SparkValue.boolean(text, key: "spark.shuffle.service.enabled")
        }, read: { String($0.shuffleServiceEnabled) }),
        SparkSetting(key: "spark.executor.heartbeatInterval", runtime: false, apply: { config, text in
            let ms = try SparkValue.milliseconds(text, key: "spark.executor.heartbeatInterval")
            guard ms >= 1 else { throw SparkValue.invalid("spark.executor.heartbeatInterval", text, "a positive duration such as 1s") }
            config.heartbeatIntervalMillis = Int(ms)
        }, read: { "\($0.heartbeatIntervalMillis)ms" }),
        SparkSetting(key: "spark.speculation", runtime: false, apply: { config, text in
            config.speculation = try SparkValue.boolean(text, key: "spark.speculation")
        }, read: { String($0.speculation) }),
        SparkSetting(key: "spark.excludeOnFailure.enabled", runtime: false, apply: { config, text in
            config.excludeOnFailureEnabled = try SparkValue.boolean(text, key: "spark.excludeOnFailure.enabled")
        }, read: { String($0.excludeOnFailureEnabled) }),
        SparkSetting(key: "spark.dynamicAllocation.enabled", runtime: false, apply: { config, text in
            config.dynamicAllocation.enabled = try SparkValue.boolean(text, key: "spark.dynamicAllocation.enabled")
        }, read: { String($0.dynamicAllocation.enabled) }),
        SparkSetting(key: "spark.dynamicAllocation.minExecutors", runtime: false, apply: { config, text in
            config.dynamicAllocation.minExecutors = try SparkValue.nonNegative(text, key: "spark.dynamicAllocation.minExecutors")
        }, read: { String($0.dynamicAllocation.minExecutors) }),
        SparkSetting(key: "spark.dynamicAllocation.initialExecutors", runtime: false, apply: { config, text in
            config.dynamicAllocation.initialExecutors = try SparkValue.nonNegative(text, key: "spark.dynamicAllocation.initialExecutors")
        }, read: { String($0.dynamicAllocation.initialExecutors) }),
        SparkSetting(key: "spark.dynamicAllocation.maxExecutors", runtime: false, apply: { config, text in
            config.dynamicAllocation.maxExecutors = try SparkValue.positive(text, key: "spark.dynamicAllocation.maxExecutors")
        }, read: { String($0.dynamicAllocation.maxExecutors) }),
        SparkSetting(key: "spark.dynamicAllocation.executorIdleTimeout", runtime: false, apply: { config, text in
            config.dynamicAllocation.executorIdleTimeoutSeconds = Double(try SparkValue.milliseconds(text, key: "spark.dynamicAllocation.executorIdleTimeout", plainUnit: 1000)) / 1000
        }, read: { "\(Int64(($0.dynamicAllocation.executorIdleTimeoutSeconds * 1000).rounded()))ms" }),
        SparkSetting(key: "spark.eventLog.dir", runtime: false, apply: { config, text in config.eventLogDir = text },
                     read: { $0.eventLogDir ?? "" }),
        SparkSetting(key: "spark.eventLog.enabled", runtime: false, apply: { config, text in
            if try !SparkValue.boolean(text, key: "spark.eventLog.enabled") { config.eventLogDir = nil }
        }, read: { String($0.eventLogDir != nil) }),
        SparkSetting(key: "spark.ui.enabled", runtime: false, apply: { config, text in
            config.uiEnabled = try SparkValue.boolean(text, key: "spark.ui.enabled")
        }, read: { String($0.uiEnabled) }),
        SparkSetting(key: "spark.ui.port", runtime: false, apply: { config, text in
            let port = try SparkValue.integer(text, key: "spark.ui.port")
            guard (1...65_535).contains(port) else { throw SparkValue.invalid("spark.ui.port", text, "a port from 1 to 65535") }
            config.uiPort = UInt16(port)
        }, read: { String($0.uiPort) }),
        SparkSetting(key: "spark.ui.showConsoleProgress", runtime: false, apply: { config, text in
            config.showProgress = try SparkValue.boolean(text, key: "spark.ui.showConsoleProgress")
        }, read: { String($0.showProgress) }),
    ]
}

/// Spark's syntax for setting values, with errors that name the key and say what it takes.
enum SparkValue {
    static func invalid(_ key: String, _ text: String, _ expected: String) -> EmberError {
        EmberError(.configuration, "\(key) takes \(expected), not '\(text)'", context: [.init("setting", key), .init("value", text)])
    }

    static func boolean(_ text: String, key: String) throws -> Bool {
        switch text.trimming(" ").lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid(key, text, "true or false")
        }
    }

    static func integer(_ text: String, key: String) throws -> Int {
        guard let n = Int(text.trimming(" ")) else { throw invalid(key, text, "a whole number") }
        return n
    }

    static func positive(_ text: String, key: String) throws -> Int {
        let n = try integer(text, key: key)
        guard n >= 1 else { throw invalid(key, text, "a number of at least 1") }
        return n
    }

    static func nonNegative(_ text: String, key: String) throws -> Int {
        let n = try integer(text, key: key)
        guard n >= 0 else { throw invalid(key, text, "a number of at least 0") }
        return n
    }

    /// A size as Spark writes it: a number with an optional binary unit (b, k/kb, m/mb, g/gb,
    /// t/tb, p/pb, any case); a plain number counts `plainUnit` bytes. Negative sizes only where
    /// they mean "off" (the broadcast threshold's -1).
    static func bytes(_ text: String, key: String, plainUnit: Int64 = 1, allowNegative: Bool = false) throws -> Int64 {
        let t = text.trimming(" ").lowercased()
        let units: [(String, Int64)] = [("pb", 1 << 50), ("p", 1 << 50), ("tb", 1 << 40), ("t", 1 << 40), ("gb", 1 << 30), ("g", 1 << 30),
                                        ("mb", 1 << 20), ("m", 1 << 20), ("kb", 1 << 10), ("k", 1 << 10), ("b", 1)]
        let unit = units.first { t.hasSuffix($0.0) }
        let digits = unit.map { String(t.dropLast($0.0.count)) } ?? t
        guard let n = Int64(digits), allowNegative || n >= 0 else {
            throw invalid(key, text, allowNegative ? "a size such as 10m, 1g or 1048576 (bytes), or -1" : "a size such as 64m, 1g or 1048576")
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: unit?.1 ?? plainUnit)
        guard !overflow else { throw invalid(key, text, "a size below 8 EiB") }
        return bytes
    }

    /// A duration as Spark writes it (us, ms, s, m/min, h, d); a plain number counts `plainUnit` ms.
    static func milliseconds(_ text: String, key: String, plainUnit: Int64 = 1) throws -> Int64 {
        let t = text.trimming(" ").lowercased()
        let units: [(String, Double)] = [("min", 60_000), ("ms", 1), ("us", 0.001), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        let unit = units.first { t.hasSuffix($0.0) }
        let digits = unit.map { String(t.dropLast($0.0.count)) } ?? t
        guard let n = Int64(digits), n >= 0 else { throw invalid(key, text, "a duration such as 500ms, 10s or 2min") }
        let ms = Double(n) * (unit?.1 ?? Double(plainUnit))
        guard ms < 9e15 else { throw invalid(key, text, "a shorter duration") }
        return Int64(ms)
    }
}
