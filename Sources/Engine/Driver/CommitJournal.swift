// CommitJournal: what a job commit has made visible in the output so far (files moved in,
// partition directories made), so that a commit that fails half way, or a process ended by a
// signal during it, takes them back out. An append commits into the live output directory one
// rename at a time; without this, a failure after some renames would leave part of the job's rows
// visible next to the old output.
//
//   commit thread: publish(file) · publish(file) · … · complete()    (each step under the lock)
//   failure / termination: rollBack()  → files unlinked, directories made removed if empty;
//                                        later steps are refused, so nothing appears after it
//
// Once `complete()` ran the output is the job's and `rollBack()` does nothing.

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization

final class CommitJournal: Sendable {
    private struct State {
        var files: [String] = []
        var directories: [String] = []
        var rolledBack = false
        var completed = false
    }
    private let state = Mutex(State())

    /// Runs `step` (a rename that makes `file` visible, or nothing) and records the file; refused
    /// once the commit was rolled back.
    func publish(file: String, _ step: () throws -> Void) throws {
        try state.withLock { s in
            try Self.refuseIfRolledBack(s)
            try step()
            s.files.append(file)
        }
    }

    /// Makes the directory `path` and records it; returns 0, or mkdir(2)'s errno when it failed.
    func makeDirectory(_ path: String) throws -> Int32 {
        try state.withLock { s in
            try Self.refuseIfRolledBack(s)
            guard mkdir(path, 0o777) == 0 else { return errno }
            s.directories.append(path)
            return 0
        }
    }

    /// Runs the commit's last step (the `_SUCCESS` marker): from then on the output stays.
    func complete(_ step: () throws -> Void) throws {
        try state.withLock { s in
            try Self.refuseIfRolledBack(s)
            try step()
            s.completed = true
        }
    }

    /// Removes what the commit published, unless it completed. Safe to call more than once, from
    /// any thread.
    func rollBack() {
        state.withLock { s in
            guard !s.completed, !s.rolledBack else { return }
            s.rolledBack = true
            for file in s.files.reversed() { unlink(file) }
            for directory in s.directories.reversed() { rmdir(directory) }   // only if empty: never another job's
            s.files = []
            s.directories = []
        }
    }

    private static func refuseIfRolledBack(_ s: State) throws {
        if s.rolledBack {
            throw EmberError(.cancelled, "the write job's commit was rolled back", hint: "the process is ending, or the job failed")
        }
    }
}
