// DAGScheduler+StagePlans: a stage's plan travels to each executor once per stage attempt, not with
// every task. Before an executor's first task of a stage attempt the driver sends the plan
// (`stagePlan`); that task and the later ones carry only its key and their own inputs. When the
// job ends, the executors are told which plans they may drop.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

extension DAGScheduler {
    /// The task as it is sent to `executor`: its plan replaced by the stage attempt's key, after
    /// sending the plan ahead if this executor does not have it yet. Nil: the executor's
    /// connection is gone (its loss event re-queues the task).
    func shippingPlanOnce(_ task: TaskDescription, to executor: ExecutorID, job: inout JobState) -> TaskDescription? {
        let key = StagePlanKey(stage: task.stageId, attempt: task.stageAttempt)
        if !job.stagePlansSent[executor, default: []].contains(key) {
            // Once per executor and attempt: the plan without its scans' splits (tasks carry their own).
            guard cluster.send(.stagePlan(key, task.plan.withoutSplits), to: executor) else { return nil }
            job.stagePlansSent[executor, default: []].insert(key)
        }
        var sent = task
        sent.plan = TaskDescription.planSentAhead
        sent.planKey = key
        return sent
    }

    /// Tells each executor that got plans in this job that it may drop them.
    func forgetStagePlans(_ job: JobState) {
        for (executor, keys) in job.stagePlansSent where !keys.isEmpty {
            _ = cluster.send(.forgetStagePlans(Array(keys)), to: executor)
        }
    }
}
