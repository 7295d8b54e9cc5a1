// TerminationSignals: the opt-in handling of SIGINT, SIGTERM and SIGHUP (a closed terminal). Signal dispositions belong to the
// whole process, so a library must not take them on its own: the `ember` tool and the examples
// call `Session.handleTerminationSignals()` first thing; an embedding program may, if it has no
// handlers of its own.
//
//   signal ──► handler (async-signal-safe: one byte into a pipe)
//          ──► watcher thread: TerminationCleanup.runAll() — every live session kills its
//              executors and removes its application directory; every open CSV writer removes its
//              temp file (no lock of a running job is needed)
//          ──► default disposition restored, the signal raised again: the process ends as the
//              signal would have ended it (a shell reports 130 for SIGINT, 143 for SIGTERM)
//   a second signal during the cleanup ends the process at once; a thread that calls exit() during
//   it waits (atexit) for the watcher, so the process still ends by the signal.

import Foundation
@_spi(EmberInternal) import Executor
import Synchronization

/// Write end of the pipe the handler signals through (-1 until installed).
private let signalPipe = Atomic<Int32>(-1)
/// Set while the cleanup runs: a second signal then ends the process at once.
private let cleaningUp = Atomic<Bool>(false)
private let installed = Mutex(false)

/// The handler itself: only async-signal-safe calls.
private func onTerminationSignal(_ signo: Int32) {
    if cleaningUp.load(ordering: .relaxed) {
        signal(signo, SIG_DFL)
        raise(signo)
        return
    }
    var byte = UInt8(truncatingIfNeeded: signo)
    _ = Glibc.write(signalPipe.load(ordering: .relaxed), &byte, 1)
}

extension Session {
    /// Makes SIGINT, SIGTERM and SIGHUP stop every Session of this process before the process ends: the
    /// executors are killed, CSV writers' temp files and the application directories removed. The
    /// process then ends by the same signal (exit status 130 or 143 in a shell), as it would have
    /// without Ember. Call it once, early in `main`; later calls do nothing.
    ///
    /// This changes the process's signal handlers, so Ember never does it by itself: call it only
    /// in a program that does not handle these signals otherwise. A signal the program was started
    /// with ignored (SIGINT in a shell's background job) stays ignored; one it was started with
    /// blocked is unblocked for the calling thread and the threads it creates later.
    public static func handleTerminationSignals() {
        let first = installed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        signalPipe.store(fds[1], ordering: .relaxed)
        let readEnd = fds[0]
        let watcher = Thread {
            var byte: UInt8 = 0
            while Glibc.read(readEnd, &byte, 1) < 0 && errno == EINTR {}
            let signo = Int32(byte)
            cleaningUp.store(true, ordering: .relaxed)
            TerminationCleanup.runAll()
            signal(signo, SIG_DFL)
            kill(getpid(), signo)
            sleep(5)   // the signal is blocked in every thread: end with the shell's status for it
            _exit(128 + signo)
        }
        watcher.start()
        // A thread that calls exit() (or returns from main) while the cleanup runs must not end the
        // process with its own status first: it waits here for the watcher to end it by the signal.
        atexit {
            guard cleaningUp.load(ordering: .relaxed) else { return }
            while true { pause() }
        }
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            // Shells start background jobs with SIGINT ignored; such a program keeps ignoring it.
            var current = sigaction()
            sigaction(signo, nil, &current)
            if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = onTerminationSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signo, &action, nil)
            // A mask inherited blocked (from a parent's thread) would keep the handler from ever running;
            // threads created from here on inherit this thread's mask.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signo)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }
}
