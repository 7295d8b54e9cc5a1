// StagePlans: the plans of the stage attempts an executor runs tasks of. The driver sends each once
// (`stagePlan`) before the first task of that attempt on this executor; tasks carry only its key,
// and get their plan back here. `forgetStagePlans` drops them when their job has ended.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public struct StagePlans: Sendable {
    private var plans: [StagePlanKey: PhysicalPlan] = [:]
    @_spi(EmberInternal) public init() {}

    /// Keeps or drops plans; false for messages that are not about plans.
    @_spi(EmberInternal) public mutating func handle(_ message: DriverMessage) -> Bool {
        switch message {
        case .stagePlan(let key, let plan): plans[key] = plan
        case .forgetStagePlans(let keys): for key in keys { plans[key] = nil }
        default: return false
        }
        return true
    }

    /// The task with its stage's plan in place.
    @_spi(EmberInternal) public func withPlan(_ task: TaskDescription) throws -> TaskDescription {
        guard let key = task.planKey else { return task }
        guard let plan = plans[key] else {
            throw EmberError(.internal, "\(task.displayName) arrived before its stage's plan",
                             hint: "the driver sends a stage's plan ahead of its first task on each executor")
        }
        var withPlan = task
        withPlan.plan = plan
        return withPlan
    }
}
