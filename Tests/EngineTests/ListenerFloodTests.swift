// Both listeners of a real `ember` driver, run under `ulimit -n 1024`, flooded with 1,100 idle
// connections each while its job runs: the UI keeps answering, and when both executors are killed
// the replacements still get through the executor port, register, and finish the job with the
// right counts. (Before, the first EMFILE stopped each accept loop for good and the job hung.)

@_spi(EmberInternal) import Executor
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ListenerFloodTests {
    /// The TCP ports `pid` listens on.
    func listeningPorts(of pid: Int32) -> [UInt16] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let inodes = Set(fds.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ")
            guard f.count > 9, f[3] == "0A", inodes.contains(String(f[9])), let port = f[1].split(separator: ":").last else { return nil }
            return UInt16(port, radix: 16)
        }
    }

    @Test func floodedListenersKeepServingAndReplacementExecutorsRegister() throws {
        // This process holds 2,200 connections: raise its own descriptor limit if it is low.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 8192 {
            limit.rlim_cur = min(limit.rlim_max, 8192)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let dir = ScratchDir("flood")
        defer { dir.cleanup() }
        let text = randomText(lines: 150_000, vocabulary: 2000, skew: false, seed: 5)
        let input = dir.write("in.txt", text)
        let output = dir.file("out.csv")
        let ember = productsDirectory().appendingPathComponent("ember").path

        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/bin/sh")
        driver.arguments = ["-c", "ulimit -n 1024 && exec \"$0\" \"$@\"", ember, "wordcount", input, "--output", output,
                            "--executors", "2", "--cores", "1", "--partitions", "4", "--event-log-dir", dir.file("events")]
        var environment = ProcessInfo.processInfo.environment
        environment["EMBER_EXECUTOR_PATH"] = ""
        driver.environment = environment
        let stderr = Pipe()
        driver.standardError = stderr
        driver.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let log = Mutex("")
        let reader = Thread {
            while true {
                let data = stderr.fileHandleForReading.availableData
                if data.isEmpty { return }
                log.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try driver.run()
        reader.start()
        let pid = driver.processIdentifier
        var flooding: [Int32] = []
        var executors: [Int32] = []
        defer {
            if driver.isRunning { kill(pid, SIGKILL) }
            for fd in flooding { close(fd) }
            // Stopped executors would outlive the test, whatever expectation failed first.
            ProcessStat.killStopped(executors)
        }

        // The session is up (executors registered) when the tool names its UI; the job starts next.
        var uiPort: UInt16? = nil
        _ = waitUntil(seconds: 120) {
            let text = log.withLock { $0 }
            guard let range = text.range(of: "UI at http://127.0.0.1:") else { return false }
            uiPort = UInt16(text[range.upperBound...].prefix { $0.isNumber })
            return uiPort != nil
        }
        let ui = try #require(uiPort, "stderr: \(log.withLock { $0 })")
        _ = waitUntil(seconds: 60) { executors = ProcessStat.children(of: pid); return executors.count == 2 }
        try #require(executors.count == 2)
        // Hold the job still while the listeners are flooded.
        for executor in executors { kill(executor, SIGSTOP) }
        try #require(driver.isRunning && !FileManager.default.fileExists(atPath: output), "the job finished before it could be held")
        let driverPort = try #require(listeningPorts(of: pid).first { $0 != ui })

        flooding = openConnections(to: driverPort, count: 1100) + openConnections(to: ui, count: 1100)
        #expect(flooding.count == 2200)
        // The UI still answers.
        let (answered, answer) = waitForHTTPAnswer(port: ui)
        #expect(answered, "the UI stopped answering: \(answer.prefix(100))")

        // Both executors die; only replacements that get through the flooded port can finish the job.
        for executor in executors { kill(executor, SIGKILL) }
        let finished = waitUntil(seconds: 240) { !driver.isRunning }
        #expect(finished, "the job hung after its executors were replaced; stderr: \(log.withLock { $0 }.suffix(2000))")
        guard finished else { return }
        #expect(driver.terminationStatus == 0, "stderr: \(log.withLock { $0 }.suffix(2000))")
        let rows = try readCSV(output)
        #expect(rows.first == ["word", "count"])
        let counts = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], Int($0[1]) ?? -1) })
        #expect(counts == Dictionary(uniqueKeysWithValues: referenceWordCount([text])))
    }
}
