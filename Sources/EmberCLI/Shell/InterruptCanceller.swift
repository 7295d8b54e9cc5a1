// InterruptCanceller: Ctrl-C while the shell runs a statement cancels it and keeps the shell.
//
//   SIGINT ─► handler (async-signal-safe: one byte into a pipe)
//          ─► watcher thread: a statement is running? session.cancelAllJobs(), and again every
//             100 ms until the statement returns (a query may start another job after the one
//             cancelled, e.g. a sort samples its keys first)
//
// A third Ctrl-C during one statement gives up on it: the handler the shell replaced (the
// termination cleanup, which stops the executors) gets the signal and the shell ends with 130.
// At the prompt the terminal is raw and Ctrl-C is a key the line editor reads, not a signal.

import Engine
import Foundation
import Synchronization

/// Write end of the pipe the handler writes to (-1 when no shell listens).
private let interruptPipe = Atomic<Int32>(-1)

private func onShellInterrupt(_ signo: Int32) {
    let saved = errno
    var byte: UInt8 = 1
    _ = write(interruptPipe.load(ordering: .relaxed), &byte, 1)
    errno = saved
}

final class InterruptCanceller: Sendable {
    private struct State {
        var running = false
        var interrupts = 0
        var stopped = false
    }
    private let state = Mutex(State())
    private let session: Session
    private let readEnd: Int32
    private let writeEnd: Int32
    private let previous: Mutex<sigaction>
    private let watcherDone = Mutex(false)

    init(session: Session) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw EmberError(.internal, "cannot create a pipe for Ctrl-C: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        self.session = session
        readEnd = fds[0]
        writeEnd = fds[1]
        interruptPipe.store(writeEnd, ordering: .relaxed)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = onShellInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        var old = sigaction()
        sigaction(SIGINT, &action, &old)
        previous = Mutex(old)
        let watcher = Thread { [self] in watch() }
        watcher.name = "ember-sql-interrupts"
        watcher.start()
    }

    /// Puts the replaced SIGINT handler back and ends the watcher.
    func uninstall() {
        var old = previous.withLock { $0 }
        sigaction(SIGINT, &old, nil)
        interruptPipe.store(-1, ordering: .relaxed)
        state.withLock { $0.stopped = true }
        while !watcherDone.withLock({ $0 }) { usleep(10_000) }
        close(readEnd)
        close(writeEnd)
    }

    /// Runs a statement; Ctrl-C meanwhile cancels its jobs (the statement then throws an error
    /// with code `.cancelled`).
    func running<T>(_ body: () throws -> T) rethrows -> T {
        // A Ctrl-C that arrived as the previous statement ended is not this statement's.
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &bytes, bytes.count) > 0 {}
        state.withLock { $0.running = true; $0.interrupts = 0 }
        defer { state.withLock { $0.running = false; $0.interrupts = 0 } }
        return try body()
    }

    private func watch() {
        defer { watcherDone.withLock { $0 = true } }
        while !state.withLock({ $0.stopped }) {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100) > 0
            var signals = 0
            if ready {
                var bytes = [UInt8](repeating: 0, count: 64)
                while read(readEnd, &bytes, bytes.count) > 0 { signals += 1 }
            }
            let (running, interrupts) = state.withLock { s -> (Bool, Int) in
                if s.running { s.interrupts += signals }
                return (s.running, s.interrupts)
            }
            guard running, interrupts > 0 else { continue }
            if signals > 0 && interrupts >= 3 {
                StandardError.write("\nember sql: interrupted three times; leaving the shell\n")
                var old = previous.withLock { $0 }
                sigaction(SIGINT, &old, nil)
                kill(getpid(), SIGINT)
                continue
            }
            if signals > 0 {
                StandardError.write("\nCancelling the query (Ctrl-C twice more leaves the shell)…\n")
            }
            session.cancelAllJobs()
        }
    }
}
