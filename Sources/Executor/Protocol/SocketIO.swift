// SocketIO: reads and writes on a blocking socket, each bounded by an optional Deadline (poll(2)
// before every call, so the deadline holds however the peer spreads its bytes). Every write passes
// MSG_NOSIGNAL: a peer that has gone is an error to handle, never a SIGPIPE that ends the process.
// With a deadline, writes pass MSG_DONTWAIT too: a blocking send of more than the socket buffer
// holds would otherwise wait for the peer past the deadline that poll(2) checked.

#if canImport(Glibc)
import Glibc
#endif

@_spi(EmberInternal) public enum SocketIO {
    /// Waits until `fd` has one of `events` (or hung up, or failed: the next call says which);
    /// throws `.timedOut` once the deadline has passed. Without a deadline it returns at once.
    @_spi(EmberInternal) public static func wait(_ fd: Int32, for events: Int32, until deadline: Deadline?, doing what: String) throws {
        guard let deadline else { return }
        while true {
            let millis = deadline.remainingMillis
            if millis == 0 { throw ConnectionError.timedOut(what) }
            var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
            let n = poll(&entry, 1, millis)
            if n > 0 { return }
            if n < 0 && errno != EINTR { throw ConnectionError.closed("poll failed while \(what): \(errorText())") }
        }
    }

    /// Reads at most `count` bytes into `buffer`: how many arrived, 0 when the peer closed.
    @_spi(EmberInternal) public static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, deadline: Deadline?,
                                doing what: String = "reading") throws -> Int {
        while true {
            try wait(fd, for: POLLIN, until: deadline, doing: what)
            let n = recv(fd, buffer, count, 0)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN where deadline != nil: continue
            case EAGAIN: throw ConnectionError.timedOut(what)
            default: throw ConnectionError.closed("receive failed: \(errorText())")
            }
        }
    }

    /// Writes every byte, or throws (`.closed` when the peer has gone, `.timedOut` at the deadline).
    @_spi(EmberInternal) public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, deadline: Deadline?, doing what: String = "writing") throws {
        guard let base = bytes.baseAddress else { return }
        var sent = 0
        while sent < bytes.count {
            try wait(fd, for: POLLOUT, until: deadline, doing: what)
            let flags = Int32(MSG_NOSIGNAL) | (deadline == nil ? 0 : Int32(MSG_DONTWAIT))
            let n = send(fd, base + sent, bytes.count - sent, flags)
            if n >= 0 {
                sent += n
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN where deadline != nil: continue
            case EAGAIN: throw ConnectionError.timedOut(what)
            default: throw ConnectionError.closed("send failed: \(errorText())")
            }
        }
    }

    @_spi(EmberInternal) public static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
