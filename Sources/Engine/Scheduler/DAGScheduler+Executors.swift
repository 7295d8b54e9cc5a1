// DAGScheduler+Executors: executors joining and leaving, and what that means for the stages. The
// parts decide (HeartbeatReceiver: who registered in time and who went silent; the
// ExecutorAllocationManager: how many to add, which idle ones to remove); this acts: launches
// executors (one task slot each in recovery mode), admits the awaited ones, kills the ones given
// up on, and on a loss re-queues the lost executor's tasks and launches a replacement.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler: ExecutorAllocationClient {
    /// Launches an executor (one task slot in recovery mode); its registration is awaited.
    func launchExecutor() throws {
        let id = try cluster.launchExecutor(cores: recoveryMode ? 1 : nil)
        heartbeats.launched(id, at: clock.now())
    }

    /// Only an executor still awaited joins: one already given up on (its registration deadline
    /// passed, it was reported lost) is killed, or it would be one too many.
    func executorRegistered(_ info: ExecutorInfo) {
        let now = clock.now()
        guard heartbeats.registered(info.id, at: now) else {
            cluster.kill(info.id)
            return
        }
        executorJoined(info)
        post(.executorAdded(executor: info.id.value, host: place(of: info.id).host, cores: info.cores, time: Self.wallClock()))
        allocation.becameIdle(info.id, at: now)
    }

    // MARK: ExecutorAllocationClient

    var registeredExecutors: [ExecutorID] { Array(executors.keys) }
    var expectedExecutors: Int { executors.count + heartbeats.launching.count }
    func isBusy(_ id: ExecutorID) -> Bool { tasks.isBusy(id) }

    func requestExecutors(_ count: Int) {
        for _ in 0..<count { try? launchExecutor() }
    }

    func removeIdleExecutor(_ id: ExecutorID) {
        removedIdle.append(id)
        cachedBlocks.removeExecutor(id)   // its cached blocks leave with it
        _ = cluster.send(.shutdown, to: id)
    }

    /// The removal reason of an executor that dynamic allocation shut down for being idle (not a loss).
    static func idleRemovalReason(_ config: SessionConfig) -> String {
        "executor removed by dynamic allocation after being idle for \(Int(config.dynamicAllocation.executorIdleTimeoutSeconds)) s"
    }

    // MARK: given up on

    /// Declares executors silent for the heartbeat timeout lost, and kills them.
    func expireSilentExecutors(now: Double, _ job: inout JobState) {
        for (id, silence) in heartbeats.expired(now: now) {
            killedByScheduler.insert(id)
            cluster.kill(id)
            handleExecutorLost(id, ExecutorLossReason(
                message: "executor heartbeat timed out after \(Int(silence * 1000)) ms (limit \(Int(config.executorHeartbeatTimeoutSeconds * 1000)) ms)",
                causedByApp: true, decidedKind: .heartbeatTimeout), &job)
        }
    }

    /// Kills and replaces executors launched during the session (replacements, dynamic allocation)
    /// that have not registered within executorStartTimeoutSeconds of their launch; `start` has its
    /// own error for the first ones.
    func giveUpOnUnregisteredExecutors(now: Double, _ job: inout JobState) {
        for id in heartbeats.overdueRegistrations(now: now) {
            killedByScheduler.insert(id)
            cluster.kill(id)
            handleExecutorLost(id, ExecutorLossReason(
                message: "executor \(id) did not register within \(Int(config.executorStartTimeoutSeconds)) s of its launch", causedByApp: false, decidedKind: .registrationTimeout), &job)
        }
    }

    // MARK: losses

    func handleExecutorLost(_ id: ExecutorID, _ reason: ExecutorLossReason, _ job: inout JobState) {
        // An executor lost before it registered is replaced too (it counts as a loss).
        let wasLaunching = heartbeats.forget(id)
        if allocation.executorGone(id) {
            executorLeft(id)                    // removed by dynamic allocation: expected, not replaced
            cachedBlocks.removeExecutor(id)     // its cached blocks went with it
            post(.executorRemoved(executor: id.value, reason: Self.idleRemovalReason(config), kind: .idle, exitCode: nil, signal: nil,
                                  killedByDriver: true, time: Self.wallClock()))
            return
        }
        let gone = executorLeft(id)
        guard gone.removed || wasLaunching else { return }
        losses.append((id, reason.message))
        // Its tasks end before it is removed: listeners (Spark's History Server among them) count
        // the failures against the executor only while it is there.
        for (_, task) in gone.tasks {
            var ended = task.info
            ended.finishTime = Self.wallClock()
            post(.taskEnd(ended, failure: .executorLost(executor: id, causedByApp: reason.causedByApp, message: "executor \(id) lost: \(reason.message)"),
                          metrics: TaskMetrics()))
        }
        post(.executorRemoved(executor: id.value, reason: reason.message, kind: reason.kind, exitCode: reason.exitCode, signal: reason.signal,
                              killedByDriver: killedByScheduler.contains(id), time: Self.wallClock()))
        cachedBlocks.removeExecutor(id)
        for stageID in job.running.keys { _ = job.running[stageID]!.executorLost(id) }
        if !config.shuffleServiceEnabled {
            // Without a shuffle service a lost executor's map outputs are gone: unregister them, and
            // rerun any running stage that reads them once their parents are recomputed.
            for shuffle in tracker.shuffleIDs {
                for s in tracker.statuses(shuffle) where s.executorId == id { tracker.remove(shuffle: shuffle, mapIndex: s.mapIndex) }
            }
            for (stageID, tsm) in job.running where tsm.stage.inputShuffles.contains(where: { !tracker.isAvailable($0) }) {
                abandonStage(stageID, reason: "map outputs it reads were lost with executor \(id)", &job)
                submit(tsm.stage, &job)
            }
            // A waiting stage whose finished parent lost outputs would wait for it forever.
            for waitingID in job.waiting.sorted() {
                for parentID in job.graph.stage(waitingID)?.parents ?? []
                where job.running[parentID] == nil && !job.waiting.contains(parentID) && job.deferredJoins[parentID] == nil {
                    guard let parent = job.graph.stage(parentID), case .shuffle(let shuffle, _) = parent.output,
                          !tracker.isAvailable(shuffle) else { continue }
                    submit(parent, &job)
                }
            }
        }
        executorLosses += 1
        let limit = 10 * max(1, config.totalCores)
        if executorLosses > limit {
            job.failure = EmberError(.executor, "too many executors lost (\(executorLosses)); the last: \(reason.message)",
                                     context: [.init("executor", id.value)],
                                     hint: "see the executor logs in \(cluster.appDir)")
            return
        }
        if reason.possiblyOutOfMemory && config.recoveryModeEnabled { recoveryMode = true }
        do {
            try launchExecutor()
        } catch {
            job.failure = EmberError.wrap(error, .executor)
        }
    }
}
