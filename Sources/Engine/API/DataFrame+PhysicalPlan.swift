// DataFrame+PhysicalPlan: the physical plan an action would run (analyzed, optimized, planned), as
// a value and without running it, for this package's tools: comparing two ways of writing a query
// (TPC-H's SQL text against its DataFrame version) and timing the planning (`ember bench tpch
// --plan-times`).

@_spi(EmberInternal) import Planner

extension DataFrame {
    /// The physical plan `collect()` would run now, under the session's current settings.
    package func physicalPlan() throws -> PhysicalPlan { try session.planQuery(plan).physical.plan }
}
