// LoopbackSocket: listening on, accepting from and connecting to 127.0.0.1 over TCP. Accepting
// classifies accept(2)'s errors, so a listener's loop can tell a shortage it must wait out (EMFILE,
// ENFILE, ENOBUFS, ENOMEM) and a connection that failed on its own (ECONNABORTED, EPROTO, EPERM…)
// from a listening socket that has been shut down.

#if canImport(Glibc)
import Glibc
#endif

@_spi(EmberInternal) public enum LoopbackSocket {
    /// What one accept(2) gave.
    @_spi(EmberInternal) public enum Accepted: Sendable {
        case connection(Int32)
        /// Nothing this time; try again (after a pause when `shortage`: out of descriptors or memory).
        case retry(errno: Int32, shortage: Bool)
        /// The listening socket was shut down or closed.
        case listenerClosed
    }

    /// Listens on 127.0.0.1 at `port` (0: an ephemeral one); returns the fd and the port. A server
    /// that restarts on a fixed port passes `reuseAddress` so connections in TIME_WAIT don't block it.
    @_spi(EmberInternal) public static func listen(port: UInt16 = 0, reuseAddress: Bool = false, backlog: Int32 = 128) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError.closed("socket: \(SocketIO.errorText())") }
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = loopback(port: port)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else {
            let message = SocketIO.errorText()
            Glibc.close(fd)
            throw ConnectionError.closed("bind/listen on 127.0.0.1:\(port): \(message)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    /// Accepts one connection (blocking), close-on-exec.
    @_spi(EmberInternal) public static func accept(_ listenFD: Int32) -> Accepted {
        let fd = Glibc.accept(listenFD, nil, nil)
        if fd >= 0 {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)   // (Glibc's module does not export accept4)
            return .connection(fd)
        }
        let code = errno
        switch code {
        case EBADF, EINVAL, ENOTSOCK: return .listenerClosed
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .retry(errno: code, shortage: true)
        // EINTR, ECONNABORTED, EPROTO, EPERM and the network errors Linux passes on from the new
        // connection: that connection failed, the listener did not.
        default: return .retry(errno: code, shortage: false)
        }
    }

    /// Connects to "host:port", by `deadline` when one is given.
    @_spi(EmberInternal) public static func connect(_ address: String, deadline: Deadline? = nil) throws -> Int32 {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else {
            throw ConnectionError.protocolViolation("bad driver address '\(address)'")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError.closed("socket: \(SocketIO.errorText())") }
        var addr = loopback(port: port)
        addr.sin_addr.s_addr = inet_addr(String(parts[0]))
        let flags = fcntl(fd, F_GETFL)
        if deadline != nil { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        var rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var failure = rc == 0 ? 0 : errno
        if failure == EINPROGRESS {
            do {
                try SocketIO.wait(fd, for: POLLOUT, until: deadline, doing: "connecting to \(address)")
            } catch {
                Glibc.close(fd)
                throw error
            }
            var length = socklen_t(MemoryLayout<Int32>.size)
            rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            if rc != 0 { failure = errno }
        }
        guard failure == 0 else {
            Glibc.close(fd)
            throw ConnectionError.closed("connect to \(address): \(SocketIO.errorText(failure))")
        }
        if deadline != nil { _ = fcntl(fd, F_SETFL, flags) }
        return fd
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}
