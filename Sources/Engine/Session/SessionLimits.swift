// SessionLimits: the sizes a session refuses, and those it runs with a warning. A typo such as
// `--cores 100000` or `--partitions 100000` on a 2 MB input must end in a clear message at once,
// not in a run that creates hundreds of thousands of tasks and files and seems to hang.
//
// Why these numbers (a Spark user's sense of scale, for one machine):
// - cores per executor ≤ 256: each core is a task thread. Spark's tuning guide suggests about 5
//   cores per executor; 256 is far past what any one machine's CPUs run at once.
// - executors ≤ 1,024: each is a process with its own memory budget, connection and heartbeat.
// - shuffle partitions ≤ 10,000: each is a reduce task, an index entry in every map output and a
//   block fetched from each map. Spark's default is 200; from 2,000 on, Spark itself compresses
//   map statuses because the driver pays per partition (spark.shuffle.minNumPartitionsToHighlyCompress),
//   so Ember warns there. Measured on this project's 2-core machine (debug build, 50k rows):
//   1,000 partitions 1 s, 4,000 5 s, 10,000 25 s; the cost grows faster than the count.
// - task slots above 4 × the CPUs: a warning, since tasks then wait for CPU rather than run.
// - executor memory above the machine's memory (its cgroup limit if lower): refused, it can never
//   be honoured (as YARN refuses an executor above its largest container); executors × memory above
//   it: a warning, since the budgets are ceilings, not allocations.

import Foundation
@_spi(EmberInternal) import Planner

public enum SessionLimits {
    public static let maxCoresPerExecutor = 256
    public static let maxExecutors = 1_024
    public static let maxShufflePartitions = 10_000
    public static let manyShufflePartitions = 2_000
    public static let slotsPerCPUBeforeWarning = 4

    /// The machine a session runs on, as far as the limits care.
    public struct Machine: Sendable {
        public var cpus: Int
        public var memoryBytes: Int64
        public init(cpus: Int, memoryBytes: Int64) {
            self.cpus = cpus
            self.memoryBytes = memoryBytes
        }

        /// This machine: its active CPUs, and its physical memory or the cgroup's limit if lower.
        public static var current: Machine {
            var memory = Int64(clamping: ProcessInfo.processInfo.physicalMemory)
            for limitFile in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
                if let text = try? String(contentsOfFile: limitFile, encoding: .utf8),
                   let limit = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
                    memory = Swift.min(memory, limit)
                }
            }
            return Machine(cpus: Swift.max(1, ProcessInfo.processInfo.activeProcessorCount), memoryBytes: memory)
        }
    }

    /// Throws for sizes no run can honour; returns warnings, each with advice, for sizes that will run
    /// slowly.
    public static func check(_ config: SessionConfig, machine: Machine = .current) throws -> [String] {
        guard case .local(let executors, let cores, let memory) = config.master else { return [] }
        var warnings: [String] = []
        if cores > maxCoresPerExecutor {
            throw EmberError(.configuration, "\(cores) cores per executor is more than Ember allows (\(maxCoresPerExecutor))",
                             context: [.init("cores", String(cores)), .init("CPUs", String(machine.cpus))],
                             hint: "each core is a task thread; use at most the machine's \(machine.cpus) CPUs, spread over executors (Spark suggests about 5 per executor)")
        }
        if executors > maxExecutors {
            throw EmberError(.configuration, "\(executors) executors is more than Ember allows (\(maxExecutors))",
                             context: [.init("executors", String(executors))],
                             hint: "each executor is a process; a few per machine use its CPUs fully")
        }
        if let partitions = config.shufflePartitions {
            if partitions > maxShufflePartitions {
                throw EmberError(.configuration, "\(partitions) shuffle partitions is more than Ember allows (\(maxShufflePartitions))",
                                 context: [.init("partitions", String(partitions))],
                                 hint: "each partition is a task and a block in every map output; Spark's default is 200, "
                                     + "and about 100–200 MB per partition is a good size")
            }
            if partitions > manyShufflePartitions {
                warnings.append("\(partitions) shuffle partitions: each is a task and a block in every map output, so small inputs "
                                + "spend their time on overhead; Spark's default is 200, aim for about 100–200 MB per partition")
            }
        }
        let slots = executors * cores   // both bounded above, so no overflow
        if slots > slotsPerCPUBeforeWarning * machine.cpus {
            warnings.append("\(slots) task slots (\(executors) executors × \(cores) cores) on \(machine.cpus) CPUs: tasks will wait "
                            + "for CPU; use about as many slots as CPUs")
        }
        if memory > machine.memoryBytes {
            throw EmberError(.configuration, "executor memory \(describe(memory)) is more than this machine has (\(describe(machine.memoryBytes)))",
                             context: [.init("memory", String(memory))],
                             hint: "give each executor at most the machine's memory divided by the number of executors, e.g. --memory \(Swift.max(1, (machine.memoryBytes / Int64(executors)) >> 20))m")
        }
        let (total, overflow) = memory.multipliedReportingOverflow(by: Int64(executors))
        if overflow || total > machine.memoryBytes {
            warnings.append("\(executors) executors × \(describe(memory)) is more than this machine's \(describe(machine.memoryBytes)): "
                            + "executors that fill their budgets will be killed by the kernel; lower --memory or the executor count")
        }
        return warnings
    }

    /// "1.5 GiB", "512 MiB".
    static func describe(_ bytes: Int64) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) : "\(bytes >> 20) MiB"
    }
}
