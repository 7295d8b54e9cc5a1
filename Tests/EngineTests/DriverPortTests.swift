// The driver's executor port as a hostile local process would use it: before the secret is checked
// the driver reads at most a few KiB (a header announcing 2 GiB costs it nothing), the whole
// handshake has one deadline (a byte at a time does not keep it open), another user's connection is
// closed unread, only an executor the driver launched registers, once, and what a registered
// connection says is attributed to its own executor. A protocol error after registration is
// reported as one. An executor gives up on a driver that never answers its registration.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DriverPortTests {
    func session(handshakeTimeout: Double) throws -> Session {
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 1, memory: 256 << 20)
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        config.eventLogDir = nil
        config.uiEnabled = false
        config.handshakeTimeoutSeconds = handshakeTimeout
        return try Session(config: config)
    }

    @Test func anOversizedHeaderBeforeTheSecretCostsTheDriverNothing() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let peakBefore = processStatusKiB("VmHWM")
        // 0x7FFFFFF0 announced as the frame length; "GET " (a stray curl) reads as 1.1 GiB.
        let headers = [frameHeader(length: 0x7FFF_FFF0, json: 0), frameHeader(length: 0x7FFF_FFF0, json: 0),
                       Array("GET / HTTP/1.1\r\n\r\n".utf8)]
        let clients = try headers.map { header in
            let client = try RawClient(session.driverAddress)
            client.send(header)
            return client
        }
        for client in clients {
            #expect(client.readUntilClosed(seconds: 60).closed, "the driver closes a connection whose first frame is too large")
        }
        let grownKiB = processStatusKiB("VmHWM") - peakBefore
        #expect(grownKiB < 512 << 10, "the driver's peak RSS grew by \(grownKiB >> 10) MiB for \(clients.count) 8-byte headers")
        #expect(try session.range(0, 10_000, numPartitions: 2).count() == 10_000, "the session still works")
    }

    @Test func aTricklingHandshakeIsCutOffAtItsDeadline() throws {
        let session = try session(handshakeTimeout: 2)
        defer { session.stop() }
        let client = try RawClient(session.driverAddress)
        // A plausible 300-byte register frame, one byte every 100 ms: every read is quick, the
        // handshake as a whole is not.
        client.send(frameHeader(length: 300, json: 296))
        var sent = 0
        let cutOff = waitUntil(seconds: 60) {
            if client.isClosedByServer { return true }
            if client.send([UInt8(ascii: " ")]) { sent += 1 }
            usleep(100_000)
            return false
        }
        #expect(cutOff, "the driver still held a trickling handshake after 60 s")
        #expect(sent < 296, "it was cut off before the frame was complete")
        #expect(try session.range(0, 100, numPartitions: 2).count() == 100, "and a normal job still runs")
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to act as another user"))
    func aConnectionFromAnotherUserIsClosedUnread() throws {
        // A long handshake deadline: only the user check can close the connection within the wait.
        let session = try session(handshakeTimeout: 600)
        defer { session.stop() }
        let port = session.driverAddress.split(separator: ":").last ?? ""
        // As uid 65534: the header of a plausible 4,000-byte frame, then a byte every 100 ms until
        // the driver has closed the connection.
        let script = "trap '' PIPE; exec 3<>/dev/tcp/127.0.0.1/\(port) || exit 3; printf '\\000\\000\\017\\240\\000\\000\\017\\234' >&3; "
            + "while printf ' ' >&3 2>/dev/null; do sleep 0.1; done; echo closed"
        let (status, out, err) = try runProgram("/usr/bin/timeout", ["-s", "KILL", "60", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                                                       "--clear-groups", "/bin/bash", "-c", script])
        #expect(status == 0 && out.contains("closed"), "status \(status), stdout \(out), stderr \(err)")
    }

    /// A stand-in executor: a process the cluster launches that only sleeps, so the test can
    /// speak for it with the secret from its environment.
    struct StandIn {
        let dir = ScratchDir("stand-in")
        let cluster: LocalCluster
        let id: ExecutorID
        let secret: String

        init() throws {
            let script = dir.write("stand-in-executor.sh", "#!/bin/sh\nexec sleep 300\n")
            chmod(script, 0o755)
            var config = SessionConfig()
            config.master = .local(executors: 1, cores: 1, memory: 256 << 20)
            config.executorPath = script
            cluster = try LocalCluster(config: config, appDir: dir.path)
            id = try cluster.launchExecutor(cores: 1)
            let pid = try #require(cluster.pid(of: id))
            var secret: String? = nil
            _ = waitUntil(seconds: 60) {
                let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))) ?? Data()
                secret = environ.split(separator: 0).lazy.map { String(decoding: $0, as: UTF8.self) }
                    .first { $0.hasPrefix(ExecutorEnvironment.secret + "=") }.map { String($0.dropFirst(ExecutorEnvironment.secret.count + 1)) }
                return secret != nil
            }
            self.secret = try #require(secret)
        }

        func register(as executor: ExecutorID) throws -> FrameConnection {
            let connection = FrameConnection(fd: try LoopbackSocket.connect(cluster.driverAddress))
            try connection.send(ExecutorMessage.register(ExecutorRegistration(secret: secret, executorId: executor, pid: getpid(), host: "stand-in", cores: 1)))
            return connection
        }

        func nextEvent() -> ClusterEvent? { cluster.events.take(timeout: 60) }

        func stop() {
            cluster.stop()
            dir.cleanup()
        }
    }

    @Test func onlyALaunchedExecutorRegistersOnceAndWhatItSaysIsItsOwn() throws {
        let standIn = try StandIn()
        defer { standIn.stop() }
        // The secret alone is not enough: this driver never launched executor 99.
        let impostor = try standIn.register(as: ExecutorID("99"))
        #expect(throws: (any Error).self) { _ = try impostor.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 60)) }

        let connection = try standIn.register(as: standIn.id)
        let (reply, _) = try connection.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 60))
        guard case .registered = reply else { Issue.record("reply \(reply)"); return }
        guard case .registered(let info) = standIn.nextEvent() else { Issue.record("no registration event"); return }
        #expect(info.id == standIn.id)

        // Registering the same executor again is refused.
        let twice = try standIn.register(as: standIn.id)
        #expect(throws: (any Error).self) { _ = try twice.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 60)) }

        // Messages claiming to come from another executor are attributed to the one that registered here.
        let other = ExecutorID("2")
        try connection.send(ExecutorMessage.heartbeat(other, runningTasks: []))
        try connection.send(ExecutorMessage.statusUpdate(TaskStatus(taskId: TaskID(5), executorId: other, state: .finished, metrics: TaskMetrics())))
        guard case .heartbeat(let beating, _) = standIn.nextEvent() else { Issue.record("no heartbeat event"); return }
        #expect(beating == standIn.id)
        guard case .statusUpdate(let status, _) = standIn.nextEvent() else { Issue.record("no status event"); return }
        #expect(status.executorId == standIn.id && status.taskId == TaskID(5))
    }

    @Test func aFrameOverTheLimitFromARegisteredExecutorIsReportedAsAProtocolError() throws {
        let standIn = try StandIn()
        defer { standIn.stop() }
        let connection = try standIn.register(as: standIn.id)
        _ = try connection.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 60))
        guard case .registered = standIn.nextEvent() else { Issue.record("no registration event"); return }
        _ = frameHeader(length: 0x7FFF_FFF0, json: 0).withUnsafeBytes { send(connection.fd, $0.baseAddress, 8, Int32(MSG_NOSIGNAL)) }
        guard case .lost(let id, let reason) = standIn.nextEvent() else { Issue.record("the executor was not reported lost"); return }
        #expect(id == standIn.id)
        #expect(reason.message.contains("protocol error") && reason.message.contains("exceeds the limit"), "\(reason.message)")
    }

    @Test func anExecutorStopsWaitingForARegistrationReplyThatNeverComes() throws {
        // A "driver" that takes connections into its backlog and never answers.
        let (listener, port) = try LoopbackSocket.listen()
        defer { close(listener) }
        let dir = ScratchDir("no-reply")
        defer { dir.cleanup() }
        let executor = Process()
        executor.executableURL = productsDirectory().appendingPathComponent("ember-executor")
        executor.environment = [ExecutorEnvironment.role: "1", ExecutorEnvironment.driverAddress: "127.0.0.1:\(port)",
                                ExecutorEnvironment.secret: "s", ExecutorEnvironment.executorId: "1", ExecutorEnvironment.localDir: dir.path,
                                "EMBER_REGISTRATION_TIMEOUT_MS": "500"]
        executor.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try executor.run()
        let exited = waitUntil(seconds: 60) { !executor.isRunning }
        if !exited { kill(executor.processIdentifier, SIGKILL) }
        executor.waitUntilExit()
        #expect(exited, "the executor still waited for the driver's reply after 60 s")
        #expect(executor.terminationReason == .exit && executor.terminationStatus == ExecutorExitCode.startupFailure)
    }
}
