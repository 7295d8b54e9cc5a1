// Settings by Spark's names: SessionConfig.set before a start (the commands' --conf), and
// session.conf while the session runs, whose planning settings change the next action's plan.

@testable import Engine
import Foundation
import Testing

@Suite struct RuntimeConfigTests {
    @Test func sessionConfigTakesSparkKeysAndValueSyntax() throws {
        var config = SessionConfig()
        try config.set("spark.executor.memory", "512m")
        try config.set("spark.executor.instances", "3")
        try config.set("spark.executor.cores", "1")
        try config.set("spark.sql.autoBroadcastJoinThreshold", "64k")
        try config.set("spark.sql.shuffle.partitions", "12")
        try config.set("spark.sql.files.maxPartitionBytes", "1g")
        try config.set("spark.sql.join.preferSortMergeJoin", "TRUE")
        try config.set("spark.executor.heartbeatInterval", "2s")
        try config.set("spark.dynamicAllocation.executorIdleTimeout", "2min")
        #expect(config.master == .local(executors: 3, cores: 1, memory: 512 << 20))
        #expect(config.autoBroadcastJoinThreshold == 64 << 10)
        #expect(config.shufflePartitions == 12)
        #expect(config.maxPartitionBytes == 1 << 30)
        #expect(config.preferSortMergeJoin)
        #expect(config.heartbeatIntervalMillis == 2000)
        #expect(config.dynamicAllocation.executorIdleTimeoutSeconds == 120)
        // Spark reads a plain executor memory as MiB, a plain threshold as bytes.
        try config.set("spark.executor.memory", "2048")
        #expect(config.value(of: "spark.executor.memory") == "2048m")
        try config.set("spark.sql.autoBroadcastJoinThreshold", "-1")
        #expect(config.autoBroadcastJoinThreshold == -1)
    }

    @Test func badValuesAndUnknownKeysSayWhatToDo() throws {
        var config = SessionConfig()
        let bad: [(String, String, String)] = [
            ("spark.sql.shuffle.partitions", "0", "from 1 to"), ("spark.sql.shuffle.partitions", "many", "whole number"),
            ("spark.executor.memory", "lots", "size"), ("spark.sql.join.preferSortMergeJoin", "yes", "true or false"),
            ("spark.sql.files.maxPartitionBytes", "99999999999p", "below"), ("spark.executor.heartbeatInterval", "soon", "duration"),
        ]
        for (key, value, expected) in bad {
            let error = try #require(throws: EmberError.self) { try config.set(key, value) }
            #expect(error.message.contains(key) && error.message.contains(value) && error.message.contains(expected), "\(error.message)")
        }
        let unknown = try #require(throws: EmberError.self) { try config.set("spark.sql.shufle.partitions", "8") }
        #expect(unknown.message.contains("no setting named spark.sql.shufle.partitions"))
        #expect(unknown.hint?.contains("did you mean spark.sql.shuffle.partitions?") == true, "\(String(describing: unknown.hint))")
    }

    @Test func runtimeSettingsChangeTheNextActionsPlan() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let left = session.range(0, 1000).select(col("id"), (col("id") % 7).alias("k"))
        let right = session.range(0, 7).select(col("id").alias("k2"))
        let joined = left.join(right, on: col("k") === col("k2"), how: "inner")
        #expect(try joined.explainString().contains("BroadcastHashJoin"))
        try session.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
        #expect(try !joined.explainString().contains("BroadcastHashJoin"))
        #expect(try session.conf.get("spark.sql.autoBroadcastJoinThreshold") == "-1")

        try session.conf.set("spark.sql.shuffle.partitions", 5)
        let counts = try left.groupBy("k").count().collect()
        #expect(counts.count == 7)
        let reduceTasks = session.lastJobTasks.filter { $0.stageId == session.lastJobTasks.last?.stageId }
        #expect(reduceTasks.count == 5, "\(reduceTasks.count) reduce tasks")
        #expect(session.conf.explicitlySet.map(\.key) == ["spark.sql.autoBroadcastJoinThreshold", "spark.sql.shuffle.partitions"])

        // unset restores the start value and keeps the other settings.
        try session.conf.unset("spark.sql.autoBroadcastJoinThreshold")
        #expect(try joined.explainString().contains("BroadcastHashJoin"))
        #expect(try session.conf.get("spark.sql.shuffle.partitions") == "5")
        #expect(session.config.shufflePartitions == nil, "the start configuration does not change")
    }

    @Test func applicationSettingsCannotChangeWhileTheSessionRuns() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let error = try #require(throws: EmberError.self) { try session.conf.set("spark.executor.memory", "4g") }
        #expect(error.message.contains("cannot modify the value of the Spark config spark.executor.memory"))
        #expect(error.hint?.contains("--conf spark.executor.memory=4g") == true)
        #expect(!session.conf.isModifiable("spark.executor.cores") && session.conf.isModifiable("spark.sql.shuffle.partitions"))
        #expect(try session.conf.get("spark.executor.memory") == "256m")
        // Keys Ember does not use are kept, as Spark keeps them; unknown unset keys are an error.
        try session.conf.set("my.job.date", "2026-11-30")
        #expect(try session.conf.get("my.job.date") == "2026-11-30")
        #expect(session.conf.all["spark.executor.cores"] == "1" && session.conf.all["my.job.date"] == "2026-11-30")
        let missing = try #require(throws: EmberError.self) { try session.conf.get("spark.sql.autoBroadcastJoinThreshhold") }
        #expect(missing.hint?.contains("did you mean spark.sql.autoBroadcastJoinThreshold?") == true)
        #expect(session.conf.get("nothing.here", default: "x") == "x")
    }
}
