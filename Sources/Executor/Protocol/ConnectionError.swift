// ConnectionError: what can go wrong on a driver–executor connection or a listener's socket, typed
// so callers can act on it: a peer that went away is not a protocol error, and a frame over the
// limit (on either side) says how large it was and what the limit is.

@_spi(EmberInternal) public enum ConnectionError: Error, CustomStringConvertible, Sendable {
    /// The peer closed the connection, or the socket failed.
    case closed(String)
    /// The peer sent something that is not a valid frame or message.
    case protocolViolation(String)
    /// A frame larger than the connection allows: refused before anything was sent, or, when
    /// received, before its body was read.
    case frameTooLarge(bytes: UInt64, limit: Int)
    /// The exchange's deadline passed (see Deadline).
    case timedOut(String)

    @_spi(EmberInternal) public var description: String {
        switch self {
        case .closed(let m): return m
        case .protocolViolation(let m): return "protocol violation: \(m)"
        case .frameTooLarge(let bytes, let limit): return "protocol violation: a frame of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .timedOut(let m): return "timed out: \(m)"
        }
    }

    /// True when the peer broke the protocol (as opposed to going away or being slow).
    @_spi(EmberInternal) public var isProtocolError: Bool {
        switch self {
        case .protocolViolation, .frameTooLarge: return true
        case .closed, .timedOut: return false
        }
    }
}
