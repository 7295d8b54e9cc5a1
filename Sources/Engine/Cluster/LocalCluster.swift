// LocalCluster: the driver's side of the executor processes. It listens on loopback, launches
// executor processes, admits only connections that present the application secret, and turns
// everything executors say (registration, status updates, heartbeats) and every loss (socket
// closed, process exited with a status or a signal, protocol error) into ClusterEvents for the
// scheduler.
//
// The executor port is a server on a shared machine: a connection from another user is closed
// before a byte is read (AcceptLoop), at most `maxHandshakes` connections are in their handshake at
// once (ConnectionLimiter), and a handshake reads one frame of a few KiB by one deadline
// (ExecutorHandshake). Only an executor this driver launched, and only once, is admitted; after
// that, what a connection says is attributed to the executor that registered on it.
//
// Messages to an executor go through its ExecutorOutbox, never from the scheduler's thread to the
// socket: an executor that stops reading is given up (killed, reported lost) once a send to it
// misses the connection's deadline (`executorSendTimeoutSeconds`).

import Foundation
@_spi(EmberInternal) import Executor
import Logging
@_spi(EmberInternal) import Planner
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
    /// Set by the scheduler for the losses it caused; otherwise the exit status decides (see `kind`).
    var decidedKind: ExecutorLossKind? = nil
    var kind: ExecutorLossKind { decidedKind ?? ExecutorLossKind(exitCode: exitCode, signal: signal) }

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
    /// An executor is alive, running these tasks (it lists a task until after its status was sent).
    case heartbeat(ExecutorID, runningTasks: [TaskID])
    case lost(ExecutorID, ExecutorLossReason)
}

final class LocalCluster: Sendable {
    let config: SessionConfig
    let appDir: String
    let events = BlockingQueue<ClusterEvent>()
    private let secret: String
    private let handshake: ExecutorHandshake
    let acceptLoop: AcceptLoop
    let driverAddress: String
    private let program: String
    private let logger = Logger(label: "ember.cluster")
    /// Connections in their handshake at once; a newer one takes the oldest one's place.
    static let maxHandshakes = 32

    private struct State {
        var processes: [ExecutorID: Process] = [:]
        var connections: [ExecutorID: FrameConnection] = [:]
        var outboxes: [ExecutorID: ExecutorOutbox] = [:]
        /// Executors given up because they stopped reading their connection, with the reason.
        var abandoned: [ExecutorID: ExecutorLossReason] = [:]
        var exits: [ExecutorID: ExecutorLossReason] = [:]
        /// Executors this driver launched (before their process starts), registered or not.
        var launched: Set<ExecutorID> = []
        var registered: Set<ExecutorID> = []
        var nextExecutorId = 1
        var stopping = false
    }
    private let state = Mutex(State())

    init(config: SessionConfig, appDir: String) throws {
        self.config = config
        self.appDir = appDir
        self.secret = LocalCluster.makeSecret()
        self.handshake = ExecutorHandshake(secret: secret, timeoutSeconds: config.handshakeTimeoutSeconds)
        self.program = try ExecutorLauncher.resolveProgram(config).path
        let (fd, port) = try LoopbackSocket.listen()
        self.driverAddress = "127.0.0.1:\(port)"
        acceptLoop = AcceptLoop(name: "ember-executor-port", listenFD: fd, limiter: ConnectionLimiter(capacity: Self.maxHandshakes),
                                logger: logger)
        acceptLoop.start { [self] fd, slot in serve(fd, slot) }
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
            s.launched.insert(id)
            return id
        }
        let process = try ExecutorLauncher.launch(
            program: program, executorId: id, cores: cores ?? executorCores, memory: executorMemory, driverAddress: driverAddress,
            secret: secret, localDir: appDir, heartbeatMillis: config.heartbeatIntervalMillis,
            registrationTimeoutSeconds: config.executorStartTimeoutSeconds
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
        guard let outbox = state.withLock({ $0.outboxes[id] }) else { return false }
        do {
            try outbox.post(message)
            return true
        } catch ConnectionError.frameTooLarge(let bytes, let limit) {
            // Nothing was sent and the connection is fine: fail the task rather than wait for a loss.
            logger.error("a message to an executor exceeds the frame limit", metadata: ["executor": "\(id)", "bytes": "\(bytes)"])
            failLaunch(message, on: id) { task in
                EmberError(.configuration, "the description of \(task.displayName) is \(bytes) bytes, over the frame limit of \(limit) bytes",
                           hint: "the plan is too large to ship: avoid huge literal lists in expressions")
            }
            return true
        } catch let error as EncodingError {
            // Likewise nothing was sent: no loss event would ever re-queue the task.
            logger.error("a message to an executor cannot be encoded", metadata: ["executor": "\(id)", "error": "\(error)"])
            failLaunch(message, on: id) { task in
                EmberError(.internal, "the description of \(task.displayName) cannot be encoded: \(error)",
                           hint: "a value in the plan has no wire form; please report it")
            }
            return true
        } catch {
            return false
        }
    }

    /// Fails the task a launch message carried, as if its executor had reported the error.
    private func failLaunch(_ message: DriverMessage, on id: ExecutorID, _ error: (TaskDescription) -> EmberError) {
        guard case .launchTask(let task) = message else { return }
        events.post(.statusUpdate(TaskStatus(taskId: task.taskId, executorId: id, state: .failed, failure: .exception(error(task)), metrics: TaskMetrics()), []))
    }

    func pid(of id: ExecutorID) -> Int32? { state.withLock { $0.processes[id]?.processIdentifier } }

    /// Kills an executor process (used when the scheduler gives up on it, and by tests).
    func kill(_ id: ExecutorID) {
        if let pid = pid(of: id) { Foundation.kill(pid, SIGKILL) }
    }

    /// Shuts every executor down, waiting briefly for a clean exit before killing it.
    func stop() {
        let (connections, outboxes, processes) = state.withLock { s -> ([FrameConnection], [ExecutorOutbox], [Process]) in
            s.stopping = true
            return (Array(s.connections.values), Array(s.outboxes.values), Array(s.processes.values))
        }
        for outbox in outboxes {
            outbox.shutdown()
        }
        let deadline = Date(timeIntervalSinceNow: 3)
        for p in processes {
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { Foundation.kill(p.processIdentifier, SIGKILL) }
        }
        for c in connections { c.close() }
        acceptLoop.stop()
    }

    // MARK: connections

    /// Admits a connection that presents the secret first, then forwards its messages as events.
    private func serve(_ fd: Int32, _ slot: ConnectionLimiter.Slot) {
        let connection = FrameConnection(fd: fd, sendTimeoutSeconds: config.executorSendTimeoutSeconds)
        let admitted: (ExecutorID, ExecutorRegistration)
        do {
            let registration = try handshake.receiveRegistration(connection)
            // A slot taken by a newer connection meanwhile means the socket was shut down.
            guard acceptLoop.limiter.release(slot) else { throw ConnectionError.closed("displaced by newer connections") }
            admitted = (try admit(registration, connection), registration)
        } catch {
            acceptLoop.limiter.release(slot)
            connection.close()
            logger.debug("refused a connection on the executor port", metadata: ["reason": "\(error)"])
            return
        }
        let (id, registration) = admitted
        events.post(.registered(ExecutorInfo(id: id, pid: pid(of: id) ?? registration.pid, host: registration.host, cores: registration.cores)))
        if let protocolError = forwardMessages(of: id, connection) {
            logger.error("an executor broke the driver protocol; its connection is closed and the executor killed",
                         metadata: ["executor": "\(id)", "error": "\(protocolError)"])
            state.withLock { $0.connections[id] = nil; $0.outboxes.removeValue(forKey: id)?.stop() }
            connection.close()
            kill(id)
            events.post(.lost(id, ExecutorLossReason(message: "protocol error on the executor's connection: \(protocolError)", causedByApp: true)))
            return
        }
        // The connection closed: wait briefly for the process exit status to say why.
        // An executor given up for not reading is killed after its reason is recorded: that reason wins.
        var reason: ExecutorLossReason? = nil
        for _ in 0..<100 {
            reason = state.withLock { $0.abandoned[id] ?? $0.exits[id] }
            if reason != nil { break }
            usleep(10_000)
        }
        state.withLock { $0.connections[id] = nil; $0.outboxes.removeValue(forKey: id)?.stop() }
        connection.close()
        events.post(.lost(id, reason ?? ExecutorLossReason(message: "connection to the executor closed", causedByApp: true)))
    }

    /// Registers the connection as the executor it names, if this driver launched that executor, it
    /// has not registered before and its process has not exited (then it was reported lost); then
    /// tells the executor.
    private func admit(_ registration: ExecutorRegistration, _ connection: FrameConnection) throws -> ExecutorID {
        let id = registration.executorId
        let fresh = state.withLock { s -> Bool in
            guard !s.stopping, s.launched.contains(id), !s.registered.contains(id), s.exits[id] == nil else { return false }
            s.registered.insert(id)
            s.connections[id] = connection
            return true
        }
        guard fresh else { throw ConnectionError.protocolViolation("executor \(id) was not launched by this driver, has registered already or has exited") }
        do {
            try connection.send(DriverMessage.registered)
        } catch {
            let exit = state.withLock { s -> ExecutorLossReason? in
                s.connections[id] = nil
                s.registered.remove(id)
                return s.exits[id]
            }
            // It exited meanwhile and left its loss to be reported here.
            if let exit { events.post(.lost(id, exit)) }
            throw error
        }
        let outbox = ExecutorOutbox(connection: connection, name: "ember-outbox-\(id)") { [self] error in abandon(id, error) }
        let stopping = state.withLock { s -> Bool in
            s.outboxes[id] = outbox
            return s.stopping
        }
        // stop() took its list of outboxes before this one joined: tell this executor itself.
        if stopping {
            outbox.shutdown()
        }
        return id
    }

    /// An executor that did not read a frame by the send deadline is given up: its connection was
    /// shut down (its reader then reports the loss, with this reason) and its process is killed.
    /// Any other failure also shut the connection down, and its reader reports the loss by itself.
    private func abandon(_ id: ExecutorID, _ error: ConnectionError) {
        guard case .timedOut = error else { return }
        logger.error("an executor stopped reading its connection; it is killed and treated as lost",
                     metadata: ["executor": "\(id)", "error": "\(error)"])
        state.withLock {
            $0.abandoned[id] = ExecutorLossReason(message: "the executor stopped reading its connection: \(error)", causedByApp: false)
        }
        kill(id)
    }

    /// Forwards what a registered executor says, attributed to `id` whatever the message claims,
    /// until the connection ends; returns the protocol error that ended it, if one did.
    private func forwardMessages(of id: ExecutorID, _ connection: FrameConnection) -> ConnectionError? {
        while true {
            do {
                let (message, binary) = try connection.receive(ExecutorMessage.self)
                switch message {
                case .statusUpdate(var status):
                    status.executorId = id
                    events.post(.statusUpdate(status, binary))
                case .heartbeat(_, let tasks):
                    events.post(.heartbeat(id, runningTasks: tasks))
                case .register:
                    return .protocolViolation("a second registration on a registered connection")
                }
            } catch let error as ConnectionError where error.isProtocolError {
                return error
            } catch {
                return nil
            }
        }
    }
}
