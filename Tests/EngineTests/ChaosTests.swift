// Executors killed with SIGKILL from outside the driver at random moments: 20 seeded runs of word
// count and of groupBy each produce exactly the fault-free result, and no run hangs.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct ChaosTests {
    /// Runs `job` while another thread kills a random executor of `session` after `delayMillis`.
    func runWhileKilling<R: Sendable>(_ session: Session, seed: UInt64, _ job: @escaping @Sendable () throws -> R) throws -> R {
        var rng = SeededRandom(seed: seed)
        let delay = UInt32(Int.random(in: 0..<60, using: &rng)) * 1000
        let victimIndex = Int.random(in: 0..<8, using: &rng)
        let pids = session.executorPIDs
        let killer = Thread {
            usleep(delay)
            if !pids.isEmpty { kill(pids[victimIndex % pids.count], SIGKILL) }
        }
        killer.start()
        return try job()
    }

    @Test func wordCountSurvivesKilledExecutors() throws {
        let dir = ScratchDir("chaos-wc")
        defer { dir.cleanup() }
        let text = randomText(lines: 20_000, vocabulary: 2000, skew: true, seed: 99)
        let input = dir.write("in.txt", text)
        let expected = referenceWordCount([text]).map { "\($0.0):\($0.1)" }
        var runsWithLoss = 0
        for run in 0..<20 {
            let session = try makeSession(executors: 2, cores: 2, partitions: 4, maxPartitionBytes: 64 << 10)
            defer { session.stop() }
            let rows = try runWhileKilling(session, seed: UInt64(run)) {
                try WordCountJob.dataFrame(session, inputs: [input]).collect().map { "\($0[0]):\($0[1])" }
            }
            #expect(rows == expected, "run \(run)")
            if session.executorsLost > 0 { runsWithLoss += 1 }
        }
        #expect(runsWithLoss >= 10, "the kill landed during the job in \(runsWithLoss) of 20 runs")
    }

    @Test func groupBySurvivesKilledExecutors() throws {
        let dir = ScratchDir("chaos-gb")
        defer { dir.cleanup() }
        let data = randomGroupRows(count: 40_000, distinctKeys: 3000, nullRate: 10, skew: false, seed: 12)
        let input = dir.write("in.csv", csvText(data, nullToken: "NA"))
        let expected = referenceGroupBy(data)
        let specs = try GroupByJob.parseAggregates("count,sum(x),avg(x),min(x),max(x)")
        var runsWithLoss = 0
        for run in 0..<20 {
            let session = try makeSession(executors: 2, cores: 2, partitions: 4, maxPartitionBytes: 64 << 10)
            defer { session.stop() }
            let rows = try runWhileKilling(session, seed: UInt64(100 + run)) {
                try GroupByJob.dataFrame(session, input: input, keys: ["k1", "k2"], aggregates: specs, nullValue: "NA")
                    .collect().map { $0.values.map { $0.isNull ? "" : $0.description } }
            }
            #expect(rows == expected, "run \(run)")
            if session.executorsLost > 0 { runsWithLoss += 1 }
        }
        #expect(runsWithLoss >= 10, "the kill landed during the job in \(runsWithLoss) of 20 runs")
    }
}

@Suite(.serialized) struct HeartbeatTests {
    @Test func aFrozenExecutorTimesOutAndIsReplaced() throws {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 1, memory: 256 << 20)
        config.heartbeatIntervalMillis = 100
        config.executorHeartbeatTimeoutSeconds = 1.5
        config.shufflePartitions = 4
        config.maxPartitionBytes = 32 << 10
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        let dir = ScratchDir("frozen")
        defer { dir.cleanup() }
        let text = randomText(lines: 6000, vocabulary: 500, skew: false, seed: 3)
        let input = dir.write("in.txt", text)
        let victim = session.executorPIDs[0]
        kill(victim, SIGSTOP)   // frozen: alive, connected, silent
        defer { kill(victim, SIGKILL) }
        let rows = try WordCountJob.dataFrame(session, inputs: [input]).collect().map { "\($0[0]):\($0[1])" }
        #expect(rows == referenceWordCount([text]).map { "\($0.0):\($0.1)" })
        #expect(session.executorLossReasons.contains { $0.contains("heartbeat timed out") }, "\(session.executorLossReasons)")
    }
}
