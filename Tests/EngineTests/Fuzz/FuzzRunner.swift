// FuzzRunner: runs seeds. Each seed is a table (FuzzData), a plan (FuzzGenerator), the reference's
// answer (FuzzReference) and Ember's answer from real executor processes, compared by FuzzComparer.
//
// Configurations (executors, cores, memory, shuffle partitions, split size, memory refusal) are
// drawn per block of `seedsPerSession` consecutive seeds, and the block's seeds share one session,
// so a run is spent on work rather than on starting executors. A seed that fails with an error,
// a crash or a hang gets the next seed a fresh session.
//
// Verdicts:
//   - clean: Ember's answer is one the reference allows;
//   - accepted out-of-memory: the job failed with OUT_OF_MEMORY and a task's share of execution
//     memory (memory × 0.6 / cores, or the injected refusal limit if lower) is under 1 MiB. Ember
//     promises any query finishes within its budget by spilling; issue 10 item 6 allows a clear
//     OUT_OF_MEMORY at `--memory 1m` or `--memory 8m --cores 8` (shares of ~600 KiB), so shares under
//     1 MiB may fail that way. With a larger share an OUT_OF_MEMORY is a failure;
//   - failed: a wrong answer, any other error (a lost executor, a crash), or no answer within the
//     per-seed deadline (a hang).
// A failing seed prints its configuration, data shape and plan as a DataFrame chain; replay it
// with `scripts/fuzz --seed S`.
//
// One seed in four whose result CSV holds exactly (no arrays or timestamps, no empty strings,
// strings with white space at either end or line breaks, no row of nulls only) gets Ember's answer through the file sink instead of collect: the plan is written with
// `write.csv(dir)` (a write job on the executors, committed) and the directory read back (in part
// order, so a sorted plan's order survives), or half of those with `singleFile(path)` (the parts
// appended into one file) and the file read back.

@_spi(EmberInternal) import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner

struct FuzzConfig: Hashable, CustomStringConvertible {
    var executors: Int
    var cores: Int
    var memory: Int64
    var partitions: Int?
    var maxPartitionBytes: Int64
    var refuseMemoryAbove: Int?
    /// spark.sql.autoBroadcastJoinThreshold; nil: the default (10 MB), -1: only hinted sides.
    var broadcastThreshold: Int64? = nil
    /// Equi-joins that are not broadcast sort and merge (else shuffled hash joins, which sort and
    /// merge only when their build side does not fit).
    var preferSortMergeJoin = false
    /// File scans cut batches at this many string bytes (nil: the default, 64 MiB).
    var scanBatchStringBytes: Int? = nil
    /// spark.sql.adaptive.autoBroadcastJoinThreshold: shuffled joins whose side turns out at most
    /// this big become broadcast joins (nil: autoBroadcastJoinThreshold's value; -1: never).
    var adaptiveBroadcastThreshold: Int64? = nil
    /// Final aggregates expecting at least this many rows hold them in hash partitions (nil: the
    /// default, which the fuzzer's small tables never reach).
    var aggregatePartitionMinRows: Int? = nil
    /// Partial aggregates judge whether they reduce after this many rows (nil: the default, which
    /// the fuzzer's small tables seldom reach; low values send their rows on raw).
    var partialBackOffMinRows: Int? = nil
    /// spark.sql.optimizer.runtime.bloomFilter.creationSideThreshold: a join side computed first
    /// whose keys take at most this filters the other side (nil: 10 MB; -1: runtime filters off).
    var runtimeFilterThreshold: Int64? = nil

    static func forBlock(_ block: UInt64) -> FuzzConfig {
        var rng = SeededRandom(seed: block &* 0x2545_F491_4F6C_DD1D ^ 0xF022)
        func pick<T>(_ xs: [T]) -> T { xs[rng.below(xs.count)] }
        var config = FuzzConfig(
            executors: 1 + rng.below(3),
            cores: 1 + rng.below(4),
            memory: pick([1, 2, 2, 4, 4, 8, 8, 8, 16, 16, 64, 64, 256, 256, 256]) << 20,
            partitions: pick([nil, nil, 1, 2, 3, 4, 5, 7, 8, 11, 13, 16, 64, 200]),
            maxPartitionBytes: pick([128 << 20, 128 << 20, 128 << 20, 64 << 10, 256 << 10, 1 << 20]),
            refuseMemoryAbove: rng.below(10) == 0 ? pick([256 << 10, 1 << 20, 2 << 20]) : nil)
        config.broadcastThreshold = pick([nil, nil, -1, 64 << 10])
        config.preferSortMergeJoin = pick([false, false, true])
        // Drawn aside, so the draws above stay those recorded seeds were run with.
        var aside = SeededRandom(seed: block ^ 0x5CA1_AB1E)
        config.scanBatchStringBytes = [nil, nil, nil, 2 << 10, 64 << 10][aside.below(5)]
        // Adaptive broadcast joins need shuffled joins to convert: planning never broadcasts then
        // (so seeds recorded before adaptive execution replay with a different configuration).
        config.adaptiveBroadcastThreshold = [nil, nil, -1, 64 << 10, 1 << 30][aside.below(5)]
        if let adaptive = config.adaptiveBroadcastThreshold, adaptive >= 0 { config.broadcastThreshold = -1 }
        config.aggregatePartitionMinRows = [nil, nil, 0, 50][aside.below(4)]
        var aside2 = SeededRandom(seed: block ^ 0xBAC_0FF)
        config.partialBackOffMinRows = [nil, nil, 1, 200][aside2.below(4)]
        var aside3 = SeededRandom(seed: block ^ 0xF117_E125)
        config.runtimeFilterThreshold = [nil, nil, -1, 0, 2 << 10][aside3.below(5)]
        // Runtime filters need shuffled joins whose first side is not broadcast instead.
        if aside3.below(3) == 0 {
            config.adaptiveBroadcastThreshold = 0
            config.broadcastThreshold = -1
        }
        return config
    }

    /// The most execution memory one task can count on.
    var taskShare: Int {
        let share = Int(Double(memory) * ExecutorMemoryManager.memoryFraction) / cores
        return refuseMemoryAbove.map { Swift.min($0, share) } ?? share
    }

    var outOfMemoryIsLegitimate: Bool { taskShare < 1 << 20 }

    var description: String {
        func size(_ b: Int64) -> String { b >= 1 << 20 ? "\(b >> 20) MiB" : "\(b >> 10) KiB" }
        return "\(executors) executor(s) × \(cores) core(s), memory \(size(memory)) (task share \(size(Int64(taskShare)))), "
            + "shuffle partitions \(partitions.map(String.init) ?? "default"), maxPartitionBytes \(size(maxPartitionBytes))"
            + (refuseMemoryAbove.map { ", refuse memory above \(size(Int64($0)))" } ?? "")
            + (broadcastThreshold.map { ", autoBroadcastJoinThreshold \($0 < 0 ? "-1" : size($0))" } ?? "")
            + (preferSortMergeJoin ? ", preferSortMergeJoin" : "")
            + (scanBatchStringBytes.map { ", scanBatchStringBytes \(size(Int64($0)))" } ?? "")
            + (adaptiveBroadcastThreshold.map { ", adaptive.autoBroadcastJoinThreshold \($0 < 0 ? "-1" : size($0))" } ?? "")
            + (aggregatePartitionMinRows.map { ", aggregatePartitionMinRows \($0)" } ?? "")
            + (partialBackOffMinRows.map { ", partialBackOffMinRows \($0)" } ?? "")
            + (runtimeFilterThreshold.map { $0 < 0 ? ", runtime filters off" : ", runtime filter threshold \($0) B" } ?? "")
    }

    func makeSession() throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: executors, cores: cores, memory: memory)
        config.shufflePartitions = partitions
        config.maxPartitionBytes = maxPartitionBytes
        config.faults.refuseMemoryAbove = refuseMemoryAbove
        if let broadcastThreshold { config.autoBroadcastJoinThreshold = broadcastThreshold }
        config.preferSortMergeJoin = preferSortMergeJoin
        if let scanBatchStringBytes { config.scanBatchStringBytes = scanBatchStringBytes }
        config.adaptiveAutoBroadcastJoinThreshold = adaptiveBroadcastThreshold
        if let aggregatePartitionMinRows { config.aggregatePartitionMinRows = aggregatePartitionMinRows }
        if let partialBackOffMinRows { config.partialAggregateBackOffMinRows = partialBackOffMinRows }
        if let runtimeFilterThreshold {
            config.runtimeFilterEnabled = runtimeFilterThreshold >= 0
            config.runtimeFilterCreationSideThreshold = max(0, runtimeFilterThreshold)
        }
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.eventLogDir = nil
        config.uiEnabled = false
        config.showProgress = false
        config.printRootCauseReport = false
        return try Session(config: config)
    }
}

enum FuzzVerdict: String {
    case clean, acceptedOutOfMemory = "accepted OUT_OF_MEMORY", wrongAnswer = "wrong answer", error, hang
    var passed: Bool { self == .clean || self == .acceptedOutOfMemory }
}

struct FuzzOutcome {
    var seed: UInt64
    var verdict: FuzzVerdict
    /// Empty when clean; otherwise the whole replayable report.
    var report: String
    /// One line: what went wrong.
    var headline: String
    var seconds = 0.0
    /// What the seed's plan exercised (FuzzPlan.features), for the run's summary.
    var features: [String] = []
}

final class FuzzRunner {
    static let seedsPerSession: UInt64 = 8
    let deadline: Double
    let verbose: Bool
    private var session: Session?
    private var sessionSeeds: [UInt64] = []
    private var lastPlan: FuzzPlan?

    init(deadline: Double, verbose: Bool) {
        self.deadline = deadline
        self.verbose = verbose
    }

    /// Runs `seeds` in order, one session per block of seeds.
    func run(_ seeds: Range<UInt64>, progress: (FuzzOutcome) -> Void) -> [FuzzOutcome] {
        var outcomes: [FuzzOutcome] = []
        var block: UInt64? = nil
        for seed in seeds {
            if block != seed / Self.seedsPerSession { retireSession(); block = seed / Self.seedsPerSession }
            let started = Date()
            var outcome = runSeed(seed, config: FuzzConfig.forBlock(seed / Self.seedsPerSession))
            outcome.seconds = Date().timeIntervalSince(started)
            outcome.features = lastPlan?.features ?? ["no deterministic plan"]
            outcomes.append(outcome)
            progress(outcome)
        }
        retireSession()
        return outcomes
    }

    private func retireSession() {
        session?.stop()
        session = nil
        sessionSeeds = []
    }

    func runSeed(_ seed: UInt64, config: FuzzConfig) -> FuzzOutcome {
        var rng = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x5EED)
        let clock = Date()
        let table = FuzzData.table(&rng)
        let generated = Date().timeIntervalSince(clock)
        var plan = FuzzPlan(steps: [])
        var expected: FuzzResult? = nil
        for attempt in 0..<8 where expected == nil {
            var generator = FuzzGenerator(seed: rng.next() &+ UInt64(attempt), table: table)
            plan = generator.plan()
            expected = try? FuzzReference.run(plan, table: table.layout, rows: table.rows)
        }
        lastPlan = expected == nil ? nil : plan
        let dir = ScratchDir("fuzz-\(seed)")
        let context = Context(seed: seed, config: config, table: table, plan: plan, directory: dir.path, earlier: sessionSeeds)
        guard let expected else {
            return finish(dir, FuzzOutcome(seed: seed, verdict: .clean, report: "", headline: "no deterministic plan"))
        }
        if verbose {
            print(context.describe(verdict: "replay", detail: ""))
            print(String(format: "data generated in %.1f s, reference answer in %.1f s", generated, Date().timeIntervalSince(clock) - generated))
        }

        let current: Session
        do {
            current = try session ?? config.makeSession()
        } catch {
            return finish(dir, context.outcome(.error, "could not start the session: \(error)"))
        }
        session = current
        sessionSeeds.append(seed)
        let pids = current.executorPIDs
        let directory = dir.path
        let steps = plan.steps
        let verbose = self.verbose
        // A row of nulls only is a blank line in CSV, which readers skip (Spark's too): it cannot
        // come back, so such answers are collected.
        let throughFiles = seed % 4 == 3 && expected.rows.allSatisfy { $0.allSatisfy(Self.keptExactlyByCSV) && !$0.allSatisfy(\.isNull) }
        let job = FuzzJob { () throws -> (StructType, [[Value]]) in
            let source = try table.dataFrame(current, directory: directory)
            var df = source
            var cached: [DataFrame] = []
            defer { for c in cached { c.unpersist() } }
            for step in steps {
                df = try step.apply(df, source: source)
                if case .cache = step { cached.append(df) }
            }
            let exact: Set<DataType> = [.long, .double, .boolean, .date, .string]
            if throughFiles, let schema = try? df.schema(), schema.fields.allSatisfy({ exact.contains($0.dataType) }) {
                // Half of them as one file (the `ember` commands' --output): parts appended in order.
                let oneFile = seed % 8 == 7
                let written = directory + (oneFile ? "/written.csv" : "/written")
                if verbose { print("Ember's answer goes through \(oneFile ? "singleFile" : "write.csv")(\(written)) and is read back") }
                if oneFile { try df.write.singleFile(written) } else { try df.write.csv(written) }
                df = try current.read.schema(schema).option("escape", "\"").csv(written)
            }
            let (schema, batches) = try df.collectBatches()
            return (schema, batches.flatMap { b in (0..<b.numRows).map { b.row($0) } })
        }
        let answer = job.wait(seconds: deadline)
        switch answer {
        case nil:
            // The job is stuck inside the session, which cannot be stopped while it runs: kill its
            // executors (and their replacements) until the job gives up, then stop the session.
            let died = pids.filter { kill($0, 0) != 0 }.count
            session = nil
            sessionSeeds = []
            let ended = FuzzJob<Void>.reapExecutors(until: { job.wait(seconds: 0.2) != nil }, seconds: 120)
            if ended { current.stop() }
            let note = died > 0 ? " (\(died) of the \(pids.count) executors that started the job had died: replaced executors kept failing)" : ""
            return finish(dir, context.outcome(.hang, "no answer within \(Int(deadline)) s" + note))
        case .failure(let error)?:
            let failures = current.lastJobFailures
            retireSession()
            let oom = (error as? EmberError)?.code == .outOfMemory
                || (failures.contains { $0.code == .outOfMemory } && failures.allSatisfy { $0.code == .outOfMemory || $0.code == .executor })
            if oom && config.outOfMemoryIsLegitimate {
                return finish(dir, FuzzOutcome(seed: seed, verdict: .acceptedOutOfMemory, report: "", headline: "OUT_OF_MEMORY"))
            }
            let kinds = Set(failures.map(\.code.rawValue)).sorted().joined(separator: ", ")
            return finish(dir, context.outcome(.error, "\(error)" + (kinds.isEmpty ? "" : "\n(task failures in the job: \(kinds))")))
        case .success(let (schema, rows))?:
            if let difference = FuzzComparer.compare(schema: schema, rows: rows, reference: expected) {
                return finish(dir, context.outcome(.wrongAnswer, difference))
            }
            return finish(dir, FuzzOutcome(seed: seed, verdict: .clean, report: "", headline: ""))
        }
    }

    /// Whether a value reads back from Ember's CSV output as it was: not an empty string (read as
    /// null), no line break in a string (a record per line), no array or timestamp (not compared here).
    static func keptExactlyByCSV(_ value: Value) -> Bool {
        switch value {
        // The CSV writer trims leading and trailing white space (Spark's ignoreLeading/Trailing-
        // WhiteSpace default on write): " " goes out as an empty field, a blank line in a one-column file.
        case .string(let s):
            return !s.isEmpty && !s.contains("\n") && !s.contains("\r") && s.first?.isWhitespace != true && s.last?.isWhitespace != true
        case .array, .timestamp: return false
        default: return true
        }
    }

    /// Removes the seed's files unless it failed (then its CSV stays for replaying by hand).
    private func finish(_ dir: ScratchDir, _ outcome: FuzzOutcome) -> FuzzOutcome {
        if outcome.verdict.passed { dir.cleanup() }
        return outcome
    }

    /// What a report says about a seed.
    struct Context {
        var seed: UInt64
        var config: FuzzConfig
        var table: FuzzTable
        var plan: FuzzPlan
        var directory: String
        var earlier: [UInt64]

        func outcome(_ verdict: FuzzVerdict, _ detail: String) -> FuzzOutcome {
            let first = detail.split(separator: "\n").first.map(String.init) ?? ""
            return FuzzOutcome(seed: seed, verdict: verdict, report: describe(verdict: verdict.rawValue, detail: detail),
                               headline: String(first.prefix(200)))
        }

        func describe(verdict: String, detail: String) -> String {
            var s = "── fuzz seed \(seed): \(verdict) ──\n"
            s += "replay: scripts/fuzz --seed \(seed)\n"
            s += "config: \(config)\n"
            if !earlier.isEmpty { s += "(the session ran seeds \(earlier.map(String.init).joined(separator: ", ")) before this one)\n" }
            s += "data: \(table.rows.count) rows\n" + table.shape.map { "  " + $0 + "\n" }.joined()
            if table.rows.count <= 12 { s += table.rows.map { "  " + FuzzCell.show($0) + "\n" }.joined() }
            s += "plan:\n" + plan.swiftText(source: table.sourceText(directory: directory)) + "\n"
            if !detail.isEmpty { s += "result:\n" + detail + "\n" }
            return s
        }
    }
}

/// A body running on its own thread, waited for with a deadline, so that a hung job is a reported
/// failure, not a hung test run.
final class FuzzJob<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            let r = Result { try body() }
            lock.lock()
            result = r
            lock.unlock()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// The result, or nil if the body is still running after `seconds`.
    func wait(seconds: Double) -> Result<T, any Error>? {
        lock.lock()
        if let result { lock.unlock(); return result }
        lock.unlock()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        done.signal()   // later waits return at once
        lock.lock()
        defer { lock.unlock() }
        return result
    }

    /// SIGKILLs this process's `ember-executor` children (by pid, read from /proc) every 0.2 s until
    /// `finished()` or `seconds` pass; returns whether it finished.
    static func reapExecutors(until finished: () -> Bool, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        let me = getpid()
        repeat {
            for pid in ProcessStat.children(of: me) where ProcessStat(pid)?.name == "ember-executor" { kill(pid, SIGKILL) }
            if finished() { return true }
        } while Date() < end
        return false
    }
}
