// ExecutorProcess: the main loop of an executor process. It connects to the driver over loopback
// TCP, registers with the application secret, then runs each launched task on its own thread (the
// driver never launches more tasks than the executor has cores) and reports status updates.
// A heartbeat thread tells the driver it is alive. When the driver goes away, the executor exits.
//
// Exit codes (classified by the driver when an executor is lost):
//   0  normal shutdown or driver gone      50  could not start (bad environment, cannot connect,
//                                              not registered by the deadline)
//   52 out of memory (Spark's code)        other / signals: crash

import Foundation
@_spi(EmberInternal) import Planner
import Synchronization

@_spi(EmberInternal) public enum ExecutorExitCode {
    @_spi(EmberInternal) public static let normal: Int32 = 0
    @_spi(EmberInternal) public static let startupFailure: Int32 = 50
    @_spi(EmberInternal) public static let outOfMemory: Int32 = 52
}

@_spi(EmberInternal) public enum ExecutorProcess {
    /// True when this process was launched as an executor (the role variable is set).
    @_spi(EmberInternal) public static var isLaunchedAsExecutor: Bool {
        ProcessInfo.processInfo.environment[ExecutorEnvironment.role] == "1"
    }

    /// Runs the executor until the driver shuts it down; never returns.
    @_spi(EmberInternal) public static func main() -> Never {
        signal(SIGPIPE, SIG_IGN)
        let env = ProcessInfo.processInfo.environment
        MallocTuning.apply(memoryBytes: Int64(env[ExecutorEnvironment.memory] ?? ""))
        func required(_ key: String) -> String {
            guard let v = env[key], !v.isEmpty else {
                FileHandle.standardError.write(Data("ember executor: missing environment variable \(key); executors are started by a Session, not by hand\n".utf8))
                exit(ExecutorExitCode.startupFailure)
            }
            return v
        }
        let address = required(ExecutorEnvironment.driverAddress)
        let secret = required(ExecutorEnvironment.secret)
        let executorId = ExecutorID(required(ExecutorEnvironment.executorId))
        let cores = Int(env[ExecutorEnvironment.cores] ?? "1") ?? 1
        let localDir = required(ExecutorEnvironment.localDir)
        let heartbeatMillis = Int(env[ExecutorEnvironment.heartbeatInterval] ?? "1000") ?? 1000
        // Connecting, registering and the driver's reply share one deadline: a driver that never
        // answers must not keep this process waiting.
        let registrationMillis = Int(env[ExecutorEnvironment.registrationTimeout] ?? "") ?? 60_000
        let registrationDeadline = Deadline(secondsFromNow: Double(registrationMillis) / 1000)

        let connection: FrameConnection
        do {
            connection = FrameConnection(fd: try LoopbackSocket.connect(address, deadline: registrationDeadline))
            try connection.send(ExecutorMessage.register(ExecutorRegistration(
                secret: secret, executorId: executorId, pid: getpid(), host: ProcessInfo.processInfo.hostName, cores: cores)))
            let (reply, _) = try connection.receive(DriverMessage.self, deadline: registrationDeadline)
            guard case .registered = reply else {
                throw ConnectionError.protocolViolation("expected a registration reply")
            }
        } catch {
            FileHandle.standardError.write(Data("ember executor \(executorId): cannot register with the driver at \(address): \(error)\n".utf8))
            exit(ExecutorExitCode.startupFailure)
        }

        // Tasks launched and not yet reported, with their kill flags. A task leaves only after its
        // status was sent, so a heartbeat that does not list a task comes after its status.
        let running = Mutex<[TaskID: TaskKillFlag]>([:])
        /// Plans of the stage attempts this executor runs tasks of (the driver sends each once).
        var stagePlans = StagePlans()
        let heartbeat = Thread {
            while true {
                Thread.sleep(forTimeInterval: Double(heartbeatMillis) / 1000)
                let tasks = running.withLock { Array($0.keys) }
                do { try connection.send(ExecutorMessage.heartbeat(executorId, runningTasks: tasks)) } catch { exit(ExecutorExitCode.normal) }
            }
        }
        heartbeat.start()

        let memoryBytes = Int64(env[ExecutorEnvironment.memory] ?? "") ?? (1 << 30)
        let memory = ExecutorMemoryManager(executorMemory: memoryBytes)
        let blocks = BlockManager(directory: localDir, memory: memory)
        let runner = TaskRunner(executorId: executorId, localDir: localDir, memory: memory, blocks: blocks)
        while true {
            let message: DriverMessage
            do {
                (message, _) = try connection.receive(DriverMessage.self)
            } catch {
                exit(ExecutorExitCode.normal)   // the driver is gone: nothing left to do
            }
            switch message {
            case .registered:
                continue
            case .stagePlan, .forgetStagePlans:
                _ = stagePlans.handle(message)
            case .launchTask(let sent):
                let task: TaskDescription
                do {
                    task = try stagePlans.withPlan(sent)
                } catch {
                    StatusReporter(connection: connection, task: sent, blocks: blocks)
                        .report(TaskStatus(taskId: sent.taskId, executorId: executorId, state: .failed, failure: .exception(EmberError.wrap(error)),
                                           metrics: TaskMetrics()), [])
                    continue
                }
                let kill = TaskKillFlag()
                running.withLock { $0[task.taskId] = kill }
                let thread = Thread {
                    let (status, binary) = runner.run(task, kill: kill)
                    _ = malloc_trim(0)   // give the task's freed buffers back to the system
                    StatusReporter(connection: connection, task: task, blocks: blocks).report(status, binary)
                    running.withLock { _ = $0.removeValue(forKey: task.taskId) }
                    if case .outOfMemory = status.failure {
                        // As a JVM executor dies of OutOfMemoryError: the driver classifies the loss by this code.
                        // _exit, not exit: exit() would run atexit handlers and flush stdio on this task
                        // thread while other threads still run, which can crash and lose the code.
                        StandardError.write("ember executor \(executorId): out of memory in \(task.displayName); exiting with code 52\n")
                        _exit(ExecutorExitCode.outOfMemory)
                    }
                }
                thread.stackSize = 8 << 20
                thread.start()
            case .killTask(let id, let reason):
                // The task stops at its next batch boundary and reports KILLED.
                running.withLock { $0[id] }?.kill(reason: reason)
            case .removeCache(let id):
                blocks.remove(cacheId: id)
            case .shutdown:
                exit(ExecutorExitCode.normal)
            }
        }
    }
}
