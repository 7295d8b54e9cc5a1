// Out-of-memory executors: a task that cannot reserve memory even after spilling fails with
// OUT_OF_MEMORY and its executor exits with code 52; replacement executors then start in recovery
// mode (same memory, one task slot), so a job whose tasks need more than half an executor's
// memory succeeds, and fails when recovery mode is turned off.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct RecoveryModeTests {
    /// Each map task shuffles one batch of 4,000 rows × 3,000 bytes (~12 MB). A 32 MiB executor has
    /// 19.2 MB of execution memory: 9.6 MB per task with 2 slots (too little), all of it with 1.
    func job(_ session: Session) -> DataFrame {
        session.range(0, 24_000, numPartitions: 6)
            .select((col("id") % 5).alias("k"), randstr(3000, seed: col("id")).alias("v"))
            .repartition(3, col("k"))
            .agg(count(col("*")).alias("n"), sum(length(col("v"))).alias("bytes"))
    }

    func session(recoveryMode: Bool) throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 32 << 20)
        config.recoveryModeEnabled = recoveryMode
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        return try Session(config: config)
    }

    @Test func recoveryModeLetsAMemoryHungryJobFinish() throws {
        let s = try session(recoveryMode: true)
        defer { s.stop() }
        let rows = try job(s).collect()
        #expect(rows.map(\.description) == ["[24000,72000000]"])
        #expect(s.inRecoveryMode)
        #expect(s.executorsLost >= 1)
        #expect(s.lastJobFailures.contains { $0.code == .outOfMemory }, "the first attempts failed with out-of-memory")
    }

    @Test func withoutRecoveryModeTheJobFails() throws {
        let s = try session(recoveryMode: false)
        defer { s.stop() }
        let error = #expect(throws: EmberError.self) { _ = try job(s).collect() }
        #expect(error?.message.contains("cannot reserve") == true || error?.code == .executor, "\(String(describing: error))")
        #expect(!s.inRecoveryMode)
    }
}
