// SIGINT and SIGTERM stop a running `ember` job cleanly: its executors end, the output's temp file
// and the application directory are removed, and the tool ends by the signal (a shell's 130 / 143).
// At start, a session removes the application directories of drivers that are gone (a dead pid, or
// a pid reused by another process), and only those of its own user.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct TerminationSignalTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    /// Waits for `condition`, recording an issue that names `what` if it does not hold in time.
    func waitFor(_ what: String, timeout: Double = 120, _ condition: () -> Bool) -> Bool {
        guard waitUntil(seconds: timeout, condition) else { Issue.record("timed out waiting for \(what)"); return false }
        return true
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheJobAndRemovesItsFiles(_ signo: Int32) throws {
        let dir = ScratchDir("signal")
        defer { dir.cleanup() }
        for sub in ["local", "out"] { try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: true) }
        // 30 MB of text: far more than the moments the test needs to see the job running.
        let line = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 23) + "\n"
        let input = dir.write("in.txt", String(repeating: line, count: 30_000))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ember)
        process.arguments = ["wordcount", input, "--output", dir.file("out/counts.csv"), "--executors", "2", "--cores", "1",
                             "--no-ui", "--no-event-log"]
        var env = ProcessInfo.processInfo.environment
        env["EMBER_LOCAL_DIR"] = dir.file("local")
        env["EMBER_EXECUTOR_PATH"] = ""
        process.environment = env
        _ = FileManager.default.createFile(atPath: dir.file("stderr"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: dir.file("stderr"))
        try process.run()
        let driver = process.processIdentifier
        var executors: [Int32] = []
        defer {
            if process.isRunning { kill(driver, SIGKILL) }
            // Stopped executors the driver failed to end would outlive the test.
            ProcessStat.killStopped(executors)
        }

        func entries(_ sub: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir.file(sub))) ?? [] }
        #expect(waitFor("the job to run") {
            executors = ProcessStat.children(of: driver)
            return executors.count == 2 && entries("local").contains { $0.hasPrefix("ember-") }
                && entries("out").contains { $0.hasSuffix(".ember-tmp") }
        })
        // Freeze the executors so the job cannot finish before the signal; the driver must kill them.
        for pid in executors { kill(pid, SIGSTOP) }
        kill(driver, signo)
        #expect(waitFor("the driver to end") { !process.isRunning })
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: dir.file("stderr"), encoding: .utf8)) ?? ""
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signo,
                "ended by the signal (shell status \(128 + signo)), got \(process.terminationReason.rawValue)/\(process.terminationStatus): \(stderr)")
        #expect(waitFor("the executors to end") { executors.allSatisfy { !ProcessStat.isAlive($0) } })
        #expect(entries("local").isEmpty, "the application directory is removed: \(entries("local"))")
        #expect(entries("out").isEmpty, "no temp output is left: \(entries("out"))")
    }

    @Test func directoriesOfDriversThatAreGoneAreRemovedAtStart() throws {
        let base = ScratchDir("stale")
        defer { base.cleanup() }
        func fakeDirectory(_ name: String, marker: String?) -> String {
            let path = base.file(name)
            mkdir(path, 0o700)
            _ = FileManager.default.createFile(atPath: path + "/shuffle_0_1_0.data", contents: Data("x".utf8))
            if let marker { _ = FileManager.default.createFile(atPath: path + "/driver", contents: Data(marker.utf8)) }
            return path
        }
        // A driver that exited: a pid that no longer runs.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let myStart = try #require(ApplicationDirectory.processStartTime(getpid()))
        let dead = fakeDirectory("ember-1-dead", marker: "pid \(gone.processIdentifier)\nstart 12345\n")
        let reused = fakeDirectory("ember-2-reused", marker: "pid \(getpid())\nstart \(myStart + 1)\n")   // my pid, another start time
        let alive = fakeDirectory("ember-3-alive", marker: "pid \(getpid())\nstart \(myStart)\n")
        let unmarked = fakeDirectory("ember-4-unmarked", marker: nil)
        let other = fakeDirectory("not-ember", marker: "pid \(gone.processIdentifier)\nstart 12345\n")
        var foreign: String? = nil
        if geteuid() == 0 {
            foreign = fakeDirectory("ember-5-foreign", marker: "pid \(gone.processIdentifier)\nstart 12345\n")
            chown(foreign!, 2001, 2001)
        }
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 1, memory: 64 << 20)
        config.localDir = base.path
        config.eventLogDir = nil
        config.uiEnabled = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        #expect(!exists(dead), "a dead driver's directory is removed")
        #expect(!exists(reused), "a reused pid is not taken for the old driver")
        #expect(exists(alive) && exists(unmarked) && exists(other))
        if let foreign { #expect(exists(foreign), "another user's directory is left alone") }
        #expect(exists(session.appDir))
    }
}
