// Spark's own History Server, from PyPI's pyspark package, for the tests that check Spark's tools
// read Ember's event logs. `scripts/ensure-pyspark` finds pyspark or installs it (PyPI only);
// Java 17 or newer runs it. The server is started with Spark's own sbin/start-history-server.sh,
// bound to loopback, scanning one folder of logs every second, and stopped by its pid.
// Nothing here skips: a missing Java or pyspark is an error that says what to install.

import Foundation
import Testing

final class SparkHistoryServerProcess {
    let pid: pid_t
    private let work: ScratchDir

    /// The repository's root (this file is Tests/EngineTests/…).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// SPARK_HOME of pyspark, installed from PyPI first if it is missing.
    static func sparkHome() throws -> String {
        let script = repositoryRoot.appendingPathComponent("scripts/ensure-pyspark").path
        let (status, out, err) = try runProgram("/bin/bash", [script])
        let home = out.split(separator: "\n").last.map(String.init) ?? ""
        guard status == 0, FileManager.default.isExecutableFile(atPath: home + "/sbin/start-history-server.sh") else {
            throw Missing(description: "pyspark (Spark's History Server) cannot be found or installed: \(script) exited \(status): \(err)"
                + " — it needs python3 with pip and PyPI; scripts/ensure-deps --spark sets everything up")
        }
        return home
    }

    /// A java of release 17 or newer: $JAVA_HOME/bin/java, else the first on PATH.
    static func java() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["JAVA_HOME"].map { $0 + "/bin/java" }].compactMap { $0 }
            + (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { $0 + "/java" }
        guard let java = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing(description: "Java is not installed: Spark's History Server needs Java 17 or newer "
                + "(scripts/ensure-deps --spark installs Debian's openjdk-17-jre-headless)")
        }
        let (_, _, err) = try runProgram(java, ["-version"])
        // `openjdk version "17.0.15" …`, or "1.8.0_…" for Java 8.
        let quoted = err.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
        let parts = quoted.split(separator: ".").compactMap { Int($0) }
        let release = parts.first == 1 ? parts.dropFirst().first ?? 0 : parts.first ?? 0
        guard release >= 17 else {
            throw Missing(description: "\(java) is Java \(quoted.isEmpty ? "of an unknown release" : quoted); Spark 4's History Server needs 17 or newer")
        }
        return java
    }

    /// A port nobody listens on now (Spark moves to the next one if it is taken by then; `url`
    /// is read from Spark's own log, so that is fine).
    static func freeLoopbackPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : 18080
    }

    /// Starts the server over `logDirectory` (which must exist) with Spark's start script, which
    /// returns once the JVM runs; `waitUntilServing()` then waits for its port.
    init(logDirectory: String) throws {
        let home = try Self.sparkHome()
        let java = try Self.java()
        work = ScratchDir("spark-history-server")
        for sub in ["conf", "logs", "pids"] { try FileManager.default.createDirectory(atPath: work.file(sub), withIntermediateDirectories: true) }
        let port = Self.freeLoopbackPort()
        let environment = [
            "SPARK_HOME": home,
            "JAVA_HOME": URL(fileURLWithPath: java).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path,
            "SPARK_CONF_DIR": work.file("conf"),   // empty: no site settings leak in
            "SPARK_LOG_DIR": work.file("logs"),
            "SPARK_PID_DIR": work.file("pids"),
            "SPARK_IDENT_STRING": "ember-test",
            "SPARK_LOCAL_IP": "127.0.0.1",          // binds the UI to loopback
            "SPARK_HISTORY_OPTS": "-Dspark.history.fs.logDirectory=file:\(logDirectory) -Dspark.history.ui.port=\(port)"
                + " -Dspark.history.fs.update.interval=1s -Dspark.port.maxRetries=4",
        ]
        let output = work.file("start.out")
        let status = Self.run(home + "/sbin/start-history-server.sh", environment: environment, output: output)
        let pidFile = work.file("pids/spark-ember-test-org.apache.spark.deploy.history.HistoryServer-1.pid")
        guard status == 0, let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            work.cleanup()
            throw Missing(description: "start-history-server.sh failed (status \(status)): \(said)")
        }
        self.pid = pid
    }

    /// Runs a script with this process's environment plus `environment`, its output to a file,
    /// and returns its wait status. Not through Foundation's Process: the script leaves a daemon
    /// running, which must hold none of this process's descriptors (Process, and other tests,
    /// wait for their pipes and sockets to close), so everything above stderr is closed for it
    /// (posix_spawn_file_actions_addclosefrom_np is not in Swift's Glibc).
    static func run(_ script: String, environment: [String: String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        // The shell closes every inherited descriptor above 2 before it runs the script.
        let closeAll = "for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done; exec /bin/bash \"$0\""
        let arguments: [String] = ["/bin/bash", "-c", closeAll, script]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // Nothing blocked or ignored is passed on: tests run on dispatch worker threads, which block
        // nearly every asynchronous signal, and a daemon that inherited that mask (a tmux server's
        // pane, Spark's history server) would outlive the signals meant to end it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Waits until the server listens (the JVM takes seconds to start; start it early) and returns
    /// its base URL, e.g. http://127.0.0.1:18081.
    func waitUntilServing() throws -> String {
        // Spark logs "Successfully started service 'HistoryServerUI' on port N." once it listens.
        let marker = "Successfully started service 'HistoryServerUI' on port "
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline && Self.isRunning(pid) {
            if let range = log.range(of: marker), let port = UInt16(log[range.upperBound...].prefix { $0.isNumber }) {
                return "http://127.0.0.1:\(port)"
            }
            usleep(200_000)
        }
        throw Missing(description: "Spark's History Server did not start listening; its log:\n\(log.suffix(3000))")
    }

    /// Everything the server logged so far.
    var log: String { (try? Self.logText(in: work.file("logs"))) ?? "" }

    private static func logText(in directory: String) throws -> String {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            .map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }.joined()
    }

    /// Stops the server (SIGTERM, then SIGKILL if it lingers) and removes its scratch folder.
    func stop() {
        stopProcess()
        work.cleanup()
    }

    private func stopProcess() {
        guard kill(pid, SIGTERM) == 0 else { return }
        let deadline = Date().addingTimeInterval(60)
        while Self.isRunning(pid) && Date() < deadline { usleep(100_000) }
        if Self.isRunning(pid) { kill(pid, SIGKILL) }
    }

    /// True while the process exists and is not a zombie (the server is not our child, so
    /// whoever adopted it reaps it).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 && ProcessStat.isAlive(pid)
    }
}
