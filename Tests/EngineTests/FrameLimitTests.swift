// Frame sizes on the driver–executor connection: a frame over the limit is refused with a typed
// error before anything is sent (the connection stays usable, so the sender can report a failure
// instead), a received header over the limit is refused before its body is read, and nothing
// traps or is allocated from what a header claims.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct FrameLimitTests {
    /// Two connected sockets (a real stream socket pair), each wrapped in a FrameConnection.
    func pair(maxFrameBytes: Int = FrameConnection.defaultMaxFrameBytes) -> (FrameConnection, FrameConnection) {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        return (FrameConnection(fd: fds[0], maxFrameBytes: maxFrameBytes), FrameConnection(fd: fds[1], maxFrameBytes: maxFrameBytes))
    }

    @Test func anOversizedFrameIsRefusedBeforeAnythingIsSentAndTheConnectionStaysUsable() throws {
        let (a, b) = pair(maxFrameBytes: 1024)
        let message = DriverMessage.removeCache(7)
        let error = #expect(throws: ConnectionError.self) { try a.send(message, binary: [UInt8](repeating: 1, count: 2000)) }
        guard case .frameTooLarge(let bytes, let limit) = error else {
            Issue.record("expected frameTooLarge, got \(String(describing: error))")
            return
        }
        #expect(limit == 1024 && bytes > 2000, "the error says how large the frame was and what the limit is")
        #expect(error?.isProtocolError == true)
        // Nothing of the refused frame went out: the next frame arrives whole and first.
        try a.send(message, binary: [1, 2, 3])
        let (received, binary) = try b.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 30))
        guard case .removeCache(let id) = received else { Issue.record("got \(received)"); return }
        #expect(id == 7 && binary == [1, 2, 3])
    }

    @Test func aReceivedHeaderOverTheLimitIsRefusedFromTheHeaderAlone() throws {
        let (a, b) = pair()
        // 0x7FFFFFF0 bytes announced, none sent: refused at once, with the sizes in the error.
        _ = frameHeader(length: 0x7FFF_FFF0, json: 0).withUnsafeBytes { send(a.fd, $0.baseAddress, 8, 0) }
        let error = #expect(throws: ConnectionError.self) {
            _ = try b.receive(ExecutorMessage.self, limit: FrameConnection.preAuthenticationMaxFrameBytes, deadline: Deadline(secondsFromNow: 30))
        }
        #expect(error?.description.contains("exceeds the limit of \(FrameConnection.preAuthenticationMaxFrameBytes) bytes") == true, "\(String(describing: error))")
        // Over the connection's own limit (not just the pre-authentication one) too.
        let (c, d) = pair()
        _ = frameHeader(length: UInt32(FrameConnection.defaultMaxFrameBytes), json: 0).withUnsafeBytes { send(c.fd, $0.baseAddress, 8, 0) }
        #expect(throws: ConnectionError.self) { _ = try d.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 30)) }
    }

    @Test func aBodyThatStopsArrivingEndsAtTheDeadlineNotAtAnAllocation() throws {
        let (a, b) = pair()
        // A plausible header (1,000 bytes) followed by ten bytes, then silence.
        _ = (frameHeader(length: 1000, json: 996) + [UInt8](repeating: 0x20, count: 10)).withUnsafeBytes { send(a.fd, $0.baseAddress, 18, 0) }
        let error = #expect(throws: ConnectionError.self) {
            _ = try b.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 0.3))
        }
        guard case .timedOut = error else { Issue.record("expected timedOut, got \(String(describing: error))"); return }
        _ = a
    }

    @Test func aFrameThatIsNotTheExpectedMessageIsAProtocolError() throws {
        let (a, b) = pair()
        let junk = Array("{\"nonsense\":1}".utf8)
        _ = (frameHeader(length: UInt32(4 + junk.count), json: UInt32(junk.count)) + junk).withUnsafeBytes { send(a.fd, $0.baseAddress, $0.count, 0) }
        let error = #expect(throws: ConnectionError.self) { _ = try b.receive(ExecutorMessage.self, deadline: Deadline(secondsFromNow: 30)) }
        #expect(error?.isProtocolError == true, "\(String(describing: error))")
    }
}
