// HTTPRequestHead: parses a request head strictly (RFC 9112): a request line of exactly
// `METHOD SP /target SP HTTP/1.x`, header lines of `name: value` with a token name, CRLF after
// every line (the reader already refused bare LFs), no folded lines, no control characters, and
// exactly one Host header. Anything else is bad framing, answered with 400.

import Foundation

struct HTTPRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// The Host header, as sent.
    var host: String = ""
}

enum HTTPRequestHead {
    struct ParseError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Parses a head that ends with its blank line; the query's values are percent-decoded.
    static func parse(_ head: [UInt8]) -> Result<HTTPRequest, ParseError> {
        guard let text = String(bytes: head, encoding: .utf8) else { return .failure(ParseError("the request is not UTF-8 text")) }
        var lines = text.components(separatedBy: "\r\n")
        guard lines.count >= 3, lines.suffix(2) == ["", ""] else { return .failure(ParseError("the head does not end with a blank line")) }
        lines.removeLast(2)
        if let bad = lines.first(where: { $0.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F } }) {
            return .failure(ParseError("a control character in '\(sample(bad))'"))
        }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, isToken(parts[0]), parts[1].hasPrefix("/"), parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            return .failure(ParseError("malformed request line '\(sample(requestLine))'"))
        }
        var hosts: [String] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), isToken(line[..<colon]) else {
                return .failure(ParseError("malformed header line '\(sample(line))'"))
            }
            if line[..<colon].lowercased() == "host" {
                hosts.append(line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t")))
            }
        }
        guard hosts.count == 1 else { return .failure(ParseError(hosts.isEmpty ? "no Host header" : "more than one Host header")) }
        var request = target(parts[1])
        request.method = String(parts[0])
        request.host = hosts[0]
        return .success(request)
    }

    /// "/path?a=b&c": the percent-decoded path and query.
    private static func target(_ target: Substring) -> HTTPRequest {
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if pieces.count == 2 {
            for pair in pieces[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                let value = kv.count == 2 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
                query[key] = value
            }
        }
        let path = String(pieces[0]).removingPercentEncoding ?? String(pieces[0])
        return HTTPRequest(method: "", path: path, query: query)
    }

    /// RFC 9110's token: one or more of ! # $ % & ' * + - . ^ _ ` | ~ digits and letters.
    private static func isToken(_ s: Substring) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }
    }

    private static func sample(_ s: String) -> String {
        String(s.prefix(200).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
