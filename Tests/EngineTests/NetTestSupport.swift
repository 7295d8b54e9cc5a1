// Helpers for the listener tests: a raw client socket that sends what a test says (a byte at a
// time, if need be) and tells when the server has closed it, and the test process's memory peak.

@_spi(EmberInternal) import Executor
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client of a loopback listener.
final class RawClient {
    let fd: Int32

    init(_ address: String) throws { fd = try LoopbackSocket.connect(address) }
    convenience init(port: UInt16) throws { try self.init("127.0.0.1:\(port)") }
    deinit { Glibc.close(fd) }

    /// Sends the bytes; false when the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the server closes the connection or `seconds` pass: what arrived, and whether it closed.
    func readUntilClosed(seconds: Double) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return (received, true) }
            received += buffer[0..<n]
        }
        return (received, false)
    }

    /// The text the server sent before closing (within `seconds`).
    func response(seconds: Double = 60) -> String { String(decoding: readUntilClosed(seconds: seconds).bytes, as: UTF8.self) }

    /// True once the server has closed its side (or reset the connection), even if some of what it
    /// sent is still unread; never blocks.
    var isClosedByServer: Bool {
        let peerClosed: Int16 = 0x2000   // POLLRDHUP: the peer shut down writing
        var entry = pollfd(fd: fd, events: peerClosed, revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & (peerClosed | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }
}

/// Opens `count` connections to `port` without waiting for them to be accepted.
func openConnections(to port: UInt16, count: Int) -> [Int32] {
    (0..<count).compactMap { _ in
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        return fd
    }
}

/// Asks the HTTP server on `port` for `path` (with its own Host) until it answers 200 or `seconds`
/// pass: whether it did, and the last answer.
func waitForHTTPAnswer(port: UInt16, path: String = "/api/v1/applications", seconds: Double = 60) -> (answered: Bool, last: String) {
    var answer = ""
    let answered = waitUntil(seconds: seconds) {
        guard let client = try? RawClient(port: port) else { return false }
        client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        answer = client.response(seconds: 10)
        return answer.hasPrefix("HTTP/1.1 200 OK")
    }
    return (answered, answer)
}

/// A field of /proc/self/status in KiB (VmRSS, VmHWM…), 0 if absent.
func processStatusKiB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// Waits (polling) until `condition` holds or `seconds` pass; returns whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// An 8-byte frame header announcing `length` bytes after the length field, `json` of them JSON.
func frameHeader(length: UInt32, json: UInt32) -> [UInt8] {
    [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff),
     UInt8(json >> 24), UInt8((json >> 16) & 0xff), UInt8((json >> 8) & 0xff), UInt8(json & 0xff)]
}
