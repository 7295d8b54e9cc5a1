// ExecutorLauncher: finds the program to run as an executor and starts executor processes.
//
// Which program (first match wins):
//   1. SessionConfig.executorPath, if set
//   2. the EMBER_EXECUTOR_PATH environment variable
//   3. the running program itself, if it called `Session.runExecutorIfRequested()` at the top of
//      main (it is then re-executed with EMBER_EXECUTOR=1, so the same code runs in executors)
//   4. `ember-executor` next to the running program (tests and the package's own executables)

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
import Synchronization

/// Set when the running program declared it can act as an executor.
let programCanRunExecutors = Atomic<Bool>(false)

enum ExecutorLauncher {
    static let dedicatedBinaryName = "ember-executor"

    static func currentExecutablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        if n > 0 { return buffer.withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer($0).prefix(n), as: UTF8.self) } }
        return CommandLine.arguments[0]
    }

    /// Resolves the executor program, or explains how to provide one.
    static func resolveProgram(_ config: SessionConfig) throws -> (path: String, how: String) {
        let fm = FileManager.default
        if let path = config.executorPath {
            guard fm.isExecutableFile(atPath: path) else {
                throw EmberError(.executor, "the configured executor program does not exist or is not executable",
                                 context: [.init("path", path)], hint: "build it with `swift build` or fix SessionConfig.executorPath")
            }
            return (path, "SessionConfig.executorPath")
        }
        if let path = ProcessInfo.processInfo.environment["EMBER_EXECUTOR_PATH"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else {
                throw EmberError(.executor, "EMBER_EXECUTOR_PATH does not name an executable file",
                                 context: [.init("path", path)], hint: "point it at the ember-executor binary or unset it")
            }
            return (path, "EMBER_EXECUTOR_PATH")
        }
        let me = currentExecutablePath()
        if programCanRunExecutors.load(ordering: .relaxed) { return (me, "re-executing this program") }
        let sibling = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(dedicatedBinaryName).path
        if fm.isExecutableFile(atPath: sibling) { return (sibling, "ember-executor next to this program") }
        throw EmberError(.executor, "cannot find a program to run executors with",
                         context: [.init("looked for", sibling)],
                         hint: "call Session.runExecutorIfRequested() at the top of your program's main so it can re-execute itself, "
                             + "or build the ember-executor product (swift build) and set EMBER_EXECUTOR_PATH to it")
    }

    /// Starts one executor process. `onExit` runs (on a background thread) when it terminates.
    /// Foundation's `Process.run` fails with EBADF while a descriptor is open above the descriptor
    /// limit (InheritedDescriptors: then the error names it), and could when another thread closes
    /// a descriptor while it prepares the child's: that is tried again, twice.
    static func launch(program: String, executorId: ExecutorID, cores: Int, memory: Int64, driverAddress: String,
                       secret: String, localDir: String, heartbeatMillis: Int, registrationTimeoutSeconds: Double,
                       onExit: @escaping @Sendable (Int32, Process.TerminationReason) -> Void) throws -> Process {
        func launchFailed(_ error: any Error) -> EmberError {
            EmberError(.executor, "executor \(executorId) could not be launched", context: [.init("program", program)],
                       hint: "check that the program exists and is executable", cause: error)
        }
        var attempt = 1
        while true {
            do {
                return try launchOnce(program: program, executorId: executorId, cores: cores, memory: memory, driverAddress: driverAddress,
                                      secret: secret, localDir: localDir, heartbeatMillis: heartbeatMillis,
                                      registrationTimeoutSeconds: registrationTimeoutSeconds, onExit: onExit)
            } catch where isBadDescriptor(error) {
                let fds = InheritedDescriptors.aboveLimit()
                if !fds.isEmpty {   // no attempt can succeed while they are open
                    throw EmberError(.executor, "executor \(executorId) could not be launched: descriptor \(fds.map(String.init).joined(separator: ", ")) is open at or above this process's descriptor limit (\(getdtablesize()))",
                                     context: [.init("program", program)],
                                     hint: "it was inherited from a parent with a higher limit (`ulimit -n` lowers the limit, not the open descriptors): start the program with that descriptor closed or with a higher `ulimit -n`, or call Session.closeDescriptorsAboveLimit() at the start of main",
                                     cause: error)
                }
                guard attempt < 3 else { throw launchFailed(error) }
                attempt += 1
            } catch {
                throw launchFailed(error)
            }
        }
    }

    private static func isBadDescriptor(_ error: any Error) -> Bool {
        let ns = error as NSError
        return ns.domain == NSPOSIXErrorDomain && ns.code == Int(EBADF)
    }

    private static func launchOnce(program: String, executorId: ExecutorID, cores: Int, memory: Int64, driverAddress: String,
                                   secret: String, localDir: String, heartbeatMillis: Int, registrationTimeoutSeconds: Double,
                                   onExit: @escaping @Sendable (Int32, Process.TerminationReason) -> Void) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        var env = ProcessInfo.processInfo.environment
        env[ExecutorEnvironment.role] = "1"
        env[ExecutorEnvironment.driverAddress] = driverAddress
        env[ExecutorEnvironment.secret] = secret
        env[ExecutorEnvironment.executorId] = executorId.value
        env[ExecutorEnvironment.cores] = String(cores)
        env[ExecutorEnvironment.memory] = String(memory)
        env[ExecutorEnvironment.localDir] = localDir
        env[ExecutorEnvironment.heartbeatInterval] = String(heartbeatMillis)
        env[ExecutorEnvironment.registrationTimeout] = String(Int((registrationTimeoutSeconds.isNaN ? 0 : min(max(registrationTimeoutSeconds, 0), 1e9)) * 1000))
        env["SWIFT_BACKTRACE"] = env["SWIFT_BACKTRACE"] ?? "enable=no"
        // Tasks run on short-lived threads; glibc would give them up to 8 × cores malloc arenas that
        // each keep their peak. Two arenas keep an executor's RSS close to its memory budget.
        env["MALLOC_ARENA_MAX"] = env["MALLOC_ARENA_MAX"] ?? "2"
        process.environment = env
        process.arguments = []
        let logPath = stderrLogPath(localDir: localDir, executorId: executorId)
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)   // private, like the app dir
        process.standardError = logFD >= 0 ? FileHandle(fileDescriptor: logFD, closeOnDealloc: true) : nil
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.terminationHandler = { p in onExit(p.terminationStatus, p.terminationReason) }
        try process.run()
        return process
    }

    static func stderrLogPath(localDir: String, executorId: ExecutorID) -> String {
        localDir + "/executor-\(executorId.value).stderr"
    }

    /// The last lines an executor wrote to stderr (for error messages).
    static func stderrTail(localDir: String, executorId: ExecutorID, lines: Int = 8) -> String {
        guard let data = FileManager.default.contents(atPath: stderrLogPath(localDir: localDir, executorId: executorId)),
              let text = String(data: data, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
