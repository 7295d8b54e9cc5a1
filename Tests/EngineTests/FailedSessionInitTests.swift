// A Session whose start fails leaves nothing running: when the event log directory is refused
// (after the executor port was opened), the port's listener and its accept thread used to stay
// for good. Listening sockets are counted in a test process of their own, so other tests' sessions
// do not get in the way: this suite runs the probe below in a child process of the test bundle.

@testable import Engine
import Foundation
import Testing

@Suite struct FailedSessionInitTests {
    static let probeVariable = "EMBER_FAILED_INIT_PROBE"

    /// Listening TCP sockets this process holds open.
    static func listeningSockets() -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let inodes = Set(fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
            .filter { $0.hasPrefix("socket:[") }.map { String($0.dropFirst(8).dropLast()) })
        let table = (try? String(contentsOfFile: "/proc/self/net/tcp", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").filter { line in
            let f = line.split(separator: " ")
            return f.count > 9 && f[3] == "0A" && inodes.contains(String(f[9]))
        }.count
    }

    @Test func aSessionThatFailsToStartClosesItsExecutorPort() throws {
        let bundle = productsDirectory().appendingPathComponent("EmberPackageTests.xctest").path
        let (status, out, err) = try runProgram(bundle, ["--testing-library", "swift-testing", "--filter", "failedInitProbe"],
                                                environment: [Self.probeVariable: "1"])
        #expect(status == 0 && out.contains("PROBE ok"), "status \(status)\n\(out.suffix(2000))\n\(err.suffix(2000))")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[probeVariable] != nil))
    func failedInitProbe() throws {
        let dir = ScratchDir("failed-init")
        defer { dir.cleanup() }
        symlink("/tmp", dir.file("link"))   // an event log directory that is refused
        let before = Self.listeningSockets()
        for _ in 0..<3 {
            #expect(throws: EmberError.self) { _ = try Session(config: testConfig { $0.eventLogDir = dir.file("link") }) }
        }
        let closed = waitUntil(seconds: 30) { Self.listeningSockets() == before }
        #expect(closed, "executor ports left open: \(Self.listeningSockets() - before)")
        if closed { print("PROBE ok") }
    }
}
