// The UI's HTTP server on real sockets, as a hostile local client would use it: bad framing gets
// 400, an oversized head 431, a head trickled in byte by byte is cut off at its one deadline, a
// flood of slow connections is capped while others are still answered, a request for another Host
// (DNS rebinding) is refused, and every answer carries nosniff and a scriptless CSP.

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct LoopbackHTTPServerTests {
    func server(_ limits: LoopbackHTTPServer.Limits = .init()) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(preferred: 0, limits: limits) { request in .text("hello \(request.path)\n") }
    }

    /// Sends `request` on a fresh connection and returns the status line of the answer.
    func status(_ server: LoopbackHTTPServer, _ request: String) throws -> String {
        let client = try RawClient(port: server.port)
        client.send(request)
        return String(client.response().split(separator: "\r\n").first ?? "(no answer)")
    }

    func get(_ path: String = "/", host: String) -> String { "GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n" }

    @Test func parsesRequestHeadsStrictly() throws {
        let ok = try HTTPRequestHead.parse(Array("GET /stage?id=3&name=a%20b+c HTTP/1.1\r\nHost: x:1\r\nAccept: */*\r\n\r\n".utf8)).get()
        #expect(ok.method == "GET" && ok.path == "/stage" && ok.query == ["id": "3", "name": "a b c"] && ok.host == "x:1")
        for bad in ["garbage\r\n\r\n", "GET stage HTTP/1.1\r\nHost: x\r\n\r\n", "GET / SPDY/3\r\nHost: x\r\n\r\n",
                    "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n folded: line\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n"] {
            #expect(throws: HTTPRequestHead.ParseError.self, "\(bad.debugDescription)") { try HTTPRequestHead.parse(Array(bad.utf8)).get() }
        }
    }

    @Test func answersMalformedRequestsWith400AndFallsBackToAFreePort() throws {
        let first = try LoopbackHTTPServer(preferred: 4340) { _ in .text("hello") }
        defer { first.stop() }
        let second = try LoopbackHTTPServer(preferred: first.port) { _ in .text("other") }
        defer { second.stop() }
        #expect(second.port != first.port, "a taken port is skipped")
        #expect(try status(first, "NONSENSE\r\n\r\n") == "HTTP/1.1 400 Bad Request")
    }

    @Test func badFramingGets400() throws {
        let server = try server()
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        for request in ["GET / HTTP/1.1\nHost: \(host)\n\n",                      // LF-only line endings
                        "GET / HTTP/1.1\r\nHost: \(host)\n\r\n",                  // one bare LF
                        "GET / HTTP/1.1\r\nHost: \(host)\r\nBad header line\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: \(host)\r\n continued: fold\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: \(host)\r\nHost: \(host)\r\n\r\n",
                        "GET / HTTP/1.1\r\n\r\n",                                  // no Host
                        "GET /a b HTTP/1.1\r\nHost: \(host)\r\n\r\n"] {
            #expect(try status(server, request) == "HTTP/1.1 400 Bad Request", "\(request.debugDescription)")
        }
        #expect(try status(server, get(host: host)) == "HTTP/1.1 200 OK", "a well-formed request still works")
    }

    @Test func aHeadOver16KiBGets431() throws {
        let server = try server()
        defer { server.stop() }
        let big = "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nX-Padding: \(String(repeating: "a", count: 20 << 10))\r\n\r\n"
        #expect(try status(server, big) == "HTTP/1.1 431 Request Header Fields Too Large")
        let endless = "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nX-Padding: \(String(repeating: "b", count: 17 << 10))"
        #expect(try status(server, endless) == "HTTP/1.1 431 Request Header Fields Too Large", "without its blank line too")
    }

    @Test func requestsForAnotherHostAreRefused() throws {
        let server = try server()
        defer { server.stop() }
        let port = server.port
        for host in ["attacker.example:\(port)", "127.0.0.1", "localhost", "127.0.0.1:\(port + 1)", "evil.localhost:\(port)"] {
            let client = try RawClient(port: port)
            client.send(get("/api/v1/applications", host: host))
            let answer = client.response()
            #expect(answer.hasPrefix("HTTP/1.1 421 Misdirected Request"), "Host \(host): \(answer.prefix(80))")
            #expect(!answer.contains("hello"), "the handler did not run for Host \(host)")
        }
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LocalHost:\(port)"] {
            #expect(try status(server, get(host: host)) == "HTTP/1.1 200 OK", "Host \(host)")
        }
    }

    @Test func everyAnswerCarriesNosniffAndAScriptlessContentSecurityPolicy() throws {
        let server = try server()
        defer { server.stop() }
        for request in [get(host: "127.0.0.1:\(server.port)"), "NONSENSE\r\n\r\n", get(host: "elsewhere:1")] {
            let client = try RawClient(port: server.port)
            client.send(request)
            let head = client.response().components(separatedBy: "\r\n\r\n").first ?? ""
            #expect(head.contains("\r\nX-Content-Type-Options: nosniff"), "\(head)")
            let csp = head.split(separator: "\r\n").first { $0.hasPrefix("Content-Security-Policy: ") } ?? ""
            #expect(csp.contains("default-src 'none'") && !csp.contains("script-src") && !csp.contains("unsafe-eval"), "\(csp)")
        }
    }

    @Test func aTricklingClientIsCutOffAtTheHeadDeadline() throws {
        var limits = LoopbackHTTPServer.Limits()
        limits.headTimeoutSeconds = 1
        let server = try server(limits)
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        // One byte every 100 ms: each read gets its byte in time, the head as a whole does not.
        let head = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n".utf8) + Array(String(repeating: "X-Slow: 1\r\n", count: 2000).utf8)
        var sent = 0
        let cutOff = waitUntil(seconds: 60) {
            if client.isClosedByServer { return true }
            if sent < head.count { client.send([head[sent]]); sent += 1 }
            usleep(100_000)
            return false
        }
        #expect(cutOff, "the server still held a connection that trickled for 60 s")
        #expect(sent < head.count)
        #expect(client.response(seconds: 5).hasPrefix("HTTP/1.1 408 Request Timeout"))
    }

    @Test func slowConnectionsAreCappedAndOthersAreStillAnswered() throws {
        let server = try server()
        defer { server.stop() }
        // 300 connections that each send a byte of their head every half second, so no per-read
        // timeout ever fires: only a cap (and the head deadline) bound them.
        var clients = try (0..<300).map { _ in try RawClient(port: server.port) }
        let prefix = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nX-Slow: ".utf8)
        var round = 0
        let capped = waitUntil(seconds: 60) {
            clients.removeAll { $0.isClosedByServer }
            for client in clients { client.send([round < prefix.count ? prefix[round] : UInt8(ascii: "a")]) }
            round += 1
            usleep(500_000)
            return clients.count <= server.limits.maxConnections
        }
        #expect(capped, "\(clients.count) slow connections are still open (cap \(server.limits.maxConnections))")
        #expect(try status(server, get(host: "127.0.0.1:\(server.port)")) == "HTTP/1.1 200 OK", "answered while the slow ones are held")
        #expect(server.acceptLoop.limiter.count <= server.limits.maxConnections)
    }
}

@Suite struct ContentSecurityPolicyBrowserTests {
    @Test func inlineScriptsAndEventHandlersDoNotRunInABrowser() throws {
        guard let chromium = HeadlessChromium.find() else {
            Issue.record("Debian's chromium is not installed: scripts/test installs it (or: apt-get install chromium)")
            return
        }
        // A page as markup that slipped past escaping would make it: an inline script and an
        // inline event handler, both trying to change the page.
        let page = "<!doctype html><html><head><title>untouched</title></head><body><p id=\"p\">static</p>"
            + "<script>document.getElementById('p').textContent = ['script', 'ran'].join('-')</script>"
            + "<img src=\"/missing.png\" onerror=\"document.title = ['handler', 'ran'].join('-')\"></body></html>"
        let server = try LoopbackHTTPServer(preferred: 0) { _ in .html(page) }
        defer { server.stop() }
        let dom = try chromium.dom("http://127.0.0.1:\(server.port)/")
        #expect(dom.contains("<p id=\"p\">static</p>"), "\(dom)")
        #expect(!dom.contains("script-ran") && !dom.contains("handler-ran") && dom.contains("<title>untouched</title>"), "\(dom)")
    }
}

@Suite struct HistoryServerProcessTests {
    /// A minimal Spark-format event log whose executors page is about 9 MB.
    func bigEventLog(_ dir: ScratchDir) -> String {
        var lines = ["{\"Event\":\"SparkListenerApplicationStart\",\"App ID\":\"app-big\",\"App Name\":\"big\",\"Timestamp\":1000}"]
        for id in 1...20_000 {
            lines.append("{\"Event\":\"SparkListenerExecutorAdded\",\"Executor ID\":\"\(id)\",\"Timestamp\":1000,"
                + "\"Executor Info\":{\"Host\":\"host-\(String(repeating: "x", count: 400))\",\"Total Cores\":1}}")
        }
        return dir.write("big.jsonl", lines.joined(separator: "\n") + "\n")
    }

    /// Starts `ember history` on `log` (through `sh -c`, after `shellPrefix`) and returns it with its port.
    func startHistory(_ log: String, shellPrefix: String = "") throws -> (Process, UInt16) {
        let history = Process()
        history.executableURL = URL(fileURLWithPath: "/bin/sh")
        history.arguments = ["-c", shellPrefix + "exec \"$0\" \"$@\"", productsDirectory().appendingPathComponent("ember").path,
                             "history", log, "--port", "0"]
        let stdout = Pipe()
        history.standardOutput = stdout
        history.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try history.run()
        // "history of app-big: http://127.0.0.1:PORT  (REST: …)"
        let banner = String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = banner.range(of: "http://127.0.0.1:").flatMap({ UInt16(banner[$0.upperBound...].prefix { $0.isNumber }) }) else {
            kill(history.processIdentifier, SIGKILL)
            throw BrowserError("ember history did not start: \(banner)")
        }
        return (history, port)
    }

    @Test func emberHistoryOutOfDescriptorsKeepsAccepting() throws {
        let dir = ScratchDir("history-emfile")
        defer { dir.cleanup() }
        let log = dir.write("small.jsonl", "{\"Event\":\"SparkListenerApplicationStart\",\"App ID\":\"app-x\",\"App Name\":\"x\",\"Timestamp\":1000}\n")
        // 32 descriptors: 200 idle connections run the server out of them (EMFILE) long before its cap.
        let (history, port) = try startHistory(log, shellPrefix: "ulimit -n 32 && ")
        defer { if history.isRunning { kill(history.processIdentifier, SIGKILL) } }
        let idle = openConnections(to: port, count: 200)
        defer { for fd in idle { close(fd) } }
        let (answered, answer) = waitForHTTPAnswer(port: port)
        #expect(answered, "no answer while out of descriptors: \(answer.prefix(100))")
        #expect(history.isRunning)
    }

    @Test func emberHistorySurvivesClientsThatGoAwayMidAnswer() throws {
        let dir = ScratchDir("history-hangup")
        defer { dir.cleanup() }
        let log = bigEventLog(dir)
        let (history, port) = try startHistory(log)
        defer { if history.isRunning { kill(history.processIdentifier, SIGKILL) } }
        // A client asks for the 9 MB page and reads none of it, so the server blocks in its write;
        // then enough idle connections arrive to evict it. The server's next write on the shut-down
        // socket fails with EPIPE, which must be an error, not a SIGPIPE that ends the process.
        let stalled = try RawClient(port: port)
        stalled.send("GET /executors HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        usleep(500_000)
        let idle = try (0..<80).map { _ in try RawClient(port: port) }
        #expect(waitUntil(seconds: 60) { stalled.isClosedByServer }, "the stalled client was evicted")
        // Clients that reset the connection while the answer is being written.
        for _ in 0..<10 {
            let client = try RawClient(port: port)
            client.send("GET /executors HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            usleep(20_000)
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        }
        _ = idle
        usleep(200_000)
        #expect(history.isRunning, "ember history died (status \(history.isRunning ? 0 : history.terminationStatus))")
        let client = try RawClient(port: port)
        client.send("GET /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        #expect(client.response().hasPrefix("HTTP/1.1 200 OK"))
    }
}
