// ExecutorBackend: what the DAGScheduler needs from executors: launch one, send it a message,
// kill it, and a queue of what executors say and how they end. LocalCluster is the real one
// (processes on loopback TCP); tests drive the scheduler with a fake one and a manual clock.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

protocol ExecutorBackend: AnyObject, Sendable {
    /// Registrations, status updates, heartbeats and losses, in the order they happened.
    var events: BlockingQueue<ClusterEvent> { get }
    /// The application's local directory (shuffle files, executor logs).
    var appDir: String { get }
    /// Starts an executor (with `cores` task slots, or the master's); its registration arrives as an event.
    func launchExecutor(cores: Int?) throws -> ExecutorID
    /// Sends a message; false if the executor cannot be reached.
    func send(_ message: DriverMessage, to id: ExecutorID) -> Bool
    /// Kills an executor; its loss arrives as an event.
    func kill(_ id: ExecutorID)
}

extension LocalCluster: ExecutorBackend {}
