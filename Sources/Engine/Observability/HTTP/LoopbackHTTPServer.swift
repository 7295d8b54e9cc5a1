// LoopbackHTTPServer: the small HTTP/1.1 server behind the UI and the REST API. It runs on its own
// threads (AcceptLoop's, one per connection within a cap), never on Swift's cooperative pool, so it
// answers at once even while the driver and its tests keep that pool busy. One GET or HEAD request
// per connection; every answer carries Content-Length and "Connection: close" (see HTTPReply).
//
// A server on a shared machine (DESIGN.md): connections from other users are closed unread; at most
// `maxConnections` are served at once (a newer one displaces the oldest); the request head has one
// deadline and 16 KiB; bad framing gets 400, an oversized head 431, a slow one 408; and a request
// whose Host is not this server's own loopback name gets 421, so a web page that rebinds its DNS
// name to 127.0.0.1 cannot read the answers.

@_spi(EmberInternal) import Executor
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

final class LoopbackHTTPServer: Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> HTTPReply

    struct Limits: Sendable {
        var maxConnections = 64
        /// The whole request head must arrive within this time.
        var headTimeoutSeconds = 10.0
        var maxHeadBytes = 16 << 10
        /// The whole answer must be taken within this time.
        var writeTimeoutSeconds = 30.0
    }

    let port: UInt16
    let limits: Limits
    let acceptLoop: AcceptLoop
    private let handler: Handler

    /// Listens on 127.0.0.1 at the first free port of `preferred` and the 15 after it (Spark's
    /// spark.port.maxRetries = 16), else at any free port; `preferred` 0 means any port.
    init(preferred: UInt16, limits: Limits = Limits(), handler: @escaping Handler) throws {
        var bound: (Int32, UInt16)?
        if preferred != 0 {
            for offset in 0..<UInt16(16) where bound == nil && preferred <= UInt16.max - offset {
                bound = try? LoopbackSocket.listen(port: preferred + offset, reuseAddress: true)
            }
        }
        if bound == nil { bound = try? LoopbackSocket.listen(port: 0, reuseAddress: true) }
        guard let (fd, port) = bound else {
            throw EmberError(.configuration, "no free port for the UI from \(preferred)",
                             hint: "set SessionConfig.uiPort to another port, or uiEnabled = false")
        }
        self.port = port
        self.limits = limits
        self.handler = handler
        acceptLoop = AcceptLoop(name: "ember-ui", listenFD: fd, limiter: ConnectionLimiter(capacity: limits.maxConnections),
                                logger: Logger(label: "ember.ui"))
        acceptLoop.start { [self] fd, slot in serve(fd, slot) }
    }

    /// Stops accepting; the accepting thread closes the listening socket when it wakes up.
    func stop() { acceptLoop.stop() }

    private func serve(_ fd: Int32, _ slot: ConnectionLimiter.Slot) {
        let outcome = HTTPHeadReader.read(fd, deadline: Deadline(secondsFromNow: limits.headTimeoutSeconds), maxBytes: limits.maxHeadBytes)
        var headOnly = false
        let reply: HTTPReply?
        switch outcome {
        case .closed: reply = nil
        case .timedOut: reply = .text("the request head did not arrive within \(limits.headTimeoutSeconds) s\n", status: 408)
        case .tooLarge: reply = .text("the request head is over \(limits.maxHeadBytes) bytes\n", status: 431)
        case .badFraming: reply = .text("bad framing: every line of the request head must end with CRLF\n", status: 400)
        case .head(let bytes):
            let request = HTTPRequestHead.parse(bytes)
            headOnly = (try? request.get().method) == "HEAD"
            reply = answer(request)
        }
        if let reply {
            let bytes = reply.serialized(headOnly: headOnly)
            try? bytes.withUnsafeBytes { try SocketIO.writeAll(fd, $0, deadline: Deadline(secondsFromNow: limits.writeTimeoutSeconds)) }
            Self.drainBeforeClosing(fd)
        }
        acceptLoop.limiter.release(slot)
        close(fd)
    }

    private func answer(_ parsed: Result<HTTPRequest, HTTPRequestHead.ParseError>) -> HTTPReply {
        switch parsed {
        case .failure(let error):
            return .text(error.message + "\n", status: 400)
        case .success(let request) where !isOwnHost(request.host):
            return .text("this server answers only to http://127.0.0.1:\(port) and http://localhost:\(port)\n", status: 421)
        case .success(let request) where request.method != "GET" && request.method != "HEAD":
            return .text("only GET and HEAD are served\n", status: 405)
        case .success(let request):
            return handler(request)
        }
    }

    /// Whether a Host header names this server: 127.0.0.1 or localhost, with this server's port.
    func isOwnHost(_ host: String) -> Bool {
        let name = host.lowercased()
        return name == "127.0.0.1:\(port)" || name == "localhost:\(port)"
    }

    /// Closes gracefully: stops sending, then reads what the client still sends (briefly, up to a
    /// bound) so closing with unread bytes does not reset the connection before the answer is read.
    static func drainBeforeClosing(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Deadline(secondsFromNow: 1)
        var sink = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 1 << 20 {
            let n = (try? sink.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try SocketIO.readSome(fd, into: base, count: raw.count, deadline: deadline)
            }) ?? 0
            if n <= 0 { return }
            drained += n
        }
    }
}
