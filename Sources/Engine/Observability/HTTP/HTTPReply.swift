// HTTPReply: one answer of the loopback server, serialized with the headers every answer carries:
// its length, `Connection: close`, no caching, and the browser protections (no MIME sniffing; a
// Content-Security-Policy under which no script runs and nothing is loaded from elsewhere: the pages
// are plain HTML with inline styles and inline SVG; no framing; no referrer).

import Foundation

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

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The status line, headers and (unless answering HEAD) the body.
    func serialized(headOnly: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        if status == 405 { head += "Allow: GET, HEAD\r\n" }
        head += "Cache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n"
            + "Content-Security-Policy: \(Self.contentSecurityPolicy)\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n\r\n"
        return Array(head.utf8) + (headOnly ? [] : body)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 421: return "Misdirected Request"
        case 431: return "Request Header Fields Too Large"
        default: return "Internal Server Error"
        }
    }
}
