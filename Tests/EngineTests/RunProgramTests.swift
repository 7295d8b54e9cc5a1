// The tests' `runProgram` helper never hangs a test: a child that writes much to stderr while its
// stdout is still open is read in full (before, stdout was read to its end first, so the child
// blocked on a full stderr pipe and the test waited for ever), and a child that does not end is
// killed at the deadline.

import Foundation
import Synchronization
import Testing

@Suite struct RunProgramTests {
    /// Runs `runProgram` on a thread, so a hang fails this test instead of stalling the run.
    func runGuarded(_ script: String, timeoutSeconds: Double = 600) -> (Int32, String, String)? {
        let result = Mutex<(Int32, String, String)??>(nil)
        Thread {
            let outcome = try? runProgram("/bin/sh", ["-c", script], timeoutSeconds: timeoutSeconds)
            result.withLock { $0 = .some(outcome) }
        }.start()
        _ = waitUntil(seconds: 120) { result.withLock { $0 } != nil }
        return result.withLock { $0 } ?? nil
    }

    @Test func muchOutputOnStderrBeforeStdoutEndsIsReadInFull() throws {
        // 1 MiB on stderr (far more than a pipe holds), then a line on stdout.
        let result = try #require(runGuarded("head -c 1048576 /dev/zero | tr '\\0' e >&2; echo done"), "runProgram hung")
        #expect(result.0 == 0)
        #expect(result.1 == "done\n")
        #expect(result.2.utf8.count == 1 << 20 && result.2.allSatisfy { $0 == "e" })
    }

    @Test func aChildThatDoesNotEndIsKilledAtTheDeadline() throws {
        let result = try #require(runGuarded("echo started; exec sleep 600", timeoutSeconds: 1), "runProgram did not stop the child")
        #expect(result.0 == SIGKILL, "killed by SIGKILL, status \(result.0)")
        #expect(result.1 == "started\n")
    }
}
