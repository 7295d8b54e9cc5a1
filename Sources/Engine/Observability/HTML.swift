// HTML: markup whose interpolated values are escaped unless they are markup themselves. A page is
// built from literals (its own tags) and interpolations: in `"<td>\(name)</td>" as HTML` the value
// `name` is escaped (& < > " ' all), while an interpolated HTML value goes in as it is. A value from
// a file, an event log or an executor therefore cannot become a tag or leave an attribute, and no
// call site can forget to escape: a String cannot be added to HTML without going through here.

struct HTML: ExpressibleByStringInterpolation, Sendable, Equatable {
    private(set) var markup: String

    init(stringLiteral markup: String) { self.markup = markup }
    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup = ""
        init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        mutating func appendLiteral(_ literal: String) { markup += literal }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ value: some CustomStringConvertible) { markup += HTML.escape(value.description) }
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(stringLiteral: lhs.markup + rhs.markup) }
    static func += (lhs: inout HTML, rhs: HTML) { lhs.markup += rhs.markup }

    /// Text made safe for element content and for quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension Sequence where Element == HTML {
    func joined(separator: HTML = "") -> HTML {
        var out: HTML = ""
        for (i, part) in enumerated() {
            if i > 0 { out += separator }
            out += part
        }
        return out
    }
}
