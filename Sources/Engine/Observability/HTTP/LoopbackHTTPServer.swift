// LoopbackHTTPServer: the small HTTP/1.1 server behind the UI and the REST API. It runs on its own
// threads (one accepting, one per connection), never on Swift's cooperative pool, so it answers at
// once even while the driver and its tests keep that pool busy. One GET or HEAD request per
// connection; every answer carries Content-Length and "Connection: close".

import Executor
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct HTTPRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
}

struct HTTPReply: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]

    static func json(_ data: Data, status: Int = 200) -> HTTPReply {
        HTTPReply(status: status, contentType: "application/json", body: Array(data))
    }
    static func html(_ text: String) -> HTTPReply { HTTPReply(status: 200, contentType: "text/html; charset=utf-8", body: Array(text.utf8)) }
    static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPReply {
        HTTPReply(status: status, contentType: contentType, body: Array(text.utf8))
    }
}

final class LoopbackHTTPServer: Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> HTTPReply
    let port: UInt16
    private let listenFD: Int32
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)

    /// Listens on 127.0.0.1 at the first free port of `preferred` and the 15 after it (Spark's
    /// spark.port.maxRetries = 16), else at any free port; `preferred` 0 means any port.
    init(preferred: UInt16, handler: @escaping Handler) throws {
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
        listenFD = fd
        self.port = port
        self.handler = handler
        let acceptor = Thread { [self] in acceptLoop() }
        acceptor.name = "ember-ui-accept"
        acceptor.start()
    }

    /// Stops accepting; the accepting thread closes the listening socket when it wakes up.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while let fd = LoopbackSocket.accept(listenFD) {
            if stopped.load(ordering: .acquiring) { close(fd); break }
            let connection = Thread { [self] in serve(fd) }
            connection.start()
        }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = Self.readHead(fd) else { return }
        var reply: HTTPReply
        var headOnly = false
        switch Self.parse(head) {
        case .failure(let error):
            reply = .text(error.message + "\n", status: 400)
        case .success(let request) where request.method != "GET" && request.method != "HEAD":
            reply = .text("only GET and HEAD are served\n", status: 405)
        case .success(let request):
            headOnly = request.method == "HEAD"
            reply = handler(request)
        }
        var out = Array(("HTTP/1.1 \(reply.status) \(Self.reason(reply.status))\r\nContent-Type: \(reply.contentType)\r\n"
            + "Content-Length: \(reply.body.count)\r\n\(reply.status == 405 ? "Allow: GET, HEAD\r\n" : "")"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n").utf8)
        if !headOnly { out += reply.body }
        Self.writeAll(fd, out)
    }

    /// Reads up to the blank line that ends the request head (at most 16 KiB).
    static func readHead(_ fd: Int32) -> [UInt8]? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while data.count < 16 << 10 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            let searchFrom = max(0, data.count - 3)
            data += chunk[0..<n]
            if data.count >= 4, (searchFrom...(data.count - 4)).contains(where: { data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10 }) {
                return data
            }
        }
        return nil
    }

    /// Parses "METHOD /path?a=b HTTP/1.x"; the query's values are percent-decoded.
    static func parse(_ head: [UInt8]) -> Result<HTTPRequest, ParseError> {
        guard let text = String(bytes: head, encoding: .utf8),
              let line = text.split(separator: "\r\n", maxSplits: 1, omittingEmptySubsequences: false).first else {
            return .failure(ParseError("the request is not UTF-8 text"))
        }
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), parts[1].hasPrefix("/") else {
            return .failure(ParseError("malformed request line '\(line.prefix(200))'"))
        }
        let target = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if target.count == 2 {
            for pair in target[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                let value = kv.count == 2 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
                query[key] = value
            }
        }
        let path = String(target[0]).removingPercentEncoding ?? String(target[0])
        return .success(HTTPRequest(method: String(parts[0]), path: path, query: query))
    }

    struct ParseError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            sent += n
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        default: return "Internal Server Error"
        }
    }
}
