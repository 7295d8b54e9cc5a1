// TerminationCleanup: what must not outlive the process when a signal ends it. Sessions register
// "stop my executors, remove my application directory"; CSV writers register "remove my temp
// file". Normally each owner deregisters when it finishes; when SIGINT or SIGTERM arrives and the
// program opted in (`Session.handleTerminationSignals()`), everything still registered runs, newest
// first, before the process ends.

import Synchronization

@_spi(EmberInternal) public enum TerminationCleanup {
    private struct Registry: ~Copyable {
        var next = 0
        var actions: [(id: Int, action: @Sendable () -> Void)] = []
    }
    private static let registry = Mutex(Registry())

    /// Registers an action; returns the id that `remove` takes.
    @_spi(EmberInternal) public static func add(_ action: @escaping @Sendable () -> Void) -> Int {
        registry.withLock { r in
            r.next += 1
            r.actions.append((r.next, action))
            return r.next
        }
    }

    /// Deregisters an action (its owner cleaned up by itself).
    @_spi(EmberInternal) public static func remove(_ id: Int) {
        registry.withLock { r in r.actions.removeAll { $0.id == id } }
    }

    /// Runs and deregisters every registered action, newest first.
    @_spi(EmberInternal) public static func runAll() {
        let actions = registry.withLock { r in
            defer { r.actions = [] }
            return r.actions
        }
        for entry in actions.reversed() { entry.action() }
    }
}
