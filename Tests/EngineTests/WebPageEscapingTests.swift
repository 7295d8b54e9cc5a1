// Stored XSS through the history server: an event log whose executor id, host, stage name and
// application name are markup (as a hostile log would carry) is replayed by `ember history`'s
// server, and every page is fetched over HTTP. No page may contain the raw markup: every value is
// escaped, quotes included, so none can open a tag or leave an attribute.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct WebPageEscapingTests {
    static let hostile = [
        "Executor ID": "<img src=x onerror=alert(4)>",
        "Host": "\"><script>alert(5)</script>",
        "Stage Name": "x' onmouseover='alert(6)",
        "App Name": "<svg onload=alert(7)>",
    ]

    /// Replaces the values of the hostile keys wherever they occur in one event.
    func poison(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, v) in object { out[key] = Self.hostile[key].map { $0 as Any } ?? poison(v) }
            return out
        }
        if let array = value as? [Any] { return array.map(poison) }
        return value
    }

    @Test func hostileValuesInAnEventLogAreEscapedOnEveryPage() throws {
        let dir = ScratchDir("xss")
        defer { dir.cleanup() }
        let (log, _) = try HistoryTests.recordEventLog(in: dir)

        var poisoned = ""
        for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") {
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8))
            poisoned += String(decoding: try JSONSerialization.data(withJSONObject: poison(event)), as: UTF8.self) + "\n"
        }
        let hostileLog = dir.write("hostile.jsonl", poisoned)
        #expect(poisoned.contains("onerror=alert(4)"))

        let server = try HistoryServer(eventLog: hostileLog, port: 0)
        defer { server.stop() }
        let port = try #require(UInt16(server.url.split(separator: ":").last ?? ""))
        for page in ["/", "/job?id=0", "/stages", "/stage?id=0", "/stage?id=1", "/executors"] {
            let client = try RawClient(port: port)
            client.send("GET \(page) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            let html = client.response()
            #expect(html.hasPrefix("HTTP/1.1 200 OK"), "page \(page): \(html.prefix(100))")
            for raw in ["<img", "<script", "<svg onload", "' onmouseover"] {
                #expect(!html.contains(raw), "page \(page) contains the raw \(raw)")
            }
        }
        let executors = try RawClient(port: port)
        executors.send("GET /executors HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n")
        let page = executors.response()
        #expect(page.contains("&lt;img src=x onerror=alert(4)&gt;") && page.contains("&quot;&gt;&lt;script&gt;"), "shown, escaped")
    }
}
