// FrameConnection: length-prefixed frames over a blocking TCP socket.
//
//   frame:  [u32 BE: n = 4 + json + binary] [u32 BE: json length] [json bytes] [binary bytes]
//
// One reader thread per connection calls `receive`; any thread may `send` (a lock keeps frames
// whole). Frames over 2 GiB are refused as corrupt rather than allocated.

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class FrameConnection: Sendable {
    public let fd: Int32
    private let sendLock = Mutex<Void>(())
    private let closed = Atomic<Bool>(false)

    public init(fd: Int32) {
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    public func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) {
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
        }
    }

    /// Sends one message with an optional binary payload.
    public func send<M: Encodable>(_ message: M, binary: [UInt8] = []) throws {
        let json = try JSONEncoder().encode(message)
        var frame = [UInt8]()
        frame.reserveCapacity(8 + json.count + binary.count)
        appendU32(&frame, UInt32(4 + json.count + binary.count))
        appendU32(&frame, UInt32(json.count))
        frame.append(contentsOf: json)
        frame.append(contentsOf: binary)
        try sendLock.withLock { _ in
            try frame.withUnsafeBytes { raw in
                var sent = 0
                while sent < raw.count {
                    let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ConnectionError.closed("send failed: \(String(cString: strerror(errno)))")
                    }
                    sent += n
                }
            }
        }
    }

    /// Receives one message; throws `ConnectionError.closed` when the peer has gone.
    public func receive<M: Decodable>(_ type: M.Type) throws -> (M, [UInt8]) {
        var header = [UInt8](repeating: 0, count: 8)
        try readFully(&header, 0, 8)
        let total = Int(readU32(header, 0))
        let jsonLength = Int(readU32(header, 4))
        guard total >= 4, jsonLength <= total - 4, total < (1 << 31) else {
            throw ConnectionError.protocolViolation("bad frame header (length \(total), json \(jsonLength))")
        }
        var body = [UInt8](repeating: 0, count: total - 4)
        try readFully(&body, 0, body.count)
        let message = try JSONDecoder().decode(M.self, from: Data(body[0..<jsonLength]))
        return (message, Array(body[jsonLength...]))
    }

    private func readFully(_ buffer: inout [UInt8], _ offset: Int, _ count: Int) throws {
        var got = 0
        try buffer.withUnsafeMutableBytes { raw in
            while got < count {
                let n = recv(fd, raw.baseAddress! + offset + got, count - got, 0)
                if n == 0 { throw ConnectionError.closed("connection closed by peer") }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ConnectionError.closed("receive failed: \(String(cString: strerror(errno)))")
                }
                got += n
            }
        }
    }

    private func appendU32(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v >> 24)); out.append(UInt8((v >> 16) & 0xff)); out.append(UInt8((v >> 8) & 0xff)); out.append(UInt8(v & 0xff))
    }

    private func readU32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

public enum ConnectionError: Error, CustomStringConvertible {
    case closed(String)
    case protocolViolation(String)
    public var description: String {
        switch self {
        case .closed(let m): return m
        case .protocolViolation(let m): return "protocol violation: \(m)"
        }
    }
}

/// Loopback TCP helpers.
public enum LoopbackSocket {
    /// Listens on 127.0.0.1 at `port` (0: an ephemeral one); returns the fd and the port. A server
    /// that restarts on a fixed port passes `reuseAddress` so connections in TIME_WAIT don't block it.
    public static func listen(port: UInt16 = 0, reuseAddress: Bool = false) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError.closed("socket: \(String(cString: strerror(errno)))") }
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ConnectionError.closed("bind/listen on 127.0.0.1:\(port): \(message)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    /// Accepts one connection (blocking); nil when the listening socket was closed.
    public static func accept(_ listenFD: Int32) -> Int32? {
        while true {
            let fd = Glibc.accept(listenFD, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                return fd
            }
            if errno == EINTR { continue }
            return nil
        }
    }

    /// Connects to "host:port".
    public static func connect(_ address: String) throws -> Int32 {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else {
            throw ConnectionError.protocolViolation("bad driver address '\(address)'")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr(String(parts[0]))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ConnectionError.closed("connect to \(address): \(message)")
        }
        return fd
    }
}
