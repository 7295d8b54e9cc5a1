// Shared helpers for the integration tests: sessions on real executor processes, scratch
// directories, a seeded random generator, and CSV reading for comparing outputs.

import Engine
import Foundation
import Synchronization
import Testing

/// The engine's seeded generator, so test data is the same on every run.
typealias SeededRandom = SplitMix64

/// A fresh scratch directory, removed by `cleanup()`.
struct ScratchDir {
    let path: String
    init(_ name: String = "test") {
        path = NSTemporaryDirectory() + "ember-\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Directory of the built products (the test bundle, `ember` and `ember-executor` sit there).
func productsDirectory() -> URL {
    var buffer = [CChar](repeating: 0, count: 4097)
    let n = readlink("/proc/self/exe", &buffer, 4096)
    let path = buffer.withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer($0).prefix(max(0, n)), as: UTF8.self) }
    return URL(fileURLWithPath: path).deletingLastPathComponent()
}

/// The configuration of a test session: real executor processes, no UI, no event log, no
/// root-cause report on stderr; `configure` adjusts the rest.
func testConfig(executors: Int = 2, cores: Int = 2, memory: Int64 = 256 << 20,
                _ configure: (inout SessionConfig) -> Void = { _ in }) -> SessionConfig {
    var config = SessionConfig()
    config.master = .local(executors: executors, cores: cores, memory: memory)
    config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
    config.eventLogDir = nil
    config.uiEnabled = false
    config.printRootCauseReport = false
    configure(&config)
    return config
}

/// A session with real executor processes (the `ember-executor` binary next to the test bundle).
func makeSession(executors: Int = 2, cores: Int = 2, partitions: Int? = nil, maxPartitionBytes: Int64? = nil,
                 memory: Int64 = 256 << 20) throws -> Session {
    var config = SessionConfig()
    config.master = .local(executors: executors, cores: cores, memory: memory)
    config.shufflePartitions = partitions
    if let maxPartitionBytes { config.maxPartitionBytes = maxPartitionBytes }
    config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
    config.eventLogDir = nil
    config.uiEnabled = false
    return try Session(config: config)
}

/// Reads a CSV file written by Ember (simple: no quoted fields in the test data) into rows of strings.
func readCSV(_ path: String) throws -> [[String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
}

/// Runs a program and returns (exit status, stdout, stderr). Both pipes are read at once (a child
/// that fills one while the other is being read to its end would block for ever), and a child still
/// running after `timeoutSeconds` is killed: its status then says SIGKILL, and its output so far is returned.
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                timeoutSeconds: Double = 600) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = PipeDrain(out), stderr = PipeDrain(err)
    if !waitUntil(seconds: timeoutSeconds, { stdout.isDone && stderr.isDone && !process.isRunning }) {
        kill(process.processIdentifier, SIGKILL)
        // Its own children may hold the pipes open: wait for them a while, not for ever.
        _ = waitUntil(seconds: 30) { stdout.isDone && stderr.isDone }
    }
    process.waitUntilExit()
    return (process.terminationStatus, stdout.text, stderr.text)
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: Sendable {
    private let state = Mutex<(data: Data, done: Bool)>((Data(), false))

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread { [self] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                state.withLock { $0.data.append(chunk) }
            }
            state.withLock { $0.done = true }
        }.start()
    }

    /// Whether the pipe was read to its end (every writer closed it).
    var isDone: Bool { state.withLock { $0.done } }
    /// What was read so far.
    var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }
}
