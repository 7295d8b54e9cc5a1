// LocalCluster: the driver's side of the executor processes. It listens on loopback, launches
// executor processes, admits only connections that present the application secret, and turns
// everything executors say (registration, status updates, heartbeats) and every loss (socket
// closed, process exited with a status or a signal) into ClusterEvents for the scheduler.

import Foundation
import Executor
import Planner
import Synchronization

struct ExecutorInfo: Sendable {
    let id: ExecutorID
    let pid: Int32
    let host: String
    let cores: Int
}

/// Why an executor went away, classified as Spark does.
struct ExecutorLossReason: Sendable, CustomStringConvertible {
    var message: String
    var exitCode: Int32?
    var signal: Int32?
    /// Whether the application caused it (then it counts toward task failures in later issues).
    var causedByApp: Bool

    /// Out of memory, or killed by a signal that the kernel's OOM killer sends (SIGKILL).
    var possiblyOutOfMemory: Bool { exitCode == ExecutorExitCode.outOfMemory || signal == SIGKILL }

    var description: String { message }

    static func from(status: Int32, reason: Process.TerminationReason) -> ExecutorLossReason {
        if reason == .uncaughtSignal {
            let name = status == SIGKILL ? "SIGKILL (killed from outside, possibly by the kernel's out-of-memory killer)"
                : status == SIGILL || status == SIGTRAP ? "a crash (signal \(status))" : "signal \(status)"
            return ExecutorLossReason(message: "executor process terminated by \(name)", exitCode: 128 + status, signal: status, causedByApp: true)
        }
        switch status {
        case ExecutorExitCode.normal:
            return ExecutorLossReason(message: "executor process exited normally", exitCode: 0, causedByApp: false)
        case ExecutorExitCode.outOfMemory:
            return ExecutorLossReason(message: "executor ran out of memory (exit code 52)", exitCode: status, causedByApp: true)
        case ExecutorExitCode.startupFailure:
            return ExecutorLossReason(message: "executor could not start (exit code 50)", exitCode: status, causedByApp: false)
        default:
            return ExecutorLossReason(message: "executor process exited with code \(status)", exitCode: status, causedByApp: true)
        }
    }
}

enum ClusterEvent: Sendable {
    case registered(ExecutorInfo)
    case statusUpdate(TaskStatus, [UInt8])
    case heartbeat(ExecutorID)
    case lost(ExecutorID, ExecutorLossReason)
}

final class LocalCluster: Sendable {
    let config: SessionConfig
    let appDir: String
    let events = BlockingQueue<ClusterEvent>()
    private let secret: String
    private let listenFD: Int32
    let driverAddress: String
    private let program: String

    private struct State {
        var processes: [ExecutorID: Process] = [:]
        var connections: [ExecutorID: FrameConnection] = [:]
        var exits: [ExecutorID: ExecutorLossReason] = [:]
        var registered: Set<ExecutorID> = []
        var nextExecutorId = 1
        var stopping = false
    }
    private let state = Mutex(State())

    init(config: SessionConfig, appDir: String) throws {
        self.config = config
        self.appDir = appDir
        self.secret = LocalCluster.makeSecret()
        self.program = try ExecutorLauncher.resolveProgram(config).path
        let (fd, port) = try LoopbackSocket.listen()
        self.listenFD = fd
        self.driverAddress = "127.0.0.1:\(port)"
        let acceptThread = Thread { [self] in acceptLoop() }
        acceptThread.start()
    }

    static func makeSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(rng.next() as UInt64, radix: 16) }.joined()
    }

    var executorCores: Int {
        switch config.master { case .local(_, let c, _): return c }
    }
    var executorMemory: Int64 {
        switch config.master { case .local(_, _, let m): return m }
    }

    /// Launches one executor process and returns its id (registration arrives later as an event).
    @discardableResult
    func launchExecutor(cores: Int? = nil) throws -> ExecutorID {
        let id = try state.withLock { s -> ExecutorID in
            // Stopped (possibly by a signal while a job runs): replacing lost executors would orphan them.
            guard !s.stopping else { throw EmberError(.executor, "the session is stopping: no executor is launched") }
            let id = ExecutorID(String(s.nextExecutorId))
            s.nextExecutorId += 1
            return id
        }
        let process = try ExecutorLauncher.launch(
            program: program, executorId: id, cores: cores ?? executorCores, memory: executorMemory, driverAddress: driverAddress,
            secret: secret, localDir: appDir, heartbeatMillis: config.heartbeatIntervalMillis
        ) { [self] status, reason in
            let loss = ExecutorLossReason.from(status: status, reason: reason)
            let registered = state.withLock { s -> Bool in
                s.exits[id] = loss
                s.processes[id] = nil
                return s.registered.contains(id)
            }
            // Registered executors are reported lost by their connection's reader (which waits for this
            // exit status); an executor that died before registering is reported here.
            if !registered { events.post(.lost(id, loss)) }
        }
        state.withLock { $0.processes[id] = process }
        return id
    }

    func send(_ message: DriverMessage, to id: ExecutorID) -> Bool {
        guard let connection = state.withLock({ $0.connections[id] }) else { return false }
        do {
            try connection.send(message)
            return true
        } catch {
            return false
        }
    }

    func pid(of id: ExecutorID) -> Int32? { state.withLock { $0.processes[id]?.processIdentifier } }

    /// Kills an executor process (used when the scheduler gives up on it, and by tests).
    func kill(_ id: ExecutorID) {
        if let pid = pid(of: id) { Foundation.kill(pid, SIGKILL) }
    }

    /// Shuts every executor down, waiting briefly for a clean exit before killing it.
    func stop() {
        let (connections, processes) = state.withLock { s -> ([FrameConnection], [Process]) in
            s.stopping = true
            return (Array(s.connections.values), Array(s.processes.values))
        }
        for c in connections { try? c.send(DriverMessage.shutdown) }
        let deadline = Date(timeIntervalSinceNow: 3)
        for p in processes {
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { Foundation.kill(p.processIdentifier, SIGKILL) }
        }
        for c in connections { c.close() }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    // MARK: connections

    private func acceptLoop() {
        while let fd = LoopbackSocket.accept(listenFD) {
            if state.withLock({ $0.stopping }) { close(fd); return }
            let thread = Thread { [self] in serve(FrameConnection(fd: fd)) }
            thread.start()
        }
    }

    /// Admits a connection that presents the secret first, then forwards its messages as events.
    private func serve(_ connection: FrameConnection) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let (first, _) = try? connection.receive(ExecutorMessage.self),
              case .register(let registration) = first,
              constantTimeEqual(registration.secret, secret) else {
            connection.close()
            return
        }
        var noTimeout = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(connection.fd, SOL_SOCKET, SO_RCVTIMEO, &noTimeout, socklen_t(MemoryLayout<timeval>.size))
        let id = registration.executorId
        state.withLock {
            $0.connections[id] = connection
            $0.registered.insert(id)
        }
        do { try connection.send(DriverMessage.registered) } catch { return }
        events.post(.registered(ExecutorInfo(id: id, pid: registration.pid, host: registration.host, cores: registration.cores)))
        while true {
            do {
                let (message, binary) = try connection.receive(ExecutorMessage.self)
                switch message {
                case .statusUpdate(let status): events.post(.statusUpdate(status, binary))
                case .heartbeat(let executor, _): events.post(.heartbeat(executor))
                case .register: break
                }
            } catch {
                break
            }
        }
        // The connection closed: wait briefly for the process exit status to say why.
        var reason: ExecutorLossReason? = nil
        for _ in 0..<100 {
            reason = state.withLock { $0.exits[id] }
            if reason != nil { break }
            usleep(10_000)
        }
        state.withLock { $0.connections[id] = nil }
        connection.close()
        events.post(.lost(id, reason ?? ExecutorLossReason(message: "connection to the executor closed", causedByApp: true)))
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
