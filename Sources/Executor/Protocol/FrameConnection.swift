// FrameConnection: length-prefixed frames over a blocking TCP socket.
//
//   frame:  [u32 BE: n = 4 + json + binary] [u32 BE: json length] [json bytes] [binary bytes]
//
// One reader thread per connection calls `receive`; any thread may `send` (a lock keeps frames
// whole). Both directions have a maximum frame size: `send` refuses a larger frame with
// ConnectionError.frameTooLarge before writing a byte (the connection stays usable, so the caller
// can report the failure instead), and `receive` refuses one from its header alone. Received bytes
// go into buffers that grow as they arrive, never into one sized from what the header claims: a
// peer that announces 2 GiB and then sends nothing costs nothing. Before a peer has authenticated,
// the driver passes a limit of a few KiB and one Deadline for the whole handshake.
//
// Every frame is sent by a deadline (`sendTimeoutSeconds`): a peer that stops reading (a stopped
// process, a hostile client) cannot block a sender for longer. A frame that missed its deadline
// went out in part, so the connection is shut down and the peer is to be treated as lost.

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@_spi(EmberInternal) public final class FrameConnection: Sendable {
    /// The largest frame once the peer has authenticated: 1 GiB, Spark's spark.driver.maxResultSize
    /// (a result that large goes through a file, not a frame).
    @_spi(EmberInternal) public static let defaultMaxFrameBytes = 1 << 30
    /// The largest frame a peer may send before it has presented the application secret: the
    /// register message is a few hundred bytes.
    @_spi(EmberInternal) public static let preAuthenticationMaxFrameBytes = 4 << 10
    /// How long one frame may take to send: Spark's spark.network.timeout (120 s).
    @_spi(EmberInternal) public static let defaultSendTimeoutSeconds = 120.0
    /// Received bytes are read this much at a time.
    static let readChunkBytes = 64 << 10

    @_spi(EmberInternal) public let fd: Int32
    /// The largest frame this connection sends or receives, header included.
    @_spi(EmberInternal) public let maxFrameBytes: Int
    /// How long one frame may take to send before the connection is given up.
    @_spi(EmberInternal) public let sendTimeoutSeconds: Double
    private let sendLock = Mutex<Void>(())
    private let closed = Atomic<Bool>(false)

    @_spi(EmberInternal) public init(fd: Int32, maxFrameBytes: Int = FrameConnection.defaultMaxFrameBytes,
                sendTimeoutSeconds: Double = FrameConnection.defaultSendTimeoutSeconds) {
        self.fd = fd
        self.maxFrameBytes = max(8, min(maxFrameBytes, Int(UInt32.max)))
        self.sendTimeoutSeconds = sendTimeoutSeconds
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    @_spi(EmberInternal) public func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) {
            // The shutdown wakes a sender waiting in poll(2), which fails and lets go of the lock;
            // the descriptor is closed only then, so no sender writes to a number reused meanwhile.
            shutdown(fd, Int32(SHUT_RDWR))
            sendLock.withLock { _ in _ = Glibc.close(fd) }
        }
    }

    /// A frame ready to send: encoded, and within the connection's maximum frame size.
    @_spi(EmberInternal) public struct Frame: Sendable {
        let head: [UInt8]
        let binary: [UInt8]
    }

    /// Encodes one message with an optional binary payload. Throws `ConnectionError.frameTooLarge`
    /// when the frame would exceed `maxFrameBytes` (and whatever the encoder throws).
    @_spi(EmberInternal) public func frame<M: Encodable>(_ message: M, binary: [UInt8] = []) throws -> Frame {
        let json = try Self.encoder().encode(message)
        let frameBytes = 8 + UInt64(json.count) + UInt64(binary.count)
        guard frameBytes <= UInt64(maxFrameBytes) else {
            throw ConnectionError.frameTooLarge(bytes: frameBytes, limit: maxFrameBytes)
        }
        var head = [UInt8]()
        head.reserveCapacity(8 + json.count)
        appendU32(&head, UInt32(frameBytes - 4))
        appendU32(&head, UInt32(json.count))
        head.append(contentsOf: json)
        return Frame(head: head, binary: binary)
    }

    /// Sends one message with an optional binary payload. Throws `ConnectionError.frameTooLarge`,
    /// having sent nothing, when the frame would exceed `maxFrameBytes`.
    @_spi(EmberInternal) public func send<M: Encodable>(_ message: M, binary: [UInt8] = []) throws {
        try send(frame(message, binary: binary))
    }

    /// Sends an encoded frame by `sendTimeoutSeconds`. Throws `.timedOut` when the peer did not take
    /// it in time, `.closed` when the connection has gone. After any failed send the connection is
    /// shut down: part of the frame may have gone out, so nothing more can be sent on it, and the
    /// reader sees the end and reports the peer gone.
    @_spi(EmberInternal) public func send(_ frame: Frame) throws {
        try sendLock.withLock { _ in
            guard !closed.load(ordering: .acquiring) else { throw ConnectionError.closed("the connection is closed") }
            let deadline = Deadline(secondsFromNow: sendTimeoutSeconds)
            do {
                try frame.head.withUnsafeBytes { try SocketIO.writeAll(fd, $0, deadline: deadline, doing: "sending a frame") }
                try frame.binary.withUnsafeBytes { try SocketIO.writeAll(fd, $0, deadline: deadline, doing: "sending a frame") }
            } catch ConnectionError.timedOut(let what) {
                if !closed.load(ordering: .acquiring) { shutdown(fd, Int32(SHUT_RDWR)) }
                throw ConnectionError.timedOut("\(what) (the peer did not read it within \(sendTimeoutSeconds) s)")
            } catch {
                if !closed.load(ordering: .acquiring) { shutdown(fd, Int32(SHUT_RDWR)) }
                throw error
            }
        }
    }

    /// Receives one message of at most `limit` bytes (and at most `maxFrameBytes`), by `deadline`
    /// if one is given. Throws `.closed` when the peer has gone, `.frameTooLarge` or
    /// `.protocolViolation` when it broke the protocol, `.timedOut` at the deadline.
    @_spi(EmberInternal) public func receive<M: Decodable>(_ type: M.Type, limit: Int? = nil, deadline: Deadline? = nil) throws -> (M, [UInt8]) {
        let limit = min(limit ?? maxFrameBytes, maxFrameBytes)
        let header = try read(8, deadline)
        let length = UInt64(readU32(header, 0))
        let jsonLength = UInt64(readU32(header, 4))
        guard length + 4 <= UInt64(limit) else { throw ConnectionError.frameTooLarge(bytes: length + 4, limit: limit) }
        guard length >= 4, jsonLength <= length - 4 else {
            throw ConnectionError.protocolViolation("bad frame header (length \(length), json \(jsonLength))")
        }
        let json = try read(Int(jsonLength), deadline)
        let binary = try read(Int(length - 4 - jsonLength), deadline)
        do {
            return (try Self.decoder().decode(M.self, from: Data(json)), binary)
        } catch {
            throw ConnectionError.protocolViolation("a frame that is not a \(M.self) (\(json.count) bytes of JSON)")
        }
    }

    /// JSON has no NaN or Infinity, but plans carry them (`lit(Double.nan)`): they travel as the
    /// strings Java prints for them, in places that hold a double (a string stays a string).
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// Reads exactly `count` bytes into a buffer that grows as they arrive.
    private func read(_ count: Int, _ deadline: Deadline?) throws -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(min(count, Self.readChunkBytes))
        var chunk = [UInt8](repeating: 0, count: min(count, Self.readChunkBytes))
        while bytes.count < count {
            let wanted = min(chunk.count, count - bytes.count)
            let n = try chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try SocketIO.readSome(fd, into: base, count: wanted, deadline: deadline, doing: "receiving a frame")
            }
            if n == 0 { throw ConnectionError.closed("connection closed by peer") }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    private func appendU32(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v >> 24)); out.append(UInt8((v >> 16) & 0xff)); out.append(UInt8((v >> 8) & 0xff)); out.append(UInt8(v & 0xff))
    }

    private func readU32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
