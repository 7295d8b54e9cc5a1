// PeerCredentials: which user owns the other end of a loopback TCP connection, so a listener can
// close a connection from another user before reading a byte of it. SO_PEERCRED answers only for
// Unix sockets (on a TCP socket Linux reports uid -1), so the kernel's socket-diagnostics netlink
// interface is asked instead, as `ss -e` does: the peer's socket is looked up by its four-tuple and
// the kernel reports the uid that created it. /proc/net/tcp, which has the same column, is the
// fallback. When neither answers, the peer is unknown and the caller refuses it.

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

enum PeerCredentials {
    /// True when the peer of `fd` belongs to this process's user.
    static func isSameUser(_ fd: Int32) -> Bool { peerUID(of: fd) == geteuid() }

    /// The uid that owns the peer socket of the connected TCP socket `fd`, nil when unknown.
    static func peerUID(of fd: Int32) -> uid_t? {
        guard let local = address(fd, getsockname), let peer = address(fd, getpeername) else { return nil }
        return diagnosticsUID(peer: peer, local: local) ?? procNetUID(peer: peer, local: local)
    }

    private static func address(_ fd: Int32, _ get: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> sockaddr_in? {
        var addr = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { get(fd, $0, &length) } }
        return rc == 0 && addr.sin_family == sa_family_t(AF_INET) ? addr : nil
    }

    // MARK: sock_diag (netlink)

    private static let netlinkSockDiag: Int32 = 4      // NETLINK_SOCK_DIAG
    private static let sockDiagByFamily: UInt16 = 20   // SOCK_DIAG_BY_FAMILY
    /// One netlink socket, opened on first use and kept (a listener short of descriptors can still
    /// ask), serialized by the lock with the query's sequence number.
    private static let netlink = Mutex<(fd: Int32, sequence: UInt32)>((-1, 0))

    private static func diagnosticsUID(peer: sockaddr_in, local: sockaddr_in) -> uid_t? {
        netlink.withLock { state -> uid_t? in
            if state.fd < 0 {
                state.fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkSockDiag)
                guard state.fd >= 0 else { return nil }
                var timeout = timeval(tv_sec: 1, tv_usec: 0)
                setsockopt(state.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
            state.sequence &+= 1
            let request = diagnosticsRequest(peer: peer, local: local, sequence: state.sequence)
            guard request.withUnsafeBytes({ send(state.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
            var reply = [UInt8](repeating: 0, count: 8192)
            // Skip replies to earlier queries that timed out; stop at this query's answer.
            for _ in 0..<4 {
                let n = reply.withUnsafeMutableBytes { recv(state.fd, $0.baseAddress, $0.count, 0) }
                guard n >= 16 else { return nil }
                let (type, sequence) = reply.withUnsafeBytes {
                    ($0.loadUnaligned(fromByteOffset: 4, as: UInt16.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
                }
                guard sequence == state.sequence else { continue }
                // inet_diag_msg after the 16-byte header: 4 bytes, the 48-byte socket id, expires,
                // rqueue, wqueue (4 bytes each), then the uid. An NLMSG_ERROR reply: no such socket.
                let uidOffset = 16 + 4 + 48 + 12
                guard type == sockDiagByFamily, n >= uidOffset + 4 else { return nil }
                return reply.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: uidOffset, as: UInt32.self) }
            }
            return nil
        }
    }

    /// nlmsghdr + inet_diag_req_v2 asking for the one TCP socket whose source is `peer` and
    /// destination `local` (the peer's own end of the connection).
    private static func diagnosticsRequest(peer: sockaddr_in, local: sockaddr_in, sequence: UInt32) -> [UInt8] {
        var body: [UInt8] = [UInt8(AF_INET), UInt8(IPPROTO_TCP), 0, 0]
        body += native(UInt32.max)                                           // every TCP state
        body += bytes(of: peer.sin_port) + bytes(of: local.sin_port)         // ports, network order
        body += bytes(of: peer.sin_addr.s_addr) + [UInt8](repeating: 0, count: 12)
        body += bytes(of: local.sin_addr.s_addr) + [UInt8](repeating: 0, count: 12)
        body += native(UInt32(0)) + native(UInt32.max) + native(UInt32.max)  // any interface, no cookie
        let flags: UInt16 = 1                                                // NLM_F_REQUEST
        return native(UInt32(16 + body.count)) + native(sockDiagByFamily) + native(flags) + native(sequence) + native(UInt32(0)) + body
    }

    /// A value's bytes as they lie in memory: network order for addresses and ports kept that way,
    /// host order for netlink's own fields.
    private static func bytes<T>(of value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    private static func native<T: FixedWidthInteger>(_ value: T) -> [UInt8] { bytes(of: value) }

    // MARK: /proc/net/tcp

    /// The uid column of the /proc/net/tcp line whose local address is `peer` and remote `local`.
    private static func procNetUID(peer: sockaddr_in, local: sockaddr_in) -> uid_t? {
        guard let text = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return nil }
        func key(_ a: sockaddr_in) -> String { String(format: "%08X:%04X", a.sin_addr.s_addr, UInt16(bigEndian: a.sin_port)) }
        let (wantLocal, wantRemote) = (key(peer), key(local))
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            if fields.count > 7, fields[1] == wantLocal, fields[2] == wantRemote { return uid_t(fields[7]) }
        }
        return nil
    }
}
