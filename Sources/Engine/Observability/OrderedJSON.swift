// OrderedJSON: a JSON value whose objects keep their keys in the order they were written, encoded
// compactly (no spaces). Spark's History Server finds the events it lists by the start of the line,
// `{"Event":"SparkListenerApplicationStart"`, so "Event" must come first and nothing may sit
// between the separators; JSONSerialization orders keys as it likes (or sorted), so the event log
// writes through this instead.
//
//   let line: OrderedJSON = ["Event": "SparkListenerApplicationEnd", "Timestamp": .int(t)]
//   line.encoded()   →   {"Event":"SparkListenerApplicationEnd","Timestamp":1763740000000}

enum OrderedJSON: Sendable {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    /// Keys in the order they are written out.
    case object([(String, OrderedJSON)])

    static func int(_ value: some BinaryInteger) -> OrderedJSON { .number(Int64(clamping: value)) }

    /// A string, or null when absent.
    static func optional(_ value: String?) -> OrderedJSON { value.map { .string($0) } ?? .null }

    /// A number, or null when absent.
    static func optional(_ value: (some BinaryInteger)?) -> OrderedJSON { value.map { .int($0) } ?? .null }

    /// The object's fields followed by `more` (nothing changes for other values).
    func appending(_ more: [(String, OrderedJSON)]) -> OrderedJSON {
        guard case .object(let fields) = self else { return self }
        return .object(fields + more)
    }

    /// Compact UTF-8 JSON: no whitespace, strings escaped as RFC 8259 requires.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    private func encode(into out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.encode(string: s, into: &out)
        case .number(let n): out.append(contentsOf: String(n).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                item.encode(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (n, (key, value)) in fields.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                Self.encode(string: key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.encode(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func encode(string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default: out.append(byte)   // UTF-8 passes through: a Swift String is valid UTF-8
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension OrderedJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
                       ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int64) { self = .number(value) }
    init(arrayLiteral elements: OrderedJSON...) { self = .array(elements) }
    /// A dictionary literal keeps its order: `["Event": …, "Timestamp": …]` writes "Event" first.
    init(dictionaryLiteral elements: (String, OrderedJSON)...) { self = .object(elements) }
}
