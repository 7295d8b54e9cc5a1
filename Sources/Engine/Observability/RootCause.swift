// Root-cause report: when a job fails, or succeeds only after failures, the driver explains what
// happened from the job's events: the cause, the component responsible, the evidence, and the fix.
//
//   executor exit 52         → out of memory: the task, its memory peak, its input vs the median
//   SIGKILL not by Ember     → killed from outside (often the kernel's OOM killer)
//   heartbeat timeout        → alive but silent (frozen, stopped, swapping)
//   FetchFailed              → which map output could not be read, and the loss that preceded it
//   failures on one executor → that executor keeps failing tasks
//   one task reading ≫ the median of its stage → data skew
//   writes refused by the local disk (ENOSPC…) → disk full (RootCause+Disk.swift)

@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Synchronization
@_spi(EmberInternal) import Shuffle

/// Collects the events of the current job (the root-cause analysis reads them).
final class JobTrace: SchedulerListener {
    private let events = Mutex<[SchedulerEvent]>([])
    func onEvent(_ event: SchedulerEvent) {
        events.withLock { list in
            if case .jobStart = event { list = [] }
            list.append(event)
        }
    }
    var snapshot: [SchedulerEvent] { events.withLock { $0 } }
}

enum RootCauseAnalyzer {
    static func analyze(_ events: [SchedulerEvent], config: SessionConfig, appDir: String) -> RootCauseReport? {
        var failed = false
        var jobId = 0
        var removals: [(executor: String, reason: String, kind: ExecutorLossKind, exit: Int32?, byDriver: Bool)] = []
        var failures: [(TaskEventInfo, TaskFailureReason)] = []
        var successes: [(TaskEventInfo, TaskMetrics)] = []
        var exclusions: [(String, String)] = []
        var failedMetrics: [Int: TaskMetrics] = [:]
        var launched: [TaskEventInfo] = []
        for event in events {
            switch event {
            case .taskStart(let info): launched.append(info)
            case .jobStart(let job, _, _): jobId = job
            case .jobEnd(_, let error, _): failed = error != nil
            case .executorRemoved(let id, let reason, let kind, let exit, _, let byDriver, _): removals.append((id, reason, kind, exit, byDriver))
            case .taskEnd(let info, let failure, let metrics):
                if failure?.isKilled == true { continue }   // a stopped copy is neither a failure nor a result
                if let failure {
                    failures.append((info, failure))
                    failedMetrics[info.taskId] = metrics
                } else {
                    successes.append((info, metrics))
                }
            case .executorExcluded(let id, let reason, _): exclusions.append((id, reason))
            default: break
            }
        }
        var findings: [RootCauseReport.Finding] = []
        let memoryMiB: Int64
        switch config.master { case .local(_, _, let m): memoryMiB = m >> 20 }

        func log(_ executor: String) -> String { appDir + "/executor-\(executor).stderr" }

        for r in removals {
            if r.kind == .outOfMemory {
                var evidence = ["executor \(r.executor) exited with code 52 (out of memory)"]
                var skewedPartition: String? = nil
                if let (info, failure) = failures.first(where: { $0.1.isOutOfMemory && $0.0.executor == r.executor })
                    ?? failures.first(where: { $0.1.isOutOfMemory }) {
                    evidence.append("\(taskName(info)) failed: \(failure.error.message)")
                    if let peak = failedMetrics[info.taskId]?.peakExecutionMemory {
                        evidence.append(peak > 0 ? "its execution memory peaked at \(peak >> 10) KiB before the reservation that failed"
                                                 : "it held no execution memory yet: its first reservation failed, so one batch is larger than its share of the executor's memory")
                    }
                    // Its partition against its siblings': a large ratio means skew, ~1 means every task needs more.
                    var planned: [Int: Int64] = [:]
                    for t in launched where t.stage == info.stage { if let b = t.plannedInputBytes { planned[t.partition] = b } }
                    if let own = info.plannedInputBytes, planned.count >= 2 {
                        let rule = SkewRule(sizes: Array(planned.values))
                        if rule.isSkewed(own) { skewedPartition = "the failing partition is \(rule.describe(own))" }
                        evidence.append("its partition: \(own) bytes, \(rule.describe(own)) of the stage's \(planned.count) partitions")
                    }
                }
                evidence.append("executor memory \(memoryMiB) MiB, of which \(Int(Double(memoryMiB) * 0.6)) MiB execution memory shared by its running tasks")
                findings.append(.init(
                    cause: "executor \(r.executor) ran out of memory: a task could not reserve memory even after spilling",
                    component: "executor \(r.executor) (task memory)",
                    evidence: evidence,
                    fix: (skewedPartition.map { "\($0): spread its hot key (salt the key) rather than give every executor more memory; or " } ?? "")
                        + "give executors more memory (now \(memoryMiB) MiB), use more partitions so each task holds less, "
                        + (config.recoveryModeEnabled ? "or rely on recovery mode (on: replacements run one task at a time)"
                                                      : "or turn recoveryModeEnabled back on so replacements run one task at a time")))
            } else if r.kind == .killed && !r.byDriver {
                let lost = failures.filter { $0.1.isExecutorLost && $0.0.executor == r.executor }.count
                findings.append(.init(
                    cause: "executor \(r.executor) was killed from outside Ember (SIGKILL)",
                    component: "the executor's process (host)",
                    evidence: ["executor \(r.executor) terminated by signal 9; Ember did not send it",
                               "\(lost) running task(s) were lost and rescheduled",
                               "the executor reported no out-of-memory error before it died"],
                    fix: "find who sent SIGKILL: the kernel's OOM killer logs it (dmesg); if it was memory, lower executor memory or the number of executors"))
            } else if r.kind == .heartbeatTimeout {
                findings.append(.init(
                    cause: "executor \(r.executor) stopped answering: \(r.reason)",
                    component: "executor \(r.executor) (process alive but silent)",
                    evidence: [r.reason, "the driver killed and replaced it; its tasks were rescheduled"],
                    fix: "check for a frozen, stopped or swapping process on that host; if long pauses are expected, raise executorHeartbeatTimeoutSeconds (now \(Int(config.executorHeartbeatTimeoutSeconds)) s)"))
            } else if !r.byDriver && r.exit != 0 {
                findings.append(.init(
                    cause: "executor \(r.executor) died: \(r.reason)",
                    component: "executor \(r.executor)",
                    evidence: [r.reason, "its log: \(log(r.executor))"],
                    fix: "read the executor log for the crash"))
            }
        }

        // A full disk is the cause of the failures it explains, whichever executor they ran on.
        let disk = diskFindings(failures.map { ($0.0, $0.1.error) }, failed: failed, config: config, appDir: appDir)
        findings += disk

        var fetchSeen = Set<String>()
        for (info, failure) in failures {
            guard case .fetchFailed(let fetch) = failure else { continue }
            guard fetchSeen.insert("\(fetch.shuffleId.value):\(fetch.mapIndex)").inserted else { continue }
            var evidence = ["\(taskName(info)) could not read map output \(fetch.mapIndex) of shuffle \(fetch.shuffleId.value) for reduce partition \(fetch.reduceId)",
                            "file: \(fetch.file)", "error: \(fetch.error.message)"]
            let writer = fetch.executorId.value
            if let loss = removals.first(where: { $0.executor == writer }) {
                evidence.append("the executor that wrote it, \(writer), was lost: \(loss.reason)")
            }
            findings.append(.init(
                cause: "shuffle data could not be read (map output \(fetch.mapIndex) of shuffle \(fetch.shuffleId.value))",
                component: "shuffle files in \(appDir)",
                evidence: evidence,
                fix: failed ? "the map output kept failing after recomputation: check the disk and that nothing else writes to \(appDir)"
                            : "none needed: Ember recomputed the map output; if this repeats, check the disk under \(appDir)"))
        }

        let counted = failures.filter { $0.1.countsTowardTaskFailures && (disk.isEmpty || !isDiskFailure($0.1.error)) }
        let byExecutor = Dictionary(grouping: counted, by: { $0.0.executor })
        if let (executor, list) = byExecutor.max(by: { $0.value.count < $1.value.count }), list.count >= 2,
           list.count * 3 >= counted.count * 2, Set(successes.map(\.0.executor)).contains(where: { $0 != executor }) || successes.isEmpty {
            let excluded = exclusions.first { $0.0 == executor }
            findings.append(.init(
                cause: "executor \(executor) keeps failing tasks (\(list.count) of \(counted.count) failures)",
                component: "executor \(executor)",
                evidence: ["last error there: \(list.last!.1.error.message)"] + (excluded.map { ["it was excluded: \($0.1)"] } ?? []),
                fix: excluded != nil ? "none needed: it was excluded and replaced; read its log \(log(executor)) to see why it failed"
                                     : "turn on excludeOnFailureEnabled so such an executor is excluded and replaced, and read its log \(log(executor))"))
        } else if let (info, failure) = counted.last, !findings.contains(where: { $0.cause.contains("out of memory") }) {
            let error = failure.error
            findings.append(.init(
                cause: "\(taskName(info)) failed: \(error.message)",
                component: "the job's code or input (\(error.code.rawValue))",
                evidence: error.context.map { "\($0.key): \($0.value)" },
                fix: error.hint ?? "see the error above"))
        }

        // Skew: a task whose input is far above its stage's median.
        for stage in Set(successes.map(\.0.stage)).sorted() {
            let tasks = successes.filter { $0.0.stage == stage }
            let rule = SkewRule(sizes: tasks.map { $0.1.readBytes })
            guard let (top, metrics) = tasks.max(by: { $0.1.readBytes < $1.1.readBytes }), rule.isSkewed(metrics.readBytes) else { continue }
            let bytes = metrics.readBytes
            let rows = tasks.map { $0.1.shuffleReadRows + $0.1.inputRows }.reduce(0, +)
            let topRows = metrics.shuffleReadRows + metrics.inputRows
            let share = rows > 0 ? Double(topRows) / Double(rows) * 100 : 0
            var evidence = ["\(taskName(top)) read \(bytes) bytes, \(rule.describe(bytes))",
                            "partition \(top.partition) holds \(topRows) of the stage's \(rows) rows (\(String(format: "%.0f", share)) %)"]
            var cause = "data skew in stage \(stage): partition \(top.partition) holds \(String(format: "%.0f", share)) % of the stage's rows"
            var component = "the data (one key or a few keys dominate partition \(top.partition))"
            if let heavy = metrics.heavyKey {
                let keyShare = Double(heavy.rows) / Double(Swift.max(heavy.partitionRows, 1)) * 100
                let stageShare = rows > 0 ? Double(heavy.rows) / Double(rows) * 100 : 0
                cause = "data skew in stage \(stage): key \(heavy.key) holds at least \(String(format: "%.0f", stageShare)) % of the stage's rows"
                component = "the data (key \(heavy.key) dominates partition \(top.partition))"
                evidence.insert("key \(heavy.key): at least \(heavy.rows) of the partition's \(heavy.partitionRows) rows "
                                + "(\(String(format: "%.0f", keyShare)) %), counted by the task's key summary", at: 0)
            }
            findings.append(.init(
                cause: cause,
                component: component,
                evidence: evidence,
                fix: "spread the hot key: add a salt column to the grouping or repartition keys, or filter the dominant key and process it apart"))
        }
        guard failed || !findings.isEmpty, !(findings.isEmpty && !failed) else { return nil }
        return RootCauseReport(jobId: jobId, jobFailed: failed, findings: findings)
    }
}
